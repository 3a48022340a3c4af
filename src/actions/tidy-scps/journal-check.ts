// What a journaled tidy-scps change may contain before undo acts on it: one of lockdown's SCPs by name and
// id (the target ARN ends with the id), a lockdown revocation document as `before`, target ids only.
import {z} from 'zod'

import {isScpRevokeDocument, parseScpPolicyName} from '../../aws/policies/scp-revoke.js'
import {checkChange} from '../lib/journal-check.js'
import type {Change} from '../types.js'

const TARGET_ID = z.string().regex(/^(r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|\d{12})$/, 'expected a root, OU or account id')
const POLICY_ARN = /^arn:aws[a-z-]*:organizations::\d{12}:policy\/o-[a-z0-9]{10,32}\/service_control_policy\/(p-[0-9a-z]{8,128})$/

export const tidyScpBefore = z.strictObject({
  content: z.string().refine(isScpRevokeDocument, 'expected a lockdown revocation SCP'),
  targets: z.array(TARGET_ID),
  // Absent in journals written before it was recorded. AWS allows at most 512 characters.
  description: z.string().max(512).optional(),
})
export const tidyScpData = z.strictObject({
  policyId: z.string().regex(/^p-[0-9a-z]{8,128}$/),
  name: z.string().refine((n) => parseScpPolicyName(n) !== undefined, 'expected a lockdown SCP name (lockdown-revoke-org-<target>[-N])'),
  runs: z.array(z.string().min(1)).min(1),
  remove: z.enum(['all', 'parts']),
})

export function checkTidyScpJournal(c: Change<unknown>): string | undefined {
  return checkChange(c, {before: tidyScpBefore, data: tidyScpData}, (ch) => {
    const d = ch.data as z.output<typeof tidyScpData>
    return POLICY_ARN.exec(ch.target)?.[1] === d.policyId ? undefined : `target ${ch.target} is not the policy named in data (${d.policyId})`
  })
}
