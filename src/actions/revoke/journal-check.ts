// What a journaled revoke-sessions change may contain: the principal it names in `target` and `data`
// agree, and its `before` is a lockdown revocation document or nothing — never an Allow, never another
// policy (undo does not restore `before` any more, but a journal that says otherwise was not written by us).
import {z} from 'zod'

import {isRevocationDocument} from '../../aws/policies/revoke.js'
import type {Change} from '../types.js'
import {arnName, checkChange} from '../lib/journal-check.js'

const IAM_PRINCIPAL = /^arn:aws[a-z-]*:iam::\d{12}:(role|user)\/.+$/

const before = z.strictObject({
  policy: z.unknown().refine((d) => d === null || isRevocationDocument(d), 'expected a lockdown revocation document (Deny on aws:TokenIssueTime) or null'),
})

const match = z.union([z.strictObject({userId: z.string().min(1)}), z.strictObject({sourceIdentity: z.string().min(1)})])

const data = z.looseObject({
  kind: z.enum(['role', 'user']),
  name: z.string().regex(/^[\w+=,.@-]{1,64}$/),
  arn: z.string().regex(IAM_PRINCIPAL),
  all: z.boolean(),
  sessions: z.array(match),
  mode: z.enum(['inline', 'managed']),
})

export function checkRevokeJournal(c: Change<unknown>): string | undefined {
  return checkChange(c, {before, data}, (ch) => {
    const d = ch.data as z.output<typeof data>
    if (ch.target !== d.arn || ch.principal !== d.arn) return `target ${ch.target} is not the principal named in data (${d.arn})`
    if (arnName(d.arn) !== d.name || !d.arn.includes(`:${d.kind}/`)) return `data names ${d.kind} ${d.name}, not ${d.arn}`
    return undefined
  })
}

/** tidy-revocations: its `before` is a lockdown revocation document, its data names the principal of its target. */
export function checkTidyJournal(c: Change<unknown>): string | undefined {
  const tidyBefore = z.strictObject({policy: z.unknown().refine((d) => isRevocationDocument(d), 'expected a lockdown revocation document')})
  const tidyData = z.looseObject({kind: z.enum(['role', 'user']), name: z.string().regex(/^[\w+=,.@-]{1,64}$/), arn: z.string().regex(IAM_PRINCIPAL), runs: z.array(z.string())})
  return checkChange(c, {before: tidyBefore, data: tidyData}, (ch) => {
    const d = ch.data as z.output<typeof tidyData>
    if (ch.target !== d.arn || arnName(d.arn) !== d.name || !d.arn.includes(`:${d.kind}/`)) return `target ${ch.target} is not ${d.kind} ${d.name} of data`
    return undefined
  })
}
