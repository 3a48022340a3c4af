// revoke-sessions: deny every session of the target principals issued before a cutoff (the console's
// "Revoke active sessions", at scale), or single sessions, optionally along role chains. Long-term keys
// carry no aws:TokenIssueTime, so they are untouched: the plan says what else still needs doing.
import {createHash} from 'node:crypto'

import type {IamRole} from '../aws/iam-roles.js'
import {authorizationDetails, type PrincipalDetails} from '../aws/iam-details.js'
import {simulateDecisions} from '../aws/iam-simulate.js'
import {
  attachManagedPolicy,
  deleteInlinePolicy,
  deleteManagedPolicy,
  detachManagedPolicy,
  ensureManagedPolicy,
  getInlinePolicy,
  listAttachedPolicyArns,
  managedPolicyAttachments,
  putInlinePolicy,
  type PrincipalKind,
} from '../aws/iam-policies.js'
import {INLINE_LIMIT, policySize, type PolicyDocument} from '../aws/policies/document.js'
import {REVOKE_POLICY_NAME, readRevokeParts, readRevokeSpec, revokePolicy, revokeRuns, runPart, withRunPart, withoutRun, type RevokeSpec, type SessionMatch} from '../aws/policies/revoke.js'
import {trustedPrincipals} from '../aws/policies/trust.js'
import {nameFromArn} from '../aws/arn.js'
import {PreflightError} from '../errors.js'
import {resolveTime, type TimeSpec} from '../playbook/time.js'
import {matchesAnySelector, unmatchedSelectors} from './lib/selectors.js'
import {pollUntil, settleSince} from './lib/poll.js'
import {chainsFromOtherAccounts, followChains} from './revoke/chains.js'
import {revokeParams, type RevokeParams} from './revoke/params.js'
import {residualRisk} from './revoke/residual.js'
import {selectRoles, selectUsers, untouchableRole} from './revoke/targets.js'
import {proveCutoff} from './revoke/verify.js'
import {checkRevokeJournal} from './revoke/journal-check.js'
import type {Action, Applied, Change, Check, Ctx, Inspection, Residual, Skipped} from './types.js'

export interface RevokeData {
  kind: PrincipalKind
  name: string
  arn: string
  /** Deny all of the principal's sessions issued before the cutoff (not only single sessions). */
  all: boolean
  sessions: SessionMatch[]
  issuedBefore: TimeSpec
  mode: 'inline' | 'managed'
  settleMs: number
  /** The role chain that brought this role in (followChains). */
  via?: string[]
}

interface Target {
  kind: PrincipalKind
  name: string
  arn: string
  all: boolean
  sessions: SessionMatch[]
  via?: string[]
}

