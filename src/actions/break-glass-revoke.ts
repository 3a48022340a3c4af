// break-glass-revoke: end a grant now (or every grant past its expiry). The trust policy is closed to
// everyone, and sessions issued before this moment are denied: an expiry in the trust policy alone
// lets a session started just before it live on for up to its full duration.
import {createHash} from 'node:crypto'
import {z} from 'zod'

import {deleteInlinePolicy, getInlinePolicy, putInlinePolicy} from '../aws/iam-policies.js'
import {getRole, listRoles, listRoleTags, updateRole, type RoleDetail} from '../aws/iam-roles.js'
import {BREAK_GLASS_TAGS, closedTrust, isBreakGlassTagged, readBreakGlassTrust} from '../aws/policies/break-glass.js'
import type {PolicyDocument} from '../aws/policies/document.js'
import {REVOKE_POLICY_NAME, runPart, withRunPart, withoutRun} from '../aws/policies/revoke.js'
import {InvalidInputError} from '../errors.js'
import {checkGrantRevokeJournal} from './break-glass/journal-check.js'
import {pollUntil, settleSince} from './lib/poll.js'
import {proveCutoff} from './revoke/verify.js'
import type {Action, Applied, Change, Check, Ctx, Inspection, Skipped} from './types.js'

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
  // iam:TagRole / iam:UntagRole: revoke stamps the role's tags as it closes the trust policy; undo restores them.
  permissions: ['iam:ListRoles', 'iam:ListRoleTags', 'iam:GetRole', 'iam:UpdateAssumeRolePolicy', 'iam:TagRole', 'iam:UntagRole', 'iam:GetRolePolicy', 'iam:PutRolePolicy', 'iam:DeleteRolePolicy', 'iam:SimulatePrincipalPolicy'],
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
    // A named incident with no grant at all is a typo or the wrong account, not "0 changes".
    if (p.incident && !roles.some((r) => r.tags[BREAK_GLASS_TAGS.incident] === p.incident)) {
      const known = [...new Set(roles.map((r) => r.tags[BREAK_GLASS_TAGS.incident]).filter(Boolean))]
      throw new InvalidInputError(`no break-glass grant for incident '${p.incident}' in account ${ctx.account.id}${known.length ? ` (grants exist for: ${known.join(', ')})` : ''}`, [], {
        next: 'lockdown breakglass list   # the grants and their incidents',
      })
    }
    return {changes, skipped, notes: []}
  },

  async apply(c, ctx): Promise<Applied<Data>> {
    const iam = ctx.clients.iam
    const ref = {kind: 'role' as const, name: c.data.roleName}
    const before = c.before as {trust: PolicyDocument}
    // The mark first (who closed it, and the hash of the trust it closed), then the trust, then the deny:
    // the cutoff is taken after the trust is closed, so no session can start between the two.
    await ctx.intend?.(`TagRole ${c.data.roleName}`)
    await updateRole(iam, c.data.roleName, {tags: {[BREAK_GLASS_TAGS.closedBy]: ctx.runId, [BREAK_GLASS_TAGS.closedBefore]: trustHash(before.trust)}}, {signal: ctx.signal})
    await ctx.intend?.(`UpdateAssumeRolePolicy ${c.data.roleName}`)
    await updateRole(iam, c.data.roleName, {trust: closedTrust()}, {signal: ctx.signal})
    const cutoff = ctx.now().toISOString()
    await ctx.intend?.(`TagRole ${c.data.roleName} ${BREAK_GLASS_TAGS.expires}`)
    await updateRole(iam, c.data.roleName, {tags: {[BREAK_GLASS_TAGS.expires]: cutoff}}, {signal: ctx.signal})
    const current = await getInlinePolicy(iam, ref, REVOKE_POLICY_NAME, {signal: ctx.signal})
    await ctx.intend?.(`PutRolePolicy ${REVOKE_POLICY_NAME}`)
    await putInlinePolicy(iam, ref, REVOKE_POLICY_NAME, withRunPart(current, ctx.runId, {allBefore: cutoff}), {signal: ctx.signal})
    return {...c, appliedAt: new Date().toISOString(), result: {cutoff}}
  },

  async verify(a, ctx): Promise<Check[]> {
    const {cutoff} = (a.result as {cutoff: string} | undefined) ?? {
      cutoff: runPart(await getInlinePolicy(ctx.clients.iam, {kind: 'role', name: a.data.roleName}, REVOKE_POLICY_NAME, {signal: ctx.signal}), ctx.runId)?.allBefore ?? new Date(0).toISOString(),
    }
    const closed = await pollUntil(() => getRole(ctx.clients.iam, a.data.roleName, {signal: ctx.signal}), (r) => !readBreakGlassTrust(r?.trust), {signal: ctx.signal})
    const checks: Check[] = [{target: a.target, name: 'trust closed', ok: closed.ok, detail: closed.ok ? 'no principal may assume the role' : 'the trust policy still admits responders'}]
    await settleSince(a.appliedAt, 2000, ctx.signal)
    const proof = await pollUntil(() => proveCutoff(ctx.clients.iam, a.target, cutoff, {target: a.target, signal: ctx.signal}), (c) => c.ok, {signal: ctx.signal})
    checks.push(proof.value)
    return checks
  },

  async inspect(a, ctx): Promise<Inspection> {
    const role = await getRole(ctx.clients.iam, a.data.roleName, {signal: ctx.signal})
    const before = a.before as {trust: PolicyDocument}
    if (!role) return {drift: {exists: false}}
    const closedByUs = role.tags[BREAK_GLASS_TAGS.closedBy] === ctx.runId
    if (closedByUs) {
      const denied = runPart(await getInlinePolicy(ctx.clients.iam, {kind: 'role', name: a.data.roleName}, REVOKE_POLICY_NAME, {signal: ctx.signal}), ctx.runId)
      return !readBreakGlassTrust(role.trust) && denied ? 'after' : 'partial'
    }
    if (!closedByUs && JSON.stringify(role.trust) === JSON.stringify(before.trust)) return 'before'
    return {drift: {closedBy: role.tags[BREAK_GLASS_TAGS.closedBy], open: Boolean(readBreakGlassTrust(role.trust)), responders: readBreakGlassTrust(role.trust)?.responders ?? []}}
  },

  checkJournal: checkGrantRevokeJournal,

  async undo(a, ctx) {
    const iam = ctx.clients.iam
    const before = a.before as {trust: PolicyDocument}
    const ref = {kind: 'role' as const, name: a.data.roleName}
    const role = await getRole(iam, a.data.roleName, {signal: ctx.signal})
    if (!role) return
    // Reopen only the trust this run closed: its hash is on the role, written by the run that read it.
    if (role.tags[BREAK_GLASS_TAGS.closedBefore] !== trustHash(before.trust)) {
      throw new Error(`the journaled trust of ${a.data.roleName} is not the one run ${ctx.runId} closed (role tag ${BREAK_GLASS_TAGS.closedBefore} differs): refusing to reopen it`)
    }
    const grant = readBreakGlassTrust(before.trust)
    await ctx.intend?.(`UpdateAssumeRolePolicy ${a.data.roleName}`)
    await updateRole(iam, a.data.roleName, {trust: before.trust, tags: grant ? {[BREAK_GLASS_TAGS.expires]: grant.expiry} : undefined, untag: [BREAK_GLASS_TAGS.closedBy, BREAK_GLASS_TAGS.closedBefore]}, {signal: ctx.signal})
    const rest = withoutRun(await getInlinePolicy(iam, ref, REVOKE_POLICY_NAME, {signal: ctx.signal}), ctx.runId)
    await ctx.intend?.(`${rest ? 'Put' : 'Delete'}RolePolicy ${REVOKE_POLICY_NAME}`)
    if (rest) await putInlinePolicy(iam, ref, REVOKE_POLICY_NAME, rest, {signal: ctx.signal})
    else await deleteInlinePolicy(iam, ref, REVOKE_POLICY_NAME, {signal: ctx.signal})
  },
}

