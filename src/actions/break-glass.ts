// break-glass: a role the named responders can assume during an incident — with MFA, before an expiry,
// naming themselves as SourceIdentity — while everyone else is locked out. Granting again for the same
// incident merges responders and extends (never shortens, unless asked) the expiry. Undo removes a role
// it created or restores the one it changed.
import {createHash} from 'node:crypto'
import {z} from 'zod'

import {attachManagedPolicy, deleteInlinePolicy, detachManagedPolicy, listAttachedPolicyArns, listInlinePolicies, managedPolicyAttachments, putInlinePolicy} from '../aws/iam-policies.js'
import {createRole, deleteRole, getRole, updateRole, type RoleDetail} from '../aws/iam-roles.js'
import {BREAK_GLASS_TAGS, breakGlassTrust, grantDiff, isBreakGlassTagged, readBreakGlassTrust, type BreakGlassGrant} from '../aws/policies/break-glass.js'
import type {PolicyDocument} from '../aws/policies/document.js'
import {InvalidInputError} from '../errors.js'
import {durationField} from '../playbook/time.js'
import {pollUntil} from './lib/poll.js'
import {checkGrantJournal} from './break-glass/journal-check.js'
import type {Action, Applied, Change, Check, Ctx, Inspection} from './types.js'

const RESPONDER = /^arn:aws[a-z-]*:iam::\d{12}:((user|role)\/.+|root)$/
const MAX_MS = 12 * 3_600_000
export const BREAK_GLASS_PERMISSIONS_POLICY = 'LockdownBreakGlassPermissions'

const params = z
  .strictObject({
    /** IAM user or role ARNs (an account root only when written explicitly). */
    responders: z.array(z.string().regex(RESPONDER, 'expected a user or role ARN (arn:aws:iam::ACCOUNT:user/NAME)')).min(1),
    duration: durationField.prefault('4h').refine((ms) => ms >= 15 * 60_000 && ms <= MAX_MS, 'expected a duration between 15m and 12h'),
    mfa: z.boolean().default(true),
    /** Require responders to set SourceIdentity, so CloudTrail names the human behind every call. */
    sourceIdentity: z.boolean().default(true),
    externalId: z.string().min(2).optional(),
    /** Managed policy ARNs the responders get (e.g. SecurityAudit for forensics, AdministratorAccess for containment). */
    policies: z.array(z.string().regex(/^arn:aws[a-z-]*:iam::(aws|\d{12}):policy\/.+$/, 'expected a managed policy ARN')).default([]),
    /** An inline permissions policy document. */
    inlinePolicy: z.looseObject({Version: z.literal('2012-10-17'), Statement: z.array(z.record(z.string(), z.unknown())).min(1)}).optional(),
    roleName: z.string().regex(/^[\w+=,.@-]{1,64}$/).default('lockdown-break-glass'),
    /** Allow a new grant to end earlier than the current one. */
    shorten: z.boolean().default(false),
  })
  .refine((p) => p.policies.length > 0 || p.inlinePolicy, {message: 'give the responders permissions: policies (managed ARNs) and/or inlinePolicy'})

type Params = z.output<typeof params>

export interface GrantData {
  roleName: string
  path: string
  existed: boolean
  grant: Omit<BreakGlassGrant, 'expiry'> & {durationMs: number; shorten: boolean}
  policies: string[]
  inlinePolicy?: PolicyDocument
}

interface Before {
  exists: boolean
  trust?: PolicyDocument
  tags?: Record<string, string>
  maxSessionDuration?: number
  attached?: string[]
  permissions?: PolicyDocument | null
}