export const revokeSessions: Action<RevokeParams, RevokeData> = {
  name: 'revoke-sessions',
  summary: 'Deny sessions of roles, users or single sessions issued before a cutoff (aws:TokenIssueTime), along role chains; verified by IAM simulation',
  params: revokeParams,
  contains: 'sessions',
  chainsAcross: (p) => p.followChains,
  permissions: [
    // The plan's one read of every role and user with tags and inline policies (not ListRoles, then
    // ListRoleTags, ListRolePolicies and GetRolePolicy for each role).
    'iam:GetAccountAuthorizationDetails',
    'iam:GetRolePolicy',
    'iam:PutRolePolicy',
    'iam:DeleteRolePolicy',
    'iam:GetUserPolicy',
    'iam:PutUserPolicy',
    'iam:DeleteUserPolicy',
    'iam:CreatePolicy',
    'iam:GetPolicy',
    'iam:DeletePolicy',
    'iam:AttachRolePolicy',
    'iam:DetachRolePolicy',
    'iam:AttachUserPolicy',
    'iam:DetachUserPolicy',
    'iam:ListAttachedRolePolicies',
    'iam:ListAttachedUserPolicies',
    'iam:SimulatePrincipalPolicy',
  ],
  example: `- id: contain
  action: revoke-sessions
  with:
    roles: ["app-*"]
    users: ["ci-deploy"]
    sessions: [{role: app-web, sessionName: attacker}]
    followChains: true
    issuedBefore: now`,

  async plan(p, ctx) {
    const iam = ctx.clients.iam
    const skipped: Skipped[] = []
    const notes: string[] = []
    const residual: Residual[] = []
    // One paged read gives every role's trust, tags and inline policies (and the users', when asked):
    // the break-glass guard, the selectors and the size budget need no call per principal.
    const account = await authorizationDetails(iam, {roles: Boolean(p.roles || p.roleTags || p.sessions), users: Boolean(p.users)}, {signal: ctx.signal})
    const roles: IamRole[] = account.roles
    const details = new Map<string, PrincipalDetails>([...account.roles, ...account.users].map((x) => [x.arn, x]))
    const tagsOf = async (r: IamRole) => details.get(r.arn)?.tags ?? {}
    const targets = new Map<string, Target>()
    const add = (t: Omit<Target, 'sessions' | 'all'> & {all?: boolean; sessions?: SessionMatch[]}) => {
      const cur = targets.get(t.arn) ?? {...t, all: false, sessions: []}
      cur.all ||= Boolean(t.all)
      cur.sessions.push(...(t.sessions ?? []))
      cur.via ??= t.via
      targets.set(t.arn, cur)
    }

    const warnings = unmatchedSelectors('role', p.roles, roles, ctx.step.id, Boolean(ctx.scope))
    const sessionRoles = (p.sessions ?? []).flatMap((s) => ('role' in s ? [s.role] : []))
    unmatchedSelectors('role', sessionRoles, roles, ctx.step.id, Boolean(ctx.scope))
    const sel = await selectRoles(roles, {selectors: p.roles, tags: p.roleTags, exclude: p.exclude, tagsOf})
    skipped.push(...sel.skipped)
    for (const {role} of sel.selected) add({kind: 'role', name: role.name, arn: role.arn, all: true})

    const selectedRoles = sel.selected.map((s) => s.role)
    if (p.followChains && selectedRoles.length) {
      const canAssume = async (from: IamRole, to: IamRole) =>
        (await simulateDecisions(iam, from.arn, ['sts:AssumeRole'], {}, {signal: ctx.signal, resource: to.arn}))['sts:AssumeRole'] === 'allowed'
      const {reached, truncated} = await followChains(selectedRoles, roles, {maxDepth: p.maxChainDepth, canAssume})
      for (const hop of reached) {
        const why = untouchableRole(hop.role, await tagsOf(hop.role))
        if (why) skipped.push({target: hop.role.arn, reason: `${why} (reached by chain ${hop.via.join(' → ')})`})
        else if (p.exclude.some((e) => e === hop.role.name || e === hop.role.arn)) skipped.push({target: hop.role.arn, reason: `${hop.role.name}: excluded by exclude`})
        else add({kind: 'role', name: hop.role.name, arn: hop.role.arn, all: true, via: hop.via})
      }
      for (const t of truncated) notes.push(`Chain longer than maxChainDepth (${p.maxChainDepth}) not followed: ${t}; raise maxChainDepth to include it.`)
    }
    if (p.followChains && ctx.chainFrom?.length) {
      for (const hop of await chainsFromOtherAccounts(ctx.chainFrom, roles, {maxDepth: p.maxChainDepth, simulate: (from, to) => canAssumeHere(iam, from, to, ctx), local: [...targets.keys()]})) {
        const why = untouchableRole(hop.role, await tagsOf(hop.role))
        if (why) skipped.push({target: hop.role.arn, reason: `${why} (reached by chain ${hop.via.join(' → ')})`})
        else if (p.exclude.some((e) => e === hop.role.name || e === hop.role.arn)) skipped.push({target: hop.role.arn, reason: `${hop.role.name}: excluded by exclude`})
        else add({kind: 'role', name: hop.role.name, arn: hop.role.arn, all: true, via: hop.via})
      }
    }

    for (const s of p.sessions ?? []) {
      for (const {role, match} of await sessionTargets(s, roles)) {
        const why = untouchableRole(role, await tagsOf(role))
        if (why) skipped.push({target: role.arn, reason: why})
        else add({kind: 'role', name: role.name, arn: role.arn, sessions: [match]})
      }
    }

    if (p.users) {
      const allUsers = account.users
      warnings.push(...unmatchedSelectors('user', p.users, allUsers, ctx.step.id, Boolean(ctx.scope)))
      const us = selectUsers(allUsers, p.users, p.exclude)
      skipped.push(...us.skipped)
      for (const u of us.selected) add({kind: 'user', name: u.name, arn: u.arn, all: true})
      if (us.selected.length) {
        residual.push({
          needs: 'keys',
          principals: us.selected.map((u) => u.arn),
          note: (arns) =>
            `Users ${arns.map(nameFromArn).join(', ')}: their GetSessionToken/GetFederationToken sessions end; their long-term keys keep working (no aws:TokenIssueTime): pair with deactivate-keys.`,
        })
      }
    }

    const preview = resolveTime(p.issuedBefore, ctx.now()).toISOString()
    const tooBig: string[] = []
    const changes = [...targets.values()].map((t) => {
      const c = planTarget(t, details.get(t.arn)?.inline ?? new Map(), p, preview, ctx)
      if (c.tooBig) tooBig.push(c.tooBig)
      return c.change
    })
    if (tooBig.length && p.policyMode === 'inline') {
      throw new PreflightError(`the revocation policy would not fit the inline policy budget of ${tooBig.length} principal(s):\n  ${tooBig.join('\n  ')}`, {
        next: `set policyMode: managed on step '${ctx.step.id}' (one customer managed policy per principal instead of an inline one)`,
      })
    }

    // Roles whose trust names a selected role (a direct trust: trustFor's 'direct'): one pass over the trust
    // policies, not one trust read per pair (a million of them for 1,000 roles took seconds of CPU).
    const selectedArns = new Set(selectedRoles.map((s) => s.arn))
    const chainable = p.followChains ? [] : roles.filter((r) => trustedPrincipals(r.trust).aws.some((a) => a !== r.arn && selectedArns.has(a))).map((r) => r.arn)
    const risk = residualRisk(selectedRoles, {followChains: p.followChains, chainable, account: ctx.account.id, scope: ctx.scope})
    notes.push(...risk.notes)
    residual.push(...risk.residual)
    return {changes: changes.filter((c): c is Change<RevokeData> => c !== undefined), skipped, notes, warnings, residual}
  },

  async apply(c, ctx): Promise<Applied<RevokeData>> {
    const d = c.data
    const iam = ctx.clients.iam
    const cutoff = resolveTime(d.issuedBefore, ctx.now()).toISOString()
    const wanted: RevokeSpec = {allBefore: d.all ? cutoff : undefined, sessions: d.sessions.map((match) => ({match, before: cutoff}))}
    const ref = {kind: d.kind, name: d.name}
    if (d.mode === 'managed') {
      const name = managedPolicyName(d.arn, ctx.runId)
      await ctx.intend?.(`CreatePolicy ${name}`)
      const arn = await ensureManagedPolicy(iam, ctx.account.id, name, revokePolicy(wanted, ctx.runId), {
        signal: ctx.signal,
        description: `lockdown run ${ctx.runId}: deny sessions of ${d.name} issued before ${cutoff}`,
      })
      await ctx.intend?.(`Attach${d.kind === 'role' ? 'Role' : 'User'}Policy ${arn}`)
      await attachManagedPolicy(iam, ref, arn, {signal: ctx.signal})
      return {...c, appliedAt: new Date().toISOString(), result: {cutoff, managedPolicyArn: arn}}
    }
    // Read again at apply: another run may have revoked since the plan. This run adds its own part
    // (Sids carry the run id) and keeps every other run's part, so undo can later remove only its own.
    const {doc, confirmed} = await putRunPart(ref, wanted, ctx)
    const applied: Applied<RevokeData> = {...c, appliedAt: new Date().toISOString(), result: {cutoff, policy: doc}}
    if (confirmed) {
      // The policy reads back with this run's part: prove it now (once settled) while later changes are
      // still being written, instead of after the last write; verify collects the answer.
      const proof = proveDeny(applied, cutoff, ctx)
      proof.catch(() => undefined) // verify awaits it and reports a failure; until then it is not unhandled
      provenAtApply.set(applied, proof)
    }
    return applied
  },

  async verify(a, ctx): Promise<Check[]> {
    const d = a.data
    const iam = ctx.clients.iam
    const ref = {kind: d.kind, name: d.name}
    const {cutoff, managedPolicyArn} = (a.result as {cutoff: string; managedPolicyArn?: string} | undefined) ?? (await recordedCutoff(a, ctx))
    const readBack = async () =>
      managedPolicyArn
        ? (await listAttachedPolicyArns(iam, ref, {signal: ctx.signal})).includes(managedPolicyArn)
        : ownPartCovers(await getInlinePolicy(iam, ref, REVOKE_POLICY_NAME, {signal: ctx.signal}), d, cutoff, ctx.runId)
    const early = provenAtApply.get(a as Applied<RevokeData>)
    const landed = early ? {ok: true} : await pollUntil(readBack, Boolean, {signal: ctx.signal})
    const checks: Check[] = [{target: a.target, name: 'policy in place', ok: landed.ok, detail: landed.ok ? `${managedPolicyArn ?? REVOKE_POLICY_NAME} reads back` : 'the policy does not read back'}]
    if (!landed.ok) return checks
    return [...checks, ...(await (early ?? proveDeny(a, cutoff, ctx)))]
  },

  async inspect(a, ctx): Promise<Inspection> {
    const d = a.data
    const ref = {kind: d.kind, name: d.name}
    if (d.mode === 'managed') {
      const arn = `arn:aws:iam::${ctx.account.id}:policy/lockdown/${managedPolicyName(d.arn, ctx.runId)}`
      if ((await listAttachedPolicyArns(ctx.clients.iam, ref, {signal: ctx.signal})).includes(arn)) return 'after'
      return (await managedPolicyAttachments(ctx.clients.iam, arn, {signal: ctx.signal})) === undefined ? 'before' : 'partial'
    }
    // This run's part is there (its Sids name the run) or it is not: other runs' parts are theirs.
    return runPart(await getInlinePolicy(ctx.clients.iam, ref, REVOKE_POLICY_NAME, {signal: ctx.signal}), ctx.runId) ? 'after' : 'before'
  },

  checkJournal: checkRevokeJournal,

  async undo(a, ctx) {
    const d = a.data
    const iam = ctx.clients.iam
    const ref = {kind: d.kind, name: d.name}
    if (d.mode === 'managed') {
      const arn = `arn:aws:iam::${ctx.account.id}:policy/lockdown/${managedPolicyName(d.arn, ctx.runId)}`
      await ctx.intend?.(`Detach${d.kind === 'role' ? 'Role' : 'User'}Policy ${arn}`)
      await detachManagedPolicy(iam, ref, arn, {signal: ctx.signal})
      if ((await managedPolicyAttachments(iam, arn, {signal: ctx.signal})) === 0) {
        await ctx.intend?.(`DeletePolicy ${arn}`)
        await deleteManagedPolicy(iam, arn, {signal: ctx.signal})
      }
      return
    }
    // Recomputed from the account, not restored from the journal: only this run's part goes, and a
    // later run's cutoff or single-session statements stay in force.
    const current = await getInlinePolicy(iam, ref, REVOKE_POLICY_NAME, {signal: ctx.signal})
    const rest = withoutRun(current, ctx.runId)
    await ctx.intend?.(`${rest ? 'Put' : 'Delete'}${d.kind === 'role' ? 'Role' : 'User'}Policy ${REVOKE_POLICY_NAME}`)
    if (rest) await putInlinePolicy(iam, ref, REVOKE_POLICY_NAME, rest, {signal: ctx.signal})
    else await deleteInlinePolicy(iam, ref, REVOKE_POLICY_NAME, {signal: ctx.signal})
    if (rest) return `kept the revocation parts of ${revokeRuns(rest).join(', ') || 'other writers'} on ${d.kind} ${d.name}`
  },
}

