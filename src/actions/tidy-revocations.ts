// tidy-revocations: remove lockdown revocation parts that deny nothing any more — every credential they
// could deny has expired (role sessions last at most 12 h, a user's GetSessionToken/GetFederationToken
// credentials 36 h after the cutoff) — so the inline policy budget is free for the next incident.
// Journaled like every action: undo puts the removed parts back (only no-op parts, read from the
// journaled policy, which must be a lockdown revocation document).
import {z} from 'zod'

import {deleteInlinePolicy, getInlinePolicy, putInlinePolicy, type PrincipalKind} from '../aws/iam-policies.js'
import {listRoles} from '../aws/iam-roles.js'
import {listUsers} from '../aws/iam-users.js'
import type {PolicyDocument} from '../aws/policies/document.js'
import {REVOKE_POLICY_NAME, readRevokeParts, withParts, withoutParts} from '../aws/policies/revoke.js'
import {partIsNoOp} from './revoke/lifetime.js'
import {checkTidyJournal} from './revoke/journal-check.js'
import type {Action, Applied, Change, Ctx, Inspection} from './types.js'

const params = z.strictObject({})

interface Data {
  kind: PrincipalKind
  name: string
  arn: string
  /** The runs whose parts are removed ('' for statements that name no run). */
  runs: string[]
}

const runKey = (run: string | undefined) => run ?? ''

export const tidyRevocations: Action<z.output<typeof params>, Data> = {
  name: 'tidy-revocations',
  summary: 'Remove lockdown revocations that deny nothing any more (every credential they could deny has expired); undo puts them back',
  params,
  permissions: ['iam:ListRoles', 'iam:ListUsers', 'iam:GetRolePolicy', 'iam:GetUserPolicy', 'iam:PutRolePolicy', 'iam:PutUserPolicy', 'iam:DeleteRolePolicy', 'iam:DeleteUserPolicy'],
  example: `- id: tidy
  action: tidy-revocations
  with: {}`,

  async plan(_p, ctx) {
    const iam = ctx.clients.iam
    const now = ctx.now().getTime()
    const principals = [
      ...(await listRoles(iam, {signal: ctx.signal})).map((r) => ({kind: 'role' as const, name: r.name, arn: r.arn})),
      ...(await listUsers(iam, {signal: ctx.signal})).map((u) => ({kind: 'user' as const, name: u.name, arn: u.arn})),
    ]
    const changes: Change<Data>[] = []
    for (const p of principals) {
      const doc = await getInlinePolicy(iam, {kind: p.kind, name: p.name}, REVOKE_POLICY_NAME, {signal: ctx.signal})
      const stale = readRevokeParts(doc).filter((part) => partIsNoOp(part, p.kind, now))
      if (!stale.length) continue
      const runs = stale.map((s) => runKey(s.run))
      const rest = withoutParts(doc, stale.map((s) => s.run))
      changes.push({
        target: p.arn,
        principal: p.arn,
        summary: `remove ${stale.length} expired revocation part(s) of ${p.kind} ${p.name} (run ${runs.map((r) => r || '(unrecorded)').join(', ')}): every credential they could deny has expired`,
        before: {policy: doc},
        after: {policy: rest ?? null},
        data: {...p, runs},
      })
    }
    return {changes, skipped: [], notes: []}
  },

  async apply(c, ctx): Promise<Applied<Data>> {
    const ref = {kind: c.data.kind, name: c.data.name}
    const current = await getInlinePolicy(ctx.clients.iam, ref, REVOKE_POLICY_NAME, {signal: ctx.signal})
    const now = ctx.now().getTime()
    // Read again: only parts that are still there and still no-ops go.
    const stale = readRevokeParts(current).filter((p) => c.data.runs.includes(runKey(p.run)) && partIsNoOp(p, c.data.kind, now))
    await write(ref, withoutParts(current, stale.map((s) => s.run)), ctx)
    return {...c, appliedAt: new Date().toISOString(), result: {removed: stale.map((s) => runKey(s.run))}}
  },

  async inspect(a, ctx): Promise<Inspection> {
    const current = await getInlinePolicy(ctx.clients.iam, {kind: a.data.kind, name: a.data.name}, REVOKE_POLICY_NAME, {signal: ctx.signal})
    const present = readRevokeParts(current).filter((p) => a.data.runs.includes(runKey(p.run))).length
    return present === 0 ? 'after' : present === a.data.runs.length ? 'before' : 'partial'
  },

  checkJournal: checkTidyJournal,

  async undo(a, ctx) {
    const ref = {kind: a.data.kind, name: a.data.name}
    const now = ctx.now().getTime()
    // Only parts that deny nothing go back: a forged journal cannot add a live deny this way.
    const back = readRevokeParts((a.before as {policy: PolicyDocument}).policy).filter((p) => a.data.runs.includes(runKey(p.run)) && partIsNoOp(p, a.data.kind, now))
    const current = await getInlinePolicy(ctx.clients.iam, ref, REVOKE_POLICY_NAME, {signal: ctx.signal})
    await write(ref, withParts(current, back), ctx)
  },
}

async function write(ref: {kind: PrincipalKind; name: string}, doc: PolicyDocument | undefined, ctx: Ctx): Promise<void> {
  const kind = ref.kind === 'role' ? 'Role' : 'User'
  await ctx.intend?.(`${doc ? 'Put' : 'Delete'}${kind}Policy ${REVOKE_POLICY_NAME}`)
  if (doc) await putInlinePolicy(ctx.clients.iam, ref, REVOKE_POLICY_NAME, doc, {signal: ctx.signal})
  else await deleteInlinePolicy(ctx.clients.iam, ref, REVOKE_POLICY_NAME, {signal: ctx.signal})
}