export const breakGlass: Action<Params, GrantData> = {
  name: 'break-glass',
  summary: 'Grant named responders time-bound access to a break-glass role: MFA, expiry, SourceIdentity; undo removes it',
  params,
  permissions: [
    'iam:GetRole',
    'iam:ListRoleTags',
    'iam:CreateRole',
    'iam:DeleteRole',
    'iam:UpdateAssumeRolePolicy',
    'iam:UpdateRole',
    'iam:TagRole',
    'iam:UntagRole',
    'iam:AttachRolePolicy',
    'iam:DetachRolePolicy',
    'iam:ListAttachedRolePolicies',
    'iam:ListRolePolicies',
    'iam:GetRolePolicy',
    'iam:PutRolePolicy',
    'iam:DeleteRolePolicy',
    'iam:GetPolicy',
  ],
  example: `- id: responders
  action: break-glass
  with:
    responders: ["arn:aws:iam::111122223333:user/alice"]
    duration: 4h
    mfa: true
    policies: ["arn:aws:iam::aws:policy/SecurityAudit"]`,

  async plan(p, ctx) {
    const role = await getRole(ctx.clients.iam, p.roleName, {signal: ctx.signal})
    const notes: string[] = []
    const current = role && readBreakGlassTrust(role.trust)
    if (role && !current && !isBreakGlassTagged(role.tags)) {
      throw new InvalidInputError(`role ${p.roleName} exists and is not a lockdown break-glass role; lockdown will not take it over`, [], {
        next: `choose another roleName on step '${ctx.step.id}'`,
      })
    }
    const owner = role?.tags[BREAK_GLASS_TAGS.incident]
    // A grant's role belongs to its incident, open or closed: taking over another incident's role (even a
    // closed one) would merge its responders and credit its sessions (breakglass list) to this incident.
    if (role && owner && ctx.incident && owner !== ctx.incident) {
      const open = Date.parse(role.tags[BREAK_GLASS_TAGS.expires] ?? '') > ctx.now().getTime() && Boolean(current)
      const other = `lockdown-break-glass-${ctx.incident}`.replace(/[^\w+=,.@-]/g, '-').slice(0, 64)
      throw new InvalidInputError(`break-glass role ${p.roleName} belongs to incident ${owner} (${open ? 'still open' : 'closed'}); a grant for ${ctx.incident} needs its own role`, [], {
        next: `lockdown breakglass grant --incident ${ctx.incident} --role ${other} ...   # or roleName: ${other} on step '${ctx.step.id}'`,
      })
    }
    // A missing policy ARN would fail AttachRolePolicy after the role exists: refuse it before any write.
    const missing: string[] = []
    for (const arn of p.policies) if ((await managedPolicyAttachments(ctx.clients.iam, arn, {signal: ctx.signal})) === undefined) missing.push(arn)
    if (missing.length) {
      throw new InvalidInputError(`no managed polic${missing.length === 1 ? 'y' : 'ies'} ${missing.join(', ')} in this account`, [], {
        next: `fix policies on step '${ctx.step.id}' (list them: aws iam list-policies --scope All)`,
      })
    }
    for (const r of p.responders) if (r.endsWith(':root')) notes.push(`${r}: an account root as responder lets every principal of that account with sts:AssumeRole in.`)
    const preview = mergeGrant(current, p, ctx.now())
    const diff = grantDiff(current, preview)
    const data: GrantData = {
      roleName: p.roleName,
      path: role?.path ?? '/lockdown/',
      existed: Boolean(role),
      grant: {responders: preview.responders, mfa: p.mfa, sourceIdentity: p.sourceIdentity, externalId: p.externalId, durationMs: p.duration, shorten: p.shorten},
      policies: p.policies,
      inlinePolicy: p.inlinePolicy as PolicyDocument | undefined,
    }
    const arn = role?.arn ?? `arn:aws:iam::${ctx.account.id}:role/lockdown/${p.roleName}`
    const change: Change<GrantData> = {
      target: arn,
      principal: arn,
      summary: `${role ? 'update' : 'create'} break-glass role ${p.roleName} for ${preview.responders.map((r) => r.split(/[/:]/).pop()).join(', ')} until ${preview.expiry}${p.mfa ? ' (MFA)' : ''}${diff.length ? `: ${diff.join('; ')}` : ''}`,
      before: role ? await describe(role, ctx) : {exists: false},
      after: {trust: breakGlassTrust(preview), maxSessionDuration: maxSession(p.duration), policies: p.policies},
      data,
    }
    return {changes: [change], skipped: [], notes, protects: [...preview.responders, arn].map((a) => ({arn: a, reason: `a responder or role of break-glass step '${ctx.step.id}'`}))}
  },

  async apply(c, ctx): Promise<Applied<GrantData>> {
    const d = c.data
    const iam = ctx.clients.iam
    const role = await getRole(iam, d.roleName, {signal: ctx.signal})
    const grant = mergeGrant(role && readBreakGlassTrust(role.trust), {...d.grant, duration: d.grant.durationMs}, ctx.now())
    const trust = breakGlassTrust(grant)
    const tags = {
      [BREAK_GLASS_TAGS.marker]: 'true',
      [BREAK_GLASS_TAGS.expires]: grant.expiry,
      [BREAK_GLASS_TAGS.run]: ctx.runId,
      [BREAK_GLASS_TAGS.before]: beforeHash(c.before),
      [BREAK_GLASS_TAGS.trust]: beforeHash(trust),
      ...(ctx.incident ? {[BREAK_GLASS_TAGS.incident]: ctx.incident} : {}),
    }
    const maxSessionDuration = maxSession(d.grant.durationMs)
    const ref = {kind: 'role' as const, name: d.roleName}
    if (!role) {
      await ctx.intend?.(`CreateRole ${d.roleName}`)
      await createRole(iam, {name: d.roleName, path: d.path, trust, maxSessionDuration, tags, description: `lockdown break-glass${ctx.incident ? ` for ${ctx.incident}` : ''}`}, {signal: ctx.signal})
    } else {
      // Tags first: from the first write on, the role names this run, so undo and resume recognise it.
      await ctx.intend?.(`TagRole ${d.roleName}`)
      // A new grant reopens a closed one: the closing run's mark goes, so its undo sees drift, not its own state.
      const reopened = [BREAK_GLASS_TAGS.closedBy, BREAK_GLASS_TAGS.closedBefore].filter((k) => k in role.tags)
      await updateRole(iam, d.roleName, {tags, untag: reopened}, {signal: ctx.signal})
      await ctx.intend?.(`UpdateAssumeRolePolicy ${d.roleName}`)
      await updateRole(iam, d.roleName, {trust, maxSessionDuration}, {signal: ctx.signal})
    }
    for (const arn of d.policies) {
      await ctx.intend?.(`AttachRolePolicy ${arn}`)
      await attachManagedPolicy(iam, ref, arn, {signal: ctx.signal})
    }
    if (d.inlinePolicy) {
      await ctx.intend?.(`PutRolePolicy ${BREAK_GLASS_PERMISSIONS_POLICY}`)
      await putInlinePolicy(iam, ref, BREAK_GLASS_PERMISSIONS_POLICY, d.inlinePolicy, {signal: ctx.signal})
    }
    return {...c, appliedAt: new Date().toISOString(), result: {expiry: grant.expiry, responders: grant.responders}}
  },

  async verify(a, ctx): Promise<Check[]> {
    const found = a.result === undefined ? readBreakGlassTrust((await getRole(ctx.clients.iam, a.data.roleName, {signal: ctx.signal}))?.trust) : undefined
    const {expiry, responders} = (a.result as {expiry: string; responders: string[]} | undefined) ?? {expiry: found?.expiry ?? '', responders: found?.responders ?? a.data.grant.responders}
    const {value, ok} = await pollUntil(
      () => getRole(ctx.clients.iam, a.data.roleName, {signal: ctx.signal}),
      (r) => readBreakGlassTrust(r?.trust)?.expiry === expiry,
      {signal: ctx.signal},
    )
    const got = readBreakGlassTrust(value?.trust)
    return [
      {target: a.target, name: 'trust admits exactly the responders', ok: ok && JSON.stringify(got?.responders) === JSON.stringify([...responders].sort()), detail: `responders ${got?.responders.join(', ') ?? 'none'}`},
      {target: a.target, name: 'grant expires', ok: ok && got?.mfa === a.data.grant.mfa, detail: `until ${got?.expiry ?? '?'}${got?.mfa ? ', MFA required' : ''}`},
    ]
  },

  async inspect(a, ctx): Promise<Inspection> {
    const before = a.before as Before
    const role = await getRole(ctx.clients.iam, a.data.roleName, {signal: ctx.signal})
    if (!role) return before.exists ? {drift: {exists: false}} : 'before'
    // The role names the run that last granted it: this run's grant is the one in force.
    const ours = role.tags[BREAK_GLASS_TAGS.run] === ctx.runId
    // Ours, but the trust is neither what the run wrote nor what it found: edited since, by hand.
    if (ours && role.tags[BREAK_GLASS_TAGS.trust] !== beforeHash(role.trust) && !(before.exists && JSON.stringify(role.trust) === JSON.stringify(before.trust))) {
      return {drift: {trust: role.trust, grantedBy: ctx.runId}}
    }
    if (ours) {
      const ref = {kind: 'role' as const, name: a.data.roleName}
      const attached = await listAttachedPolicyArns(ctx.clients.iam, ref, {signal: ctx.signal})
      const inline = a.data.inlinePolicy ? (await listInlinePolicies(ctx.clients.iam, ref, {signal: ctx.signal})).has(BREAK_GLASS_PERMISSIONS_POLICY) : true
      const admits = readBreakGlassTrust(role.trust)?.responders ?? []
      const complete = a.data.policies.every((p) => attached.includes(p)) && inline && a.data.grant.responders.every((r) => admits.includes(r))
      return complete ? 'after' : 'partial'
    }
    if (before.exists && JSON.stringify(role.trust) === JSON.stringify(before.trust)) return 'before'
    return {drift: {exists: true, grantedBy: role.tags[BREAK_GLASS_TAGS.run], responders: readBreakGlassTrust(role.trust)?.responders ?? [], expires: role.tags[BREAK_GLASS_TAGS.expires]}}
  },

  checkJournal: checkGrantJournal,

  async undo(a, ctx) {
    const d = a.data
    const iam = ctx.clients.iam
    const ref = {kind: 'role' as const, name: d.roleName}
    const before = a.before as Before
    const role = await getRole(iam, d.roleName, {signal: ctx.signal})
    if (!role) return
    // The grant wrote the hash of the `before` it read onto the role: a journal whose `before` differs
    // (edited, even with the hash chain recomputed) is not restored.
    const written = role.tags[BREAK_GLASS_TAGS.before]
    if (written !== undefined && written !== beforeHash(a.before)) {
      throw new Error(`the journaled before-state of ${d.roleName} is not the one run ${ctx.runId} read (role tag ${BREAK_GLASS_TAGS.before} differs): refusing to restore it`)
    }
    const attachedNow = await listAttachedPolicyArns(iam, ref, {signal: ctx.signal})
    const inlineNow = [...(await listInlinePolicies(iam, ref, {signal: ctx.signal})).keys()]
    if (!before.exists) {
      for (const arn of attachedNow) {
        await ctx.intend?.(`DetachRolePolicy ${arn}`)
        await detachManagedPolicy(iam, ref, arn, {signal: ctx.signal})
      }
      for (const name of inlineNow) {
        await ctx.intend?.(`DeleteRolePolicy ${name}`)
        await deleteInlinePolicy(iam, ref, name, {signal: ctx.signal})
      }
      await ctx.intend?.(`DeleteRole ${d.roleName}`)
      await deleteRole(iam, d.roleName, {signal: ctx.signal})
      return
    }
    const addedTags = Object.values(BREAK_GLASS_TAGS).filter((k) => !(k in (before.tags ?? {})))
    await ctx.intend?.(`UpdateAssumeRolePolicy ${d.roleName}`)
    await updateRole(iam, d.roleName, {trust: before.trust, maxSessionDuration: before.maxSessionDuration, tags: before.tags, untag: addedTags}, {signal: ctx.signal})
    for (const arn of attachedNow) {
      if (before.attached?.includes(arn)) continue
      await ctx.intend?.(`DetachRolePolicy ${arn}`)
      await detachManagedPolicy(iam, ref, arn, {signal: ctx.signal})
    }
    await ctx.intend?.(`${before.permissions ? 'Put' : 'Delete'}RolePolicy ${BREAK_GLASS_PERMISSIONS_POLICY}`)
    if (before.permissions) await putInlinePolicy(iam, ref, BREAK_GLASS_PERMISSIONS_POLICY, before.permissions, {signal: ctx.signal})
    else await deleteInlinePolicy(iam, ref, BREAK_GLASS_PERMISSIONS_POLICY, {signal: ctx.signal})
  },
}

