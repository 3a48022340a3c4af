// Planning the SCP part of revoke-org: resolve the targets in the organization, read lockdown's SCPs at
// each, merge this run's part in, and check AWS's limits before anything is written (exit 3 with the way
// out): 5,120 characters per SCP (split over several when needed), five SCPs per target, the SCP policy
// type enabled on the root (EnablePolicyType is its own change, only when the step asks for it).
import {SCP_MAX_CHARS, SCP_MAX_PER_TARGET, ScpTooLargeError, scpDocuments, scpPolicyName, withScpRunPart, isScpRevokeDocument, type ScpSpec} from '../../aws/policies/scp-revoke.js'
import {accountsUnder, describeOrg, listRoots, type OrgRoot} from '../../aws/scp.js'
import {PreflightError} from '../../errors.js'
import type {TimeSpec} from '../../playbook/time.js'
import type {Change, Ctx, Skipped} from '../types.js'
import {partsOf, readTarget} from './scp-state.js'

export interface ScpData {
  kind: 'scp'
  targetId: string
  targetType: 'root' | 'ou' | 'account'
  /** What this run denies there; the cutoff is resolved at apply (issuedBefore). */
  spec: Omit<ScpSpec, 'before'>
  issuedBefore: TimeSpec
  settleMs: number
  /** Member accounts under the target (verify proves the deny in those the run entered). */
  accounts: string[]
  /** This step's EnablePolicyType change comes first: apply waits until the type reads enabled. */
  afterEnable: boolean
}

export interface TypeData {
  kind: 'policy-type'
  rootId: string
}

export interface Organization {
  id: string
  managementAccount: string
  root: OrgRoot
}

/** The spec without its cutoff: what the journal keeps (the cutoff of `now` is known only at apply). */
export const lists = (s: ScpSpec): ScpData['spec'] => ({roles: s.roles, sourceIdentities: s.sourceIdentities, userIds: s.userIds, identityCenterUsers: s.identityCenterUsers, exempt: s.exempt})

export async function readOrganization(ctx: Ctx, stepId: string): Promise<Organization> {
  // A run whose accounts: leave out the caller's own plans run-wide steps in a member account, as the
  // access role: that session may not (and should not) manage SCPs, and its AccessDenied would hide why.
  if (ctx.account.id !== ctx.caller.account) {
    throw new PreflightError(`step '${stepId}' (revoke-org): SCPs are written with your own credentials from the management account, but this run's accounts: leave out your account ${ctx.caller.account}, so the step would run in ${ctx.account.id} as the access role: add current to accounts: (accounts: [current, ${ctx.account.id}])`, {
      next: `add current to the playbook's accounts: (e.g. accounts: [current, ${ctx.account.id}]) and run lockdown from the management account`,
    })
  }
  const org = await describeOrg(ctx.clients, {signal: ctx.signal})
  if (org.managementAccount !== ctx.account.id) {
    throw new PreflightError(`step '${stepId}' (revoke-org): SCPs are written from the organization's management account ${org.managementAccount}; this step runs in ${ctx.account.id}`, {
      next: `run lockdown with credentials of the management account ${org.managementAccount} (a delegated administrator cannot manage SCPs)`,
    })
  }
  const [root] = await listRoots(ctx.clients, {signal: ctx.signal})
  return {...org, root}
}

export const targetArn = (org: Organization, type: 'root' | 'ou' | 'account', id: string) =>
  type === 'root' ? org.root.arn : `arn:aws:organizations::${org.managementAccount}:${type}/${org.id}/${id}`

