// revoke-org: organization-wide revocation in one write per target: a service control policy that denies
// everything to sessions issued before a cutoff (aws:TokenIssueTime) when the principal matches role
// ARN patterns, single sessions or Identity Center users — in every member account under the target at
// once, including roles lockdown cannot edit (AWSReservedSSO_*). SCPs do not bind the management account:
// the same step revokes the matching roles there one by one (revoke-sessions). One change per target
// (and an EnablePolicyType change when the step asks for it); planned once for the whole run.
import {isScpRevokeDocument, scpDocuments, scpRunPart, withScpRunPart, withoutScpRun, type ScpSpec} from '../aws/policies/scp-revoke.js'
import {listRoots, listScps, scpTargets, setScpType} from '../aws/scp.js'
import {classifyAwsError} from '../aws/errors.js'
import {resolveTime} from '../playbook/time.js'
import {mapPool} from './lib/pool.js'
import {pollUntil, settleSince} from './lib/poll.js'
import {revokeSessions} from './revoke-sessions.js'
import {exemptions} from './revoke-org/exempt.js'
import {checkRevokeOrgJournal} from './revoke-org/journal-check.js'
import {planManagement, unwrap, type MgmtData} from './revoke-org/management.js'
import {identityCenterNotes, scopeNotes} from './revoke-org/notes.js'
import {principalPattern, revokeOrgParams, type RevokeOrgParams} from './revoke-org/params.js'
import {planTargets, readOrganization, type ScpData, type TypeData} from './revoke-org/plan-scp.js'
import {partsOf, readTarget, reconcile, type TargetState} from './revoke-org/scp-state.js'
import {ONLY_A_DRILL, proveInAccount} from './revoke-org/verify.js'
import type {Action, Applied, Check, Ctx, Inspection} from './types.js'

export type RevokeOrgData = ScpData | TypeData | MgmtData

/** What the step calls in a member account: roles to find one the SCP names, and the simulation that proves it. */
const MEMBER_PERMISSIONS = ['iam:ListRoles', 'iam:SimulatePrincipalPolicy']

const DESCRIPTION = 'lockdown revoke-org: denies sessions issued before a cutoff (aws:TokenIssueTime); one part per lockdown run (Sid ...Run<run>); remove a run\'s part with: lockdown undo <run>'

