// What a journaled revoke-org change may contain, before undo acts on it: an SCP change names a target id
// that its target ARN ends with, and its `before` lists only lockdown SCPs of that target (names
// lockdown-revoke-org-<target>[-N], revocation documents); a policy-type change names a root; a
// management-account change is a revoke-sessions change (checked by revoke-sessions' own rules).
import {z} from 'zod'

import {isScpRevokeDocument, parseScpPolicyName} from '../../aws/policies/scp-revoke.js'
import {checkChange} from '../lib/journal-check.js'
import {checkRevokeJournal} from '../revoke/journal-check.js'
import type {Change} from '../types.js'

const TARGET_ID = /^(r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|\d{12})$/
const ORG_ARN = /^arn:aws[a-z-]*:organizations::\d{12}:(root|ou|account)\/o-[a-z0-9]{10,32}\/.+$/
const strings = z.array(z.string())

const scpBefore = z.strictObject({
  policies: z.array(z.strictObject({name: z.string(), id: z.string(), attached: z.boolean(), content: z.string().refine(isScpRevokeDocument, 'expected a lockdown revocation SCP')})),
})
const scpData = z.looseObject({
  kind: z.literal('scp'),
  targetId: z.string().regex(TARGET_ID),
  spec: z.strictObject({roles: strings, sourceIdentities: strings, userIds: strings, identityCenterUsers: strings, exempt: strings}),
  accounts: z.array(z.string().regex(/^\d{12}$/)),
})

const typeBefore = z.strictObject({policyType: z.literal('DISABLED')})
const typeData = z.looseObject({kind: z.literal('policy-type'), rootId: z.string().regex(/^r-[0-9a-z]{4,32}$/)})

export function checkRevokeOrgJournal(c: Change<unknown>): string | undefined {
  const kind = (c.data as {kind?: unknown} | undefined)?.kind
  if (kind === 'mgmt-role') return checkRevokeJournal({...c, data: (c.data as {revoke?: unknown}).revoke})
  if (kind === 'policy-type') {
    return checkChange(c, {before: typeBefore, data: typeData}, (ch) => {
      const d = ch.data as z.output<typeof typeData>
      return ORG_ARN.test(ch.target) && ch.target.endsWith(`/${d.rootId}`) ? undefined : `target ${ch.target} is not root ${d.rootId}`
    })
  }
  if (kind !== 'scp') return `data.kind: expected scp, policy-type or mgmt-role`
  return checkChange(c, {before: scpBefore, data: scpData}, (ch) => {
    const d = ch.data as z.output<typeof scpData>
    if (!ORG_ARN.test(ch.target) || !ch.target.endsWith(`/${d.targetId}`)) return `target ${ch.target} is not the target named in data (${d.targetId})`
    const foreign = (ch.before as z.output<typeof scpBefore>).policies.find((p) => parseScpPolicyName(p.name)?.targetId !== d.targetId)
    return foreign ? `before names policy ${foreign.name}, not one of lockdown's SCPs for ${d.targetId}` : undefined
  })
}