/**
 * Puts this run's part into the principal's policy, keeping the others'. IAM has no compare-and-swap:
 * a concurrent run may write between our read and our put, so read back and retry until our part is in.
 */
/**
 * Changes whose policy apply read back with this run's part in place, in this process, with the proof of
 * the deny that apply then started: verify does not read the policy a third time (its answer is known) and
 * awaits that proof, IAM's simulation, which sees the policy as IAM enforces it. The proofs go at the pace
 * changes finish applying (one simulation each, a few in flight while `concurrency` changes are), so they
 * need no bound of their own. A change from a journal (--resume) is not in here: verify reads and proves it.
 */
const provenAtApply = new WeakMap<Applied<RevokeData>, Promise<Check[]>>()

/** After the settle time, IAM's simulation must deny the change's sessions issued before the cutoff (polled: authorization can lag reads). */
async function proveDeny(a: Applied<RevokeData>, cutoff: string, ctx: Ctx): Promise<Check[]> {
  const d = a.data
  await settleSince(a.appliedAt, d.settleMs ?? 0, ctx.signal)
  const checks: Check[] = []
  const matches: (SessionMatch | undefined)[] = d.all ? [undefined] : d.sessions.slice(0, 5)
  for (const match of matches) {
    const proof = await pollUntil(() => proveCutoff(ctx.clients.iam, d.arn, cutoff, {target: a.target, match, signal: ctx.signal}), (c) => c.ok, {signal: ctx.signal})
    checks.push(proof.value)
  }
  return checks
}