function beforeHash(before: unknown): string {
  return createHash('sha256').update(JSON.stringify(before)).digest('hex')
}

/** The existing grant (same role) merged with the wanted one: union of responders, later expiry unless `shorten`. */
function mergeGrant(
  current: BreakGlassGrant | undefined,
  p: {responders: string[]; duration: number; mfa: boolean; sourceIdentity: boolean; externalId?: string; shorten: boolean},
  now: Date,
): BreakGlassGrant {
  const wanted = new Date(now.getTime() + p.duration).toISOString()
  const keep = current && !p.shorten && Date.parse(current.expiry) > Date.parse(wanted)
  return {
    responders: [...new Set([...(current?.responders ?? []), ...p.responders])].sort(),
    expiry: keep ? current.expiry : wanted,
    mfa: p.mfa,
    sourceIdentity: p.sourceIdentity,
    externalId: p.externalId,
  }
}

/** Sessions may not outlive the grant; IAM allows 1 to 12 hours. */
function maxSession(durationMs: number): number {
  return Math.min(43_200, Math.max(3_600, Math.floor(durationMs / 1000)))
}

async function describe(role: RoleDetail, ctx: Ctx): Promise<Before> {
  const ref = {kind: 'role' as const, name: role.name}
  const inline = await listInlinePolicies(ctx.clients.iam, ref, {signal: ctx.signal})
  return {
    exists: true,
    trust: role.trust,
    tags: role.tags,
    maxSessionDuration: role.maxSessionDuration,
    attached: await listAttachedPolicyArns(ctx.clients.iam, ref, {signal: ctx.signal}),
    permissions: inline.get(BREAK_GLASS_PERMISSIONS_POLICY) ?? null,
  }
}