function trustHash(trust: unknown): string {
  return createHash('sha256').update(JSON.stringify(trust)).digest('hex')
}

/** Break-glass roles: tagged lockdown:break-glass=true, under /lockdown/ (or the named role wherever it is). */
export async function findGrants(ctx: Pick<Ctx, 'clients' | 'signal'>, roleName?: string): Promise<RoleDetail[]> {
  if (roleName) {
    const r = await getRole(ctx.clients.iam, roleName, {signal: ctx.signal})
    return r && isBreakGlassTagged(r.tags) ? [r] : []
  }
  const out: RoleDetail[] = []
  for (const role of await listRoles(ctx.clients.iam, {pathPrefix: '/lockdown/', signal: ctx.signal})) {
    const tags = await listRoleTags(ctx.clients.iam, role.name, {signal: ctx.signal})
    if (isBreakGlassTagged(tags)) out.push({...role, tags})
  }
  return out
}

/** What a break-glass role grants, read from its trust policy and tags: the one view `status` and `breakglass list` print. */
export interface GrantView {
  role: string
  arn: string
  incident?: string
  run?: string
  responders: string[]
  expiry?: string
  open: boolean
  closedBy?: string
  mfa: boolean
}

export function describeGrant(r: RoleDetail, now: number): GrantView {
  const g = readBreakGlassTrust(r.trust)
  return {
    role: r.name,
    arn: r.arn,
    incident: r.tags[BREAK_GLASS_TAGS.incident],
    run: r.tags[BREAK_GLASS_TAGS.run],
    responders: g?.responders ?? [],
    // The tag carries the expiry a later `breakglass extend` set; the trust's condition is the fallback.
    expiry: r.tags[BREAK_GLASS_TAGS.expires] ?? g?.expiry,
    open: Boolean(g) && Date.parse(g!.expiry) > now,
    closedBy: r.tags[BREAK_GLASS_TAGS.closedBy],
    mfa: g?.mfa ?? false,
  }
}