async function putRunPart(ref: {kind: PrincipalKind; name: string}, wanted: RevokeSpec, ctx: Ctx): Promise<{doc: PolicyDocument; confirmed: boolean}> {
  const iam = ctx.clients.iam
  for (let attempt = 0; ; attempt++) {
    // Journaled before the read, not between read and put: the fsync would widen the window in which
    // another run's put lands unseen between our read and our put.
    await ctx.intend?.(`Put${ref.kind === 'role' ? 'Role' : 'User'}Policy ${REVOKE_POLICY_NAME}`)
    const current = await getInlinePolicy(iam, ref, REVOKE_POLICY_NAME, {signal: ctx.signal})
    const doc = withRunPart(current, ctx.runId, wanted)
    const sent = performance.now()
    await putInlinePolicy(iam, ref, REVOKE_POLICY_NAME, doc, {signal: ctx.signal})
    // Read back only once a writer that read before our put would have put too: two runs in step
    // (read, read, put, put) otherwise both read back their own put, and the first one's part is gone
    // unseen. Twice our put's round trip covers the other's read answer and its put.
    const wait = Math.max(20, 2 * (performance.now() - sent))
    if (!ctx.signal?.aborted) await new Promise((r) => setTimeout(r, wait))
    const landed = await getInlinePolicy(iam, ref, REVOKE_POLICY_NAME, {signal: ctx.signal})
    const lost = readRevokeParts(current).some((p) => p.run && !runPart(landed, p.run))
    const confirmed = Boolean(runPart(landed, ctx.runId)) && !lost
    if (confirmed || attempt >= 4) return {doc: landed ?? doc, confirmed}
    await new Promise((r) => setTimeout(r, 50 + Math.random() * 200))
  }
}