/** One SCP change per target; the limits of every target are checked together, so one exit 3 names them all. */
export async function planTargets(
  targets: string[],
  spec: ScpSpec,
  x: {org: Organization; ctx: Ctx; issuedBefore: TimeSpec; settleMs: number; enableType: boolean},
): Promise<{changes: Change<ScpData | TypeData>[]; skipped: Skipped[]; notes: string[]; covered: Set<string>}> {
  const {org, ctx} = x
  const stepId = ctx.step.id
  const ids = [...new Set(targets.map((t) => (t === 'root' ? org.root.id : t)))]
  const changes: Change<ScpData | TypeData>[] = []
  const skipped: Skipped[] = []
  const notes: string[] = []
  const problems: string[] = []
  const covered = new Set<string>()
  const enabled = org.root.scpEnabled
  if (!enabled && !x.enableType) {
    throw new PreflightError(`step '${stepId}' (revoke-org): service control policies are not enabled on root ${org.root.id}, so no SCP can be attached`, {
      next: `set enablePolicyType: true on step '${stepId}' (the plan then shows EnablePolicyType on ${org.root.id} as its own change; undo disables it again), or enable it yourself: aws organizations enable-policy-type --root-id ${org.root.id} --policy-type SERVICE_CONTROL_POLICY`,
    })
  }
  if (!enabled) {
    changes.push({
      target: org.root.arn,
      principal: org.root.arn,
      summary: `enable the SERVICE_CONTROL_POLICY policy type on root ${org.root.id} (AWS attaches FullAWSAccess to every root, OU and account; undo disables it again if nothing else uses it)`,
      before: {policyType: 'DISABLED'},
      after: {policyType: 'ENABLED'},
      data: {kind: 'policy-type', rootId: org.root.id},
    })
  }
  for (const id of ids) {
    const under = await accountsUnder(ctx.clients, id, {signal: ctx.signal})
    if (!under) {
      problems.push(`${id}: not a root, OU or account of organization ${org.id}`)
      continue
    }
    if (under.type === 'account' && id === org.managementAccount) {
      skipped.push({target: targetArn(org, 'account', id), reason: `${id} is the management account: SCPs do not apply there (its roles are revoked one by one below)`})
      continue
    }
    const accounts = under.accounts.filter((a) => a !== org.managementAccount)
    for (const a of accounts) covered.add(a)
    const state = await readTarget(ctx.clients, id, {signal: ctx.signal, scpEnabled: enabled})
    const edited = state.mine.find((m) => !isScpRevokeDocument(m.content))
    if (edited) {
      problems.push(`${id}: lockdown's ${edited.name} (${edited.id}) holds statements lockdown did not write; move them to an SCP of their own (or delete ${edited.name}) and plan again`)
      continue
    }
    let docs: string[]
    try {
      docs = scpDocuments(withScpRunPart(partsOf(state), ctx.runId, spec))
    } catch (error) {
      if (!(error instanceof ScpTooLargeError)) throw error
      problems.push(`${id}: ${error.message}; shorten exclude or the roles patterns`)
      continue
    }
    // Slots: five SCPs per target; once the type is enabled FullAWSAccess takes one of them.
    const others = enabled ? state.others : [{id: 'p-FullAWSAccess', name: 'FullAWSAccess', awsManaged: true}]
    const free = SCP_MAX_PER_TARGET - others.length
    const names = docs.map((_, i) => scpPolicyName(id, i))
    if (docs.length > free) {
      problems.push(
        `${id}: lockdown needs ${docs.length} SCP${docs.length === 1 ? '' : 's'} (${docs.map((d) => d.length).join(' + ')} of ${SCP_MAX_CHARS} characters each at most) and ${free} of the ${SCP_MAX_PER_TARGET} slots are free; attached: ${others.map((o) => `${o.name} (${o.id})`).join(', ')}; lockdown's would be SCP ${names.map((n, i) => `#${others.length + i + 1} (${n})`).join(', ')} of at most ${SCP_MAX_PER_TARGET}`,
      )
      continue
    }
    const where = under.type === 'root' ? `root ${id}` : under.type === 'ou' ? `OU ${id}` : `account ${id}`
    const what = [
      spec.roles.length && `roles ${spec.roles.join(', ')}`,
      spec.sourceIdentities.length && `source identities ${spec.sourceIdentities.join(', ')}`,
      spec.userIds.length && `sessions ${spec.userIds.join(', ')}`,
      spec.identityCenterUsers.length && `Identity Center users ${spec.identityCenterUsers.join(', ')}`,
    ].filter(Boolean)
    const when = x.issuedBefore.kind === 'now' ? 'now (the moment of apply)' : spec.before
    changes.push({
      target: targetArn(org, under.type, id),
      principal: targetArn(org, under.type, id),
      summary: `SCP on ${where} (${accounts.length} member account${accounts.length === 1 ? '' : 's'}): deny sessions of ${what.join('; ')} issued before ${when}; exempt ${spec.exempt.length} principal pattern${spec.exempt.length === 1 ? '' : 's'}`,
      before: {policies: state.mine.map((m) => ({name: m.name, id: m.id, attached: m.attached, content: m.content}))},
      after: {policies: docs.map((content, i) => ({name: names[i], content, size: `${content.length}/${SCP_MAX_CHARS}`})), slots: `${others.length + docs.length}/${SCP_MAX_PER_TARGET}`, exempt: spec.exempt},
      data: {kind: 'scp', targetId: id, targetType: under.type, spec: lists(spec), issuedBefore: x.issuedBefore, settleMs: x.settleMs, accounts, afterEnable: !enabled},
    })
  }
  if (problems.length) {
    throw new PreflightError(`step '${stepId}' (revoke-org): the SCPs cannot be written as planned:\n  ${problems.join('\n  ')}`, {
      next: `free a slot (aws organizations detach-policy --policy-id <id> --target-id <target>), narrow roles:/exclude: on step '${stepId}', or name fewer or lower targets (an OU instead of the root)`,
      detail: {problems},
    })
  }
  return {changes, skipped, notes, covered}
}
