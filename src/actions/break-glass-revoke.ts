// break-glass-revoke: end a grant now (or every grant past its expiry). The trust policy is closed to
// everyone, and sessions issued before this moment are denied: an expiry in the trust policy alone
// lets a session started just before it live on for up to its full duration.
import {z} from 'zod'

import {deleteInlinePolicy, getInlinePolicy, putInlinePolicy} from '../aws/iam-policies.js'
import {getRole, listRoles, listRoleTags, updateRole, type RoleDetail} from '../aws/iam-roles.js'
import {BREAK_GLASS_TAGS, closedTrust, readBreakGlassTrust} from '../aws/policies/break-glass.js'
import type {PolicyDocument} from '../aws/policies/document.js'
import {REVOKE_POLICY_NAME, mergeRevokeSpecs, readRevokeSpec, revokePolicy} from '../aws/policies/revoke.js'
import {pollUntil, settleSince} from './lib/poll.js'
import {proveCutoff} from './revoke/verify.js'
import type {Action, Applied, Change, Check, Ctx, Skipped} from './types.js'

const params = z
  .strictObject({
    /** End the grant of this incident. */
    incident: z.string().optional(),
    roleName: z.string().optional(),
    /** End every grant whose expiry has passed (for a scheduler). */
    expired: z.boolean().default(false),
  })
  .refine((p) => p.incident || p.roleName || p.expired, {message: 'say which grants to end: incident, roleName or expired: true'})

type Params = z.output<typeof params>

interface Data {
  roleName: string
}

export const breakGlassRevoke: Action<Params, Data> = {
  name: 'break-glass-revoke',
  summary: 'End break-glass grants now (by incident, role, or all expired): close the trust policy and deny sessions already issued',
  params,
  permissions: ['iam:ListRoles', 'iam:ListRoleTags', 'iam:GetRole', 'iam:UpdateAssumeRolePolicy', 'iam:GetRolePolicy', 'iam:PutRolePolicy', 'iam:DeleteRolePolicy', 'iam:SimulatePrincipalPolicy'],
  example: `- id: end-access
  action: break-glass-revoke
  with: {incident: INC-2041}`,

  async plan(p, ctx) {
    const roles = await findGrants(ctx, p.roleName)
    const changes: Change<Data>[] = []
    const skipped: Skipped[] = []
    const now = ctx.now().getTime()
    for (const role of roles) {
      const grant = readBreakGlassTrust(role.trust)
      const incident = role.tags[BREAK_GLASS_TAGS.incident]
      const expires = role.tags[BREAK_GLASS_TAGS.expires]
      if (p.incident && incident !== p.incident) continue
      if (!grant) {
        skipped.push({target: role.arn, reason: `${role.name}: already closed`})
        continue
      }
      if (p.expired && !(Date.parse(expires ?? grant.expiry) <= now)) {
        skipped.push({target: role.arn, reason: `${role.name}: grant runs until ${expires ?? grant.expiry}`})
        continue
      }
      const current = await getInlinePolicy(ctx.clients.iam, {kind: 'role', name: role.name}, REVOKE_POLICY_NAME, {signal: ctx.signal})
      changes.push({
        target: role.arn,
        principal: role.arn,
        summary: `end break-glass grant ${role.name}${incident ? ` (${incident})` : ''}: remove ${grant.responders.length} responder(s), deny sessions issued before now`,
        before: {trust: role.trust, revokePolicy: current ?? null},
        after: {trust: closedTrust(), revokePolicy: 'deny sessions issued before the moment of apply'},
        data: {roleName: role.name},
      })
    }
    return {changes, skipped, notes: []}
  },

  async apply(c, ctx): Promise<Applied<Data>> {
    const iam = ctx.clients.iam
    const ref = {kind: 'role' as const, name: c.data.roleName}
    const cutoff = ctx.now().toISOString()
    await updateRole(iam, c.data.roleName, {trust: closedTrust(), tags: {[BREAK_GLASS_TAGS.expires]: cutoff}}, {signal: ctx.signal})
    const current = await getInlinePolicy(iam, ref, REVOKE_POLICY_NAME, {signal: ctx.signal})
    await putInlinePolicy(iam, ref, REVOKE_POLICY_NAME, revokePolicy(mergeRevokeSpecs(readRevokeSpec(current), {allBefore: cutoff})), {signal: ctx.signal})
    return {...c, appliedAt: new Date().toISOString(), result: {cutoff}}
  },

  async verify(a, ctx): Promise<Check[]> {
    const {cutoff} = a.result as {cutoff: string}
    const closed = await pollUntil(() => getRole(ctx.clients.iam, a.data.roleName, {signal: ctx.signal}), (r) => !readBreakGlassTrust(r?.trust), {signal: ctx.signal})
    const checks: Check[] = [{target: a.target, name: 'trust closed', ok: closed.ok, detail: closed.ok ? 'no principal may assume the role' : 'the trust policy still admits responders'}]
    await settleSince(a.appliedAt, 2000, ctx.signal)
    const proof = await pollUntil(() => proveCutoff(ctx.clients.iam, a.target, cutoff, {target: a.target, signal: ctx.signal}), (c) => c.ok, {signal: ctx.signal})
    checks.push(proof.value)
    return checks
  },

  async undo(a, ctx) {
    const before = a.before as {trust: PolicyDocument; revokePolicy: PolicyDocument | null}
    const ref = {kind: 'role' as const, name: a.data.roleName}
    const grant = readBreakGlassTrust(before.trust)
    await updateRole(ctx.clients.iam, a.data.roleName, {trust: before.trust, tags: grant ? {[BREAK_GLASS_TAGS.expires]: grant.expiry} : undefined}, {signal: ctx.signal})
    if (before.revokePolicy) await putInlinePolicy(ctx.clients.iam, ref, REVOKE_POLICY_NAME, before.revokePolicy, {signal: ctx.signal})
    else await deleteInlinePolicy(ctx.clients.iam, ref, REVOKE_POLICY_NAME, {signal: ctx.signal})
  },
}

/** Break-glass roles: tagged lockdown:break-glass=true, under /lockdown/ (or the named role wherever it is). */
export async function findGrants(ctx: Pick<Ctx, 'clients' | 'signal'>, roleName?: string): Promise<RoleDetail[]> {
  if (roleName) {
    const r = await getRole(ctx.clients.iam, roleName, {signal: ctx.signal})
    return r && r.tags[BREAK_GLASS_TAGS.marker] === 'true' ? [r] : []
  }
  const out: RoleDetail[] = []
  for (const role of await listRoles(ctx.clients.iam, {pathPrefix: '/lockdown/', signal: ctx.signal})) {
    const tags = await listRoleTags(ctx.clients.iam, role.name, {signal: ctx.signal})
    if (tags[BREAK_GLASS_TAGS.marker] === 'true') out.push({...role, tags})
  }
  return out
}