export const revokeOrg: Action<RevokeOrgParams, RevokeOrgData> = {
  name: 'revoke-org',
  summary: 'Deny sessions issued before a cutoff across an organization with one SCP per root/OU/account (roles, single sessions, Identity Center users); the management account per role; verified by IAM simulation',
  params: revokeOrgParams as unknown as Action<RevokeOrgParams>['params'],
  contains: 'sessions',
  scope: 'run',
  permissions: [
    'organizations:DescribeOrganization',
    'organizations:DescribeAccount',
    'organizations:ListRoots',
    'organizations:ListAccountsForParent',
    'organizations:ListOrganizationalUnitsForParent',
    'organizations:ListPolicies',
    'organizations:ListPoliciesForTarget',
    'organizations:ListTargetsForPolicy',
    'organizations:DescribePolicy',
    'organizations:CreatePolicy',
    'organizations:UpdatePolicy',
    'organizations:DeletePolicy',
    'organizations:AttachPolicy',
    'organizations:DetachPolicy',
    'organizations:EnablePolicyType',
    'organizations:DisablePolicyType',
    // In the member accounts: verify and the plan's notes list roles to find one the SCP names.
    'iam:ListRoles',
    ...revokeSessions.permissions.filter((a) => a !== 'iam:ListRoles'),
  ],
  // The SCP is written from the management account (the caller); in a member account the step only lists
  // roles and simulates them (verify, the plan's notes): the access role needs no Organizations permission.
  permissionsFor: (_p, where) => [{actions: where?.member ? MEMBER_PERMISSIONS : revokeOrg.permissions, resources: ['*']}],
  example: `- id: contain-org
  action: revoke-org
  with:
    targets: [root]
    roles: ["app-*", "arn:aws:iam::*:role/aws-reserved/sso.amazonaws.com/*/AWSReservedSSO_Admin_*"]
    sessions: [{sourceIdentity: mallory}]
    identityCenterUsers: ["906755a3b1-0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"]
    exclude: ["arn:aws:iam::*:role/incident-responder"]
    issuedBefore: now`,

  async plan(p, ctx) {
    const org = await readOrganization(ctx, ctx.step.id)
    const exempt = exemptions(p.exclude, ctx)
    const preview = resolveTime(p.issuedBefore, ctx.now()).toISOString()
    const spec: ScpSpec = {
      before: preview,
      roles: [...new Set((p.roles ?? []).map(principalPattern))],
      sourceIdentities: (p.sessions ?? []).flatMap((s) => ('sourceIdentity' in s ? [s.sourceIdentity] : [])),
      userIds: (p.sessions ?? []).flatMap((s) => ('userId' in s ? [s.userId] : [])),
      identityCenterUsers: p.identityCenterUsers ?? [],
      exempt: exempt.map((e) => e.pattern),
    }
    const scp = await planTargets(p.targets, spec, {org, ctx, issuedBefore: p.issuedBefore, settleMs: p.settle, enableType: p.enablePolicyType})
    const mgmt = await planManagement(p, ctx, spec.exempt)
    const notes = [
      `exempt from the SCP (ArnNotLike aws:PrincipalArn): ${exempt.map((e) => `${e.pattern} (${e.reason})`).join('; ')}`,
      ...scp.notes,
      ...(await scopeNotes(spec, {ctx, covered: scp.covered, management: org.managementAccount})),
      ...identityCenterNotes(spec.identityCenterUsers),
      ...mgmt.notes,
      ...mgmt.plan.notes,
    ]
    return {
      changes: [...scp.changes, ...mgmt.plan.changes],
      skipped: [...scp.skipped, ...mgmt.plan.skipped],
      notes,
      warnings: mgmt.plan.warnings,
      residual: mgmt.plan.residual,
    }
  },

  async apply(c, ctx): Promise<Applied<RevokeOrgData>> {
    const d = c.data
    if (d.kind === 'mgmt-role') return {...(await revokeSessions.apply(unwrap({...c, data: d}), ctx)), data: d}
    if (d.kind === 'policy-type') {
      await ctx.intend?.(`EnablePolicyType SERVICE_CONTROL_POLICY ${d.rootId}`)
      try {
        await setScpType(ctx.clients, d.rootId, true, {signal: ctx.signal})
      } catch (error) {
        // Idempotent: a --resume or a concurrent run may have enabled it already.
        if (classifyAwsError(error).code !== 'PolicyTypeAlreadyEnabledException') throw error
      }
      return {...c, appliedAt: new Date().toISOString()}
    }
    return applyScp(c, d, ctx)
  },

  async verify(a, ctx): Promise<Check[]> {
    const d = a.data
    if (d.kind === 'mgmt-role') return revokeSessions.verify!(unwrap({...a, data: d}) as Applied<MgmtData['revoke']>, ctx)
    if (d.kind === 'policy-type') {
      const on = await pollUntil(() => listRoots(ctx.clients, {signal: ctx.signal}).then((r) => r[0]?.scpEnabled ?? false), Boolean, {signal: ctx.signal})
      return [{target: a.target, name: 'SCP policy type enabled', ok: on.ok, detail: on.ok ? `SERVICE_CONTROL_POLICY is enabled on ${d.rootId}` : `SERVICE_CONTROL_POLICY is not enabled on ${d.rootId}`}]
    }
    return verifyScp(a, d, ctx)
  },

  async inspect(a, ctx): Promise<Inspection> {
    const d = a.data
    if (d.kind === 'mgmt-role') return revokeSessions.inspect!(unwrap({...a, data: d}) as Applied<MgmtData['revoke']>, ctx)
    if (d.kind === 'policy-type') return (await listRoots(ctx.clients, {signal: ctx.signal}))[0]?.scpEnabled ? 'after' : 'before'
    const state = await readTarget(ctx.clients, d.targetId, {signal: ctx.signal})
    if (state.mine.some((m) => !isScpRevokeDocument(m.content))) return {drift: {policies: state.mine}}
    const mine = scpRunPart(partsOf(state), ctx.runId)
    if (!mine) return 'before'
    const cutoff = (a.result as {cutoff?: string} | undefined)?.cutoff
    const lists = ['roles', 'sourceIdentities', 'userIds', 'identityCenterUsers'] as const
    // This run's part is not what it wrote: a person or tool edited it (a cutoff moved earlier, a pattern gone).
    if ((cutoff && Date.parse(mine.before) < Date.parse(cutoff)) || lists.some((k) => d.spec[k].some((v) => !mine[k].includes(v)))) return {drift: {part: mine}}
    return state.mine.every((m) => m.attached) ? 'after' : 'partial'
  },

  checkJournal: checkRevokeOrgJournal,

  async undo(a, ctx, opts) {
    const d = a.data
    if (d.kind === 'mgmt-role') return revokeSessions.undo!(unwrap({...a, data: d}) as Applied<MgmtData['revoke']>, ctx, opts)
    if (d.kind === 'policy-type') return undoPolicyType(d, ctx)
    // Recomputed from the organization, not restored from the journal: only this run's part goes; a
    // later run's part (or an earlier one's) stays in force, re-packed into as few SCPs as it needs.
    const state = await readTarget(ctx.clients, d.targetId, {signal: ctx.signal})
    const rest = withoutScpRun(partsOf(state), ctx.runId)
    await reconcile(state, scpDocuments(rest), d.targetId, ctx, DESCRIPTION)
    if (rest.length) return `kept the revocation parts of ${rest.map((r) => r.run).join(', ')} in the SCP on ${d.targetId}`
  },
}