/** The change for one target, from its inline policies as the plan's account read found them (no call). */
function planTarget(t: Target, inline: Map<string, PolicyDocument>, p: RevokeParams, preview: string, ctx: Ctx): {change?: Change<RevokeData>; tooBig?: string} {
  const current = inline.get(REVOKE_POLICY_NAME)
  const wanted: RevokeSpec = {allBefore: t.all ? preview : undefined, sessions: t.sessions.map((match) => ({match, before: preview}))}
  const after = withRunPart(current, ctx.runId, wanted)
  const others = [...inline].filter(([n]) => n !== REVOKE_POLICY_NAME).reduce((n, [, d]) => n + policySize(d), 0)
  const size = others + policySize(after)
  const limit = INLINE_LIMIT[t.kind]
  const when = p.issuedBefore.kind === 'now' ? 'now (the moment of apply)' : preview
  const what = t.all ? 'sessions' : `${t.sessions.length} single session${t.sessions.length === 1 ? '' : 's'}`
  const data: RevokeData = {kind: t.kind, name: t.name, arn: t.arn, all: t.all, sessions: t.sessions, issuedBefore: p.issuedBefore, mode: p.policyMode, settleMs: p.settle, via: t.via}
  const change: Change<RevokeData> = {
    target: t.arn,
    principal: t.arn,
    summary: `revoke ${what} of ${t.kind} ${t.name} issued before ${when}${t.via ? ` (chain ${t.via.join(' → ')})` : ''}${p.policyMode === 'managed' ? ' [managed policy]' : ''}`,
    before: {policy: current ?? null},
    after: p.policyMode === 'managed' ? {managedPolicy: revokePolicy(wanted, ctx.runId)} : {policy: after, inlineSize: `${size}/${limit}`},
    data,
  }
  return {change, tooBig: size > limit ? `${t.kind} ${t.name}: ${size} of ${limit} characters` : undefined}
}

