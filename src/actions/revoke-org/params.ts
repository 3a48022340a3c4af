// revoke-org parameters: where the SCP goes (targets), whom it denies (role ARN patterns, single sessions,
// Identity Center users), whom it never denies (exclude), from when, and how long IAM/Organizations settle.
import {z} from 'zod'

import {settleField, timeField} from '../../playbook/time.js'

const target = z
  .string()
  .regex(/^(root|r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|\d{12})$/, 'expected root, an OU id (ou-…), the root id (r-…) or a 12-digit account id')

/** A role name, glob or full ARN pattern for `ArnLike aws:PrincipalArn`. */
const pattern = z
  .string()
  .min(1)
  .refine((s) => !s.startsWith('arn:') || /^arn:aws[a-z-]*:(iam|sts)::(\d{12}|\*):/.test(s), 'expected a role name or glob (app-*), or an IAM ARN pattern (arn:aws:iam::*:role/…)')

const session = z.union([
  z.strictObject({sourceIdentity: z.string().min(1).describe('aws:SourceIdentity of the sessions to deny (it survives role chains).')}),
  z.strictObject({userId: z.string().regex(/^ARO[A-Z0-9]+:[\w+=,.@*?-]+$/, 'expected an assumed-role id like AROAEXAMPLE:session-name').describe('aws:userid: role id and session name.')}),
])

export const revokeOrgParams = z
  .strictObject({
    targets: z.array(target).min(1).default(['root']).describe('Where the SCP is attached: root, OU ids (ou-…) or account ids; default [root].'),
    roles: z.array(pattern).optional().describe('Principals to deny: a role name or glob means arn:aws:iam::*:role/<it>; full ARN patterns as written.'),
    sessions: z.array(session).optional().describe('Single sessions: {sourceIdentity} or {userId: "AROA…:name"}.'),
    identityCenterUsers: z.array(z.string().min(1)).optional().describe('Identity-store user ids (identitystore:userId): their permission-set sessions.'),
    exclude: z.array(pattern).default([]).describe('Principal ARN patterns never denied (besides the access role, the caller and break-glass roles).'),
    issuedBefore: timeField.prefault('now').describe('Deny sessions issued before this: now (the moment of apply), an ISO time, or a duration ago.'),
    enablePolicyType: z.boolean().default(false).describe('When SCPs are not enabled on the root: plan EnablePolicyType as its own change (undo disables it again).'),
    settle: settleField.prefault('5s').describe('Propagation time: verification waits this long after the write.'),
  })
  .refine((p) => p.roles?.length || p.sessions?.length || p.identityCenterUsers?.length, {
    message: 'name whom to deny: roles, sessions or identityCenterUsers (at least one)',
  })

export type RevokeOrgParams = z.output<typeof revokeOrgParams>

/** `app-*` → `arn:aws:iam::*:role/app-*`, `user/alice` → `arn:aws:iam::*:user/alice`; an ARN pattern stays as written. */
export function principalPattern(p: string): string {
  if (p.startsWith('arn:')) return p
  if (p.startsWith('user/')) return `arn:aws:iam::*:${p}`
  return `arn:aws:iam::*:role/${p.replace(/^role\//, '')}`
}

/**
 * What ArnLike makes of a pattern: `*` any run of characters, `?` one, case-sensitive, the whole ARN.
 * (The path-blind glob of aws/arn.ts is not what AWS applies to an SCP's aws:PrincipalArn.)
 */
export function arnLike(pattern: string, arn: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`)
  return re.test(arn)
}