async function applyScp(c: Parameters<typeof revokeOrg.apply>[0], d: ScpData, ctx: Ctx): Promise<Applied<RevokeOrgData>> {
  const cutoff = resolveTime(d.issuedBefore, ctx.now()).toISOString()
  const wanted: ScpSpec = {...d.spec, before: cutoff}
  if (d.afterEnable) {
    const on = await pollUntil(() => listRoots(ctx.clients, {signal: ctx.signal}).then((r) => r[0]?.scpEnabled ?? false), Boolean, {attempts: 12, signal: ctx.signal})
    if (!on.ok) throw new Error(`SCPs are not enabled on the root: this step's EnablePolicyType change did not land first; run again with --resume`)
  }
  // Organizations has no compare-and-swap: read, write, read back; a concurrent run's part lost on the way is written again.
  for (let attempt = 0; ; attempt++) {
    const state = await readTarget(ctx.clients, d.targetId, {signal: ctx.signal})
    if (state.mine.some((m) => !isScpRevokeDocument(m.content))) throw new Error(`lockdown's SCP on ${d.targetId} holds statements lockdown did not write (changed since the plan); nothing was written`)
    const current = partsOf(state)
    await reconcile(state, scpDocuments(withScpRunPart(current, ctx.runId, wanted)), d.targetId, ctx, DESCRIPTION)
    const landed: TargetState = await readTarget(ctx.clients, d.targetId, {signal: ctx.signal})
    const parts = partsOf(landed)
    const mine = scpRunPart(parts, ctx.runId)
    const lost = current.some((p) => !scpRunPart(parts, p.run))
    if (mine && Date.parse(mine.before) >= Date.parse(cutoff) && landed.mine.every((m) => m.attached) && !lost) {
      return {...c, data: d, appliedAt: new Date().toISOString(), result: {cutoff, policies: landed.mine.map((m) => ({name: m.name, id: m.id}))}}
    }
    if (attempt >= 4) throw new Error(`lockdown's SCP on ${d.targetId} does not read back with this run's part after ${attempt + 1} writes (a concurrent writer?)`)
    await new Promise((r) => setTimeout(r, 50 + Math.random() * 200))
  }
}

async function verifyScp(a: Applied<RevokeOrgData>, d: ScpData, ctx: Ctx): Promise<Check[]> {
  const read = () => readTarget(ctx.clients, d.targetId, {signal: ctx.signal})
  const landed = await pollUntil(read, (s) => Boolean(scpRunPart(partsOf(s), ctx.runId)) && s.mine.every((m) => m.attached), {signal: ctx.signal})
  const part = scpRunPart(partsOf(landed.value), ctx.runId)
  const names = landed.value.mine.map((m) => m.name).join(', ')
  const checks: Check[] = [
    {target: a.target, name: 'SCP attached', ok: landed.ok, detail: landed.ok ? `${names} attached to ${d.targetId} with this run's part` : `lockdown's SCP on ${d.targetId} does not read back attached with this run's part`},
  ]
  if (!landed.ok || !part) return checks
  await settleSince(a.appliedAt, d.settleMs, ctx.signal)
  const cutoff = (a.result as {cutoff?: string} | undefined)?.cutoff ?? part.before
  const entered = d.accounts.flatMap((id) => ctx.accounts?.find((x) => x.id === id && x.clients) ?? [])
  const away = d.accounts.filter((id) => !entered.some((e) => e.id === id))
  checks.push(...(await mapPool(entered, 4, (acct) => proveInAccount(acct, d.spec, cutoff, {target: a.target, signal: ctx.signal}))))
  if (away.length) {
    const why = ctx.accounts ? "not entered by this run (not in its accounts:, or unreachable)" : `the run works in ${ctx.account.id} alone (add accounts: [{organization: true}] to simulate in the members)`
    checks.push({target: a.target, name: 'SCP containment not simulated', ok: true, detail: `${away.join(', ')}: ${why}; ${ONLY_A_DRILL}`})
  }
  if (!d.accounts.length) checks.push({target: a.target, name: 'SCP containment not simulated', ok: true, detail: `no member account under ${d.targetId}`})
  return checks
}

/** Disables the type only if nothing but AWS's FullAWSAccess is attached anywhere (another SCP is someone's). */
async function undoPolicyType(d: TypeData, ctx: Ctx): Promise<string | void> {
  const own = (await listScps(ctx.clients, {signal: ctx.signal})).filter((p) => !p.awsManaged)
  const inUse: string[] = []
  for (const p of own) if ((await scpTargets(ctx.clients, p.id, {signal: ctx.signal})).length) inUse.push(p.name)
  if (inUse.length) return `kept SERVICE_CONTROL_POLICY enabled on ${d.rootId}: ${inUse.join(', ')} ${inUse.length === 1 ? 'is' : 'are'} attached`
  await ctx.intend?.(`DisablePolicyType SERVICE_CONTROL_POLICY ${d.rootId}`)
  await setScpType(ctx.clients, d.rootId, false, {signal: ctx.signal})
}