async function sessionTargets(s: NonNullable<RevokeParams['sessions']>[number], roles: IamRole[]): Promise<{role: IamRole; match: SessionMatch}[]> {
  if ('role' in s) {
    const role = roles.find((r) => r.name === s.role || r.arn === s.role)
    return role ? [{role, match: {userId: `${role.roleId}:${s.sessionName}`}}] : []
  }
  if ('assumedRoleId' in s) {
    const role = roles.find((r) => r.roleId === s.assumedRoleId.split(':')[0])
    return role ? [{role, match: {userId: s.assumedRoleId}}] : []
  }
  return roles.filter((r) => matchesAnySelector(r, s.roles)).map((role) => ({role, match: {sourceIdentity: s.sourceIdentity}}))
}

/** What apply wrote, read back from the account (--resume found the change applied; its result line was lost). */
async function recordedCutoff(a: Applied<RevokeData>, ctx: Ctx): Promise<{cutoff: string; managedPolicyArn?: string}> {
  const d = a.data
  if (d.mode === 'managed') return {cutoff: resolveTime(d.issuedBefore, new Date(a.appliedAt)).toISOString(), managedPolicyArn: `arn:aws:iam::${ctx.account.id}:policy/lockdown/${managedPolicyName(d.arn, ctx.runId)}`}
  const part = runPart(await getInlinePolicy(ctx.clients.iam, {kind: d.kind, name: d.name}, REVOKE_POLICY_NAME, {signal: ctx.signal}), ctx.runId)
  return {cutoff: part?.allBefore ?? part?.sessions?.[0]?.before ?? new Date(0).toISOString()}
}

/** The policy covers the cutoff and still holds this run's own part (a concurrent writer may have replaced it). */
function ownPartCovers(doc: PolicyDocument | undefined, d: RevokeData, cutoff: string, runId: string): boolean {
  return runPart(doc, runId) !== undefined && coversCutoff(doc, d, cutoff)
}

function coversCutoff(doc: PolicyDocument | undefined, d: RevokeData, cutoff: string): boolean {
  const spec = readRevokeSpec(doc)
  const atLeast = (t?: string) => t !== undefined && Date.parse(t) >= Date.parse(cutoff)
  if (d.all) return atLeast(spec.allBefore)
  return d.sessions.every((m) => atLeast(spec.allBefore) || spec.sessions?.some((s) => JSON.stringify(s.match) === JSON.stringify(m) && atLeast(s.before)))
}

/** One managed policy per principal and run; a later run adds its own, so a cutoff never moves earlier. */
function managedPolicyName(arn: string, runId: string): string {
  return `LockdownRevoke-${createHash('sha256').update(arn).digest('hex').slice(0, 12)}-${runId}`
}

/** Whether `from` (a role of this account) may assume `to`, asked of IAM's simulator here. */
async function canAssumeHere(iam: Ctx['clients']['iam'], from: IamRole, to: IamRole, ctx: Ctx): Promise<boolean> {
  return (await simulateDecisions(iam, from.arn, ['sts:AssumeRole'], {}, {signal: ctx.signal, resource: to.arn}))['sts:AssumeRole'] === 'allowed'
}
