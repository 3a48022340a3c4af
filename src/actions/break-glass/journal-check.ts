// What a journaled break-glass change may contain: the role it names in `target` and `data` agree, and a
// `before` of an existing role is a lockdown break-glass role (open or closed trust): the plan refuses
// to take over any other role, so a journal that says otherwise was not written by lockdown. The hash
// of `before` on the role's tags (checked by undo, in the account) binds it to what the run really read.
import {z} from 'zod'

import {BREAK_GLASS_SID} from '../../aws/policies/break-glass.js'
import type {Change} from '../types.js'
import {arnName, checkChange} from '../lib/journal-check.js'

const statement = z.looseObject({Sid: z.string().optional(), Effect: z.enum(['Allow', 'Deny'])})
/** A trust lockdown wrote: the break-glass Allow, or the closed Deny (`LockdownBreakGlassClosed`). */
const lockdownTrust = z.looseObject({Version: z.literal('2012-10-17'), Statement: z.array(statement).min(1)}).refine(
  (d) => d.Statement.every((s) => (s.Sid === BREAK_GLASS_SID && s.Effect === 'Allow') || (s.Sid === `${BREAK_GLASS_SID}Closed` && s.Effect === 'Deny')),
  'expected a lockdown break-glass trust policy',
)

const before = z.union([
  z.strictObject({exists: z.literal(false)}),
  z.strictObject({
    exists: z.literal(true),
    trust: lockdownTrust,
    tags: z.record(z.string(), z.string()),
    maxSessionDuration: z.number().int().min(3600).max(43_200).optional(),
    attached: z.array(z.string()).optional(),
    permissions: z.unknown().optional(),
  }),
])

const data = z.looseObject({roleName: z.string().regex(/^[\w+=,.@-]{1,64}$/), path: z.string().startsWith('/').endsWith('/'), existed: z.boolean()})

export function checkGrantJournal(c: Change<unknown>): string | undefined {
  return checkChange(c, {before, data}, (ch) => {
    const d = ch.data as z.output<typeof data>
    if (!/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/.test(ch.target) || arnName(ch.target) !== d.roleName) return `target ${ch.target} is not role ${d.roleName} of data`
    if (d.existed !== (ch.before as {exists: boolean}).exists) return `data.existed and before.exists disagree`
    return undefined
  })
}

/** break-glass-revoke: its `before` is an open lockdown grant, its data names the role of its target. */
export function checkGrantRevokeJournal(c: Change<unknown>): string | undefined {
  const revokeBefore = z.strictObject({trust: lockdownTrust, revokePolicy: z.unknown()})
  return checkChange(c, {before: revokeBefore, data: z.looseObject({roleName: z.string().regex(/^[\w+=,.@-]{1,64}$/)})}, (ch) => {
    const d = ch.data as {roleName: string}
    if (!/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/.test(ch.target) || arnName(ch.target) !== d.roleName) return `target ${ch.target} is not role ${d.roleName} of data`
    return undefined
  })
}
