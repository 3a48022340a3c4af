// Plan every step (read-only), then apply the guards. What the plan holds is exactly what apply may do:
// the run journals this plan and apply takes only its changes.
import type {VarValue} from '../playbook/vars.js'
import {mapPool} from '../actions/lib/pool.js'
import type {AccountCtx, Caller, Change, Containment, Ctx, Residual, RunAccount, Skipped} from '../actions/types.js'
import type {AccessHow, EnteredAccount} from '../aws/access.js'
import {globMatch} from '../aws/arn.js'
import type {AwsOptions, Clients} from '../aws/clients.js'
import {awsErrorText} from '../aws/errors.js'
import {PreflightError} from '../errors.js'
import type {LoadedPlaybook} from '../playbook/load.js'
import {accessOf, accessProtect, enterAll, isSingleAccount, resolveScope, type Reached} from './accounts.js'
import {followAcross, type AccountPlanned} from './chains-across.js'
import {checkMaxTargets, checkMaxTargetsPerAccount, excludeGuarded, selfWarning} from './guards.js'
import {grantsFor, permissionsFor} from './permissions.js'
import {checkCallerPermissions, SIMULATE, type Needs, type PermissionCheck} from './preflight.js'
import {openSession} from './session.js'
import {loadAndValidate, validateSteps, type ValidStep} from './validate.js'

export interface PlannedStep {
  id: string
  action: string
  /** Steps that must succeed for this one to run (`dependsOn`). */
  dependsOn: string[]
  /** A failure in this step stops the run (`stopOnError`). */
  stopOnError: boolean
  readOnly: boolean
  /** Why the whole step will not run (`when:` false), if so. */
  disabled?: string
  changes: Change[]
  skipped: Skipped[]
  notes: string[]
  /** Input that selected nothing (a glob matching no principal). */
  warnings: string[]
  protects?: {arn: string; reason: string}[]
}

/** Moves changes to principals another step protects (break-glass responders) out of the plan, with the reason. */
function shieldProtected(steps: PlannedStep[]): void {
  for (const guard of steps) {
    for (const {arn, reason} of guard.protects ?? []) {
      for (const s of steps) {
        if (s === guard) continue
        const hit = s.changes.filter((c) => c.principal === arn)
        if (!hit.length) continue
        s.changes = s.changes.filter((c) => c.principal !== arn)
        s.skipped.push(...hit.map((c) => ({target: c.target, reason})))
      }
    }
  }
}

/**
 * Residual-risk notes judged across the whole playbook: "add a deactivate-keys step for ci-deploy" is
 * false when another step deactivates ci-deploy's keys. Each note keeps only the principals no step's
 * changes contain that way, and disappears when none is left.
 */
function judgeResidual(steps: PlannedStep[], residuals: Map<PlannedStep, {contains?: Containment; residual: Residual[]}>): void {
  const covered = (kind: Containment) => new Set(steps.filter((s) => residuals.get(s)?.contains === kind).flatMap((s) => s.changes.map((c) => c.principal)))
  const by = {sessions: covered('sessions'), keys: covered('keys')}
  for (const [step, {residual}] of residuals) {
    for (const r of residual) {
      const open = r.principals.filter((p) => !by[r.needs].has(p))
      if (open.length) step.notes.push(r.note(open))
    }
  }
}

export interface RunPlan {
  playbook: {file: string; name: string; sha256: string; incident?: string}
  caller: Caller
  /** Every step with the changes of every account (each change names its account), in scope order. */
  steps: PlannedStep[]
  /** Per account: how it was reached (or why not), its changes, skipped targets and notes. */
  accounts: Record<string, AccountPlan>
  /** The accounts in the order the scope names them (`accounts` is keyed, JSON keeps no order promise). */
  accountOrder: string[]
  organization?: {id: string; managementAccount: string}
  guards: {maxTargets: number; maxTargetsPerAccount?: number; principals: number; protect: string[]}
  permissions: string[]
  /** Whether the caller was proven to hold `permissions` before any write, or why it could not be. */
  permissionCheck: PermissionCheck
}

export interface AccountPlan {
  id: string
  name?: string
  ou?: string
  /** planned: entered and planned; unreachable: could not be entered (reason); skipped: not entered on purpose (reason). */
  status: 'planned' | 'unreachable' | 'skipped'
  reason?: string
  access?: AccessHow
  /** Who lockdown is in the account (the access role's session, or the caller). */
  as?: string
  permissionCheck?: PermissionCheck
  steps: {id: string; changes: Change[]; skipped: Skipped[]; notes: string[]; warnings: string[]; protects?: {arn: string; reason: string}[]}[]
  principals: number
}

export interface PlanEnv {
  clients: Clients
  caller: Caller
  runId: string
  signal: AbortSignal
  now(): Date
  log(message: string): void
  /** How the clients were made: entering another account starts from these options. */
  aws?: AwsOptions
}

/** The caller's own account as a step's account (the single-account run, and the caller's part of an organization run). */
export function callerAccount(env: PlanEnv): AccountCtx {
  return {id: env.caller.account, clients: env.clients, caller: env.caller, access: 'caller'}
}

export function stepCtx(env: PlanEnv, run: {incident?: string; protect: string[]}, step: {id: string; allowSelf: boolean}, account: AccountCtx = callerAccount(env)): Ctx {
  return {
    clients: account.clients,
    account,
    signal: env.signal,
    runId: env.runId,
    incident: run.incident,
    caller: env.caller,
    now: env.now,
    protect: run.protect,
    step,
    log: env.log,
  }
}

export function accountCtx(e: EnteredAccount, caller: Caller): AccountCtx {
  return {id: e.id, clients: e.clients, caller: e.access === 'caller' ? caller : {...e.identity}, access: e.access}
}

/** Plans the run; the accounts' clients are closed after (a plan writes nothing and keeps nothing open). */
export async function planRun(loaded: LoadedPlaybook, env: PlanEnv, valid: ValidStep[] = validateSteps(loaded)): Promise<RunPlan> {
  const {plan, reached} = await planScope(loaded, env, valid)
  closeReached(reached)
  return plan
}

export function closeReached(reached: Reached[]): void {
  for (const r of reached) if ('entered' in r) r.entered.close()
}

/**
 * What a `scope: 'run'` step sees of a run over several accounts: every account of the scope (entered
 * with its clients, or with the reason it was not), and its home: the caller's account when the run
 * entered it, else the first account entered.
 */
function runScope(reached: Reached[], skipped: {account: string; name?: string; reason: string}[], caller: string): {home?: string; accounts: RunAccount[]} {
  const accounts: RunAccount[] = [
    ...reached.map((r) => ({id: r.account.id, ...(r.account.name ? {name: r.account.name} : {}), ...('entered' in r ? {clients: r.entered.clients} : {unreachable: r.unreachable})})),
    ...skipped.map((k) => ({id: k.account, ...(k.name ? {name: k.name} : {}), unreachable: k.reason})),
  ]
  const entered = accounts.filter((a) => a.clients)
  return {home: (entered.find((a) => a.id === caller) ?? entered[0])?.id, accounts}
}

/** Resolves the scope, enters each account (concurrency.accounts at a time), plans each; `reached` stays open for apply. */
export async function planScope(loaded: LoadedPlaybook, env: PlanEnv, valid: ValidStep[] = validateSteps(loaded), opts: {entered?: Reached[]} = {}): Promise<{plan: RunPlan; reached: Reached[]}> {
  const {playbook} = loaded
  const single = isSingleAccount(playbook, env.caller)
  const enabledSteps = valid.filter((v) => v.enabled)
  const enabled = enabledSteps.map((v) => v.action)
  // What each step's parameters need (a forensics step reading S3 needs the bucket), where it runs.
  const needed: Needs = (where) => grantsFor(enabledSteps, where)
  const simulateRequired = enabled.some((a) => a.permissions.includes(SIMULATE))
  // Single account: before any other call, a caller missing a permission learns it now (exit 3).
  const permissionCheck = single
    ? await checkCallerPermissions(env.clients, env.caller, needed, {file: loaded.file, simulateRequired, signal: env.signal})
    : {checked: false, detail: 'checked per account (see each account)'}
  const scope = single ? {accounts: [{id: env.caller.account}], skipped: []} : await resolveScope(playbook, env, env.signal)
  const access = accessOf(playbook)
  const reached =
    opts.entered ??
    (single
      ? [{account: scope.accounts[0], entered: {id: env.caller.account, clients: env.clients, identity: env.caller, access: 'caller' as const, close() {}}}]
      : await enterAll(scope.accounts, {clients: env.clients, caller: env.caller, aws: env.aws ?? {}}, access, {runId: env.runId, signal: env.signal, limit: playbook.concurrency.accounts}))
  const protect = [...playbook.guards.protect]
  const accessGuards = single ? [] : accessProtect(access)
  const run = single ? undefined : runScope(reached, scope.skipped, env.caller.account)
  const ctxOf = new Map(reached.flatMap((r) => ('entered' in r ? [[r.account.id, accountCtx(r.entered, env.caller)] as const] : [])))
  const runFiles = single ? undefined : {accounts: scope.accounts.map((a) => a.id), file: loaded.file}
  const perAccount: AccountPlanned[] = await mapPool(reached, playbook.concurrency.accounts, (r) =>
    'unreachable' in r
      ? Promise.resolve({account: r.account, unreachable: r.unreachable})
      : planAccount(loaded, env, valid, {account: ctxOf.get(r.account.id)!, protect, accessGuards, needed, simulateRequired, single, run, scope: runFiles}).then(
          (p) => ({account: r.account, ...p}),
          (error: unknown) => {
            // One account failing never stops the others: its plan is its reason (a denied read, a missing permission).
            if (single || !(error instanceof PreflightError || (error as {$metadata?: unknown})?.$metadata)) throw error
            return {account: r.account, unreachable: `planning failed: ${awsErrorText(error)}`}
          },
        ),
  )
  if (!single) await followAcross(perAccount, valid, (account, chainFrom) => planAccount(loaded, env, valid, {account: ctxOf.get(account)!, protect, accessGuards, needed, simulateRequired, single, run, scope: runFiles, chainFrom}))
  const accounts: Record<string, AccountPlan> = {}
  for (const p of perAccount) {
    const base = {id: p.account.id, ...(p.account.name ? {name: p.account.name} : {}), ...(p.account.ou ? {ou: p.account.ou} : {})}
    if ('unreachable' in p) accounts[p.account.id] = {...base, status: 'unreachable', reason: p.unreachable, steps: [], principals: 0}
    else accounts[p.account.id] = {...base, ...p.plan}
  }
  const planned = Object.values(accounts).filter((a) => a.status === 'planned')
  if (!single && planned.length === 0 && scope.accounts.length) {
    // Nothing can be touched: a preflight failure (exit 3), like credentials for the wrong account.
    closeReached(reached)
    const why = Object.values(accounts).map((a) => `${a.id}: ${a.reason}`)
    throw new PreflightError(`the credentials are for account ${env.caller.account}, and no account the playbook names could be entered (${why.join('; ')}); nothing was changed`, {
      next: `pass --profile for the right account (check with: aws sts get-caller-identity), or deploy the access role '${access.role}' (lockdown permissions ${loaded.file} --format stackset)`,
      detail: {accounts},
    })
  }
  for (const s of scope.skipped) accounts[s.account] = {id: s.account, ...(s.name ? {name: s.name} : {}), status: 'skipped', reason: s.reason, steps: [], principals: 0}
  const order = [...scope.accounts.map((a) => a.id), ...scope.skipped.map((s) => s.account)]
  const steps = mergeSteps(valid, order.map((id) => accounts[id]), single)
  shieldProtected(steps)
  judgeResidual(steps, new Map(steps.map((s, i) => [s, {contains: valid[i].action.contains, residual: perAccount.flatMap((p) => ('residual' in p ? (p.residual[i] ?? []) : []))}])))
  const principals = new Set(steps.filter((s) => !s.readOnly).flatMap((s) => s.changes.map((c) => c.principal)))
  try {
    checkMaxTargets(principals, playbook.guards.maxTargets)
    if (playbook.guards.maxTargetsPerAccount) for (const a of Object.values(accounts)) checkMaxTargetsPerAccount(a, playbook.guards.maxTargetsPerAccount)
  } catch (error) {
    closeReached(reached)
    throw error
  }
  const plan: RunPlan = {
    playbook: {file: loaded.file, name: playbook.name, sha256: loaded.sha256, incident: playbook.incident},
    caller: env.caller,
    steps,
    accounts,
    accountOrder: order,
    ...(scope.organization ? {organization: scope.organization} : {}),
    guards: {
      maxTargets: playbook.guards.maxTargets,
      ...(playbook.guards.maxTargetsPerAccount ? {maxTargetsPerAccount: playbook.guards.maxTargetsPerAccount} : {}),
      principals: principals.size,
      protect: [...protect, ...accessGuards.map((g) => g.pattern)],
    },
    permissions: permissionsFor(valid),
    permissionCheck: single ? permissionCheck : {checked: Object.values(accounts).some((a) => a.permissionCheck?.checked), detail: permissionCheck.detail},
  }
  return {plan, reached}
}

/** Plans every step in one account; the guards apply here, with this account's caller and protections. */
export async function planAccount(
  loaded: LoadedPlaybook,
  env: PlanEnv,
  valid: ValidStep[],
  x: {
    account: AccountCtx
    protect: string[]
    accessGuards: {pattern: string; reason: string}[]
    needed: Needs
    simulateRequired: boolean
    single: boolean
    /** A run over several accounts: where `scope: 'run'` steps are planned, and every account of the scope. */
    run?: {home?: string; accounts: RunAccount[]}
    /** The run's accounts and playbook (residual notes name an account outside the run). */
    scope?: {accounts: string[]; file: string}
    /** Per step id: the roles the step selects in other accounts (followChains across accounts). */
    chainFrom?: Map<string, {arn: string; name: string; via: string[]}[]>
  },
): Promise<{plan: Omit<AccountPlan, 'id' | 'name' | 'ou'>; residual: Residual[][]}> {
  const {playbook} = loaded
  const {account} = x
  // In a member account lockdown is the access role's session: its permissions are checked there, beside
  // the plan's reads (they write nothing), not before them: one round trip less per account. A missing
  // permission still wins over the read it made fail: the plan then names every permission missing.
  const checking = x.single
    ? undefined
    : checkCallerPermissions(account.clients, account.caller, (where) => x.needed({...where, member: account.id !== env.caller.account}), {file: loaded.file, simulateRequired: x.simulateRequired, signal: env.signal}).then(
        (check) => ({check}),
        (error: unknown) => ({error}),
      )
  const checked = async () => {
    const c = await checking
    if (c && 'error' in c) throw c.error
    return c?.check
  }
  const steps: AccountPlan['steps'] = []
  const residual: Residual[][] = []
  try {
    await planSteps()
  } catch (error) {
    await checked()
    throw error
  }
  const permissionCheck = await checked()
  async function planSteps(): Promise<void> {
    for (const v of valid) {
      if (!v.enabled) {
        steps.push({id: v.step.id, changes: [], skipped: [], notes: [], warnings: []})
        residual.push([])
        continue
      }
      const runWide = v.action.scope === 'run' && x.run
      // A run-wide step (forensics over every account) is planned once, in its home account.
      if (runWide && account.id !== x.run!.home) {
        steps.push({id: v.step.id, changes: [], skipped: [], notes: [], warnings: []})
        residual.push([])
        continue
      }
      const stepContext = stepCtx(env, {incident: playbook.incident, protect: x.protect}, {id: v.step.id, allowSelf: v.step.allowSelf}, account)
      const across = {...(x.scope ? {scope: x.scope} : {}), ...(x.chainFrom?.get(v.step.id)?.length ? {chainFrom: x.chainFrom.get(v.step.id)} : {})}
      const protects = [...x.accessGuards.map((g) => ({arn: g.pattern, reason: g.reason})), ...steps.flatMap((s) => s.protects ?? [])]
      const known = protects.length ? {protects} : {}
      const ctx = runWide ? {...stepContext, ...across, ...known, accounts: x.run!.accounts} : {...stepContext, ...across, ...known}
      const planned = await v.action.plan(v.params, ctx)
      const shielded = shieldAccess(planned.changes, x.accessGuards)
      const {kept, skipped, self} = excludeGuarded(shielded.kept, {caller: account.caller, protect: x.protect, allowSelf: v.step.allowSelf})
      steps.push({
        id: v.step.id,
        changes: kept.map((c) => ({...c, account: account.id})),
        skipped: [...planned.skipped, ...shielded.skipped, ...skipped],
        notes: planned.notes,
        warnings: [...(planned.warnings ?? []), ...self.map((c) => selfWarning(c, account.caller))],
        ...(planned.protects ? {protects: planned.protects} : {}),
      })
      residual.push(planned.residual ?? [])
    }
  }
  const principals = new Set(steps.flatMap((s, i) => (valid[i].action.readOnly ? [] : s.changes.map((c) => c.principal)))).size
  return {
    plan: {status: 'planned', access: account.access, as: account.caller.arn, ...(permissionCheck ? {permissionCheck} : {}), steps, principals},
    residual,
  }
}

/** lockdown's own way into the accounts is never a target: shown as skipped with the reason. */
function shieldAccess(changes: Change[], guards: {pattern: string; reason: string}[]): {kept: Change[]; skipped: Skipped[]} {
  const kept: Change[] = []
  const skipped: Skipped[] = []
  for (const c of changes) {
    const g = guards.find((x) => globMatch(x.pattern, c.principal) || globMatch(x.pattern, c.target))
    if (g) skipped.push({target: c.target, reason: g.reason})
    else kept.push(c)
  }
  return {kept, skipped}
}

/** One step across accounts: its changes in account order; notes and skips say which account when there are several. */
function mergeSteps(valid: ValidStep[], accounts: AccountPlan[], single: boolean): PlannedStep[] {
  return valid.map((v, i) => {
    const stopOnError = v.step.stopOnError || v.step.continueOnError === false
    const base = {id: v.step.id, action: v.action.name, dependsOn: v.step.dependsOn, stopOnError, readOnly: Boolean(v.action.readOnly)}
    if (!v.enabled) return {...base, disabled: `when: ${String(v.step.when)}`, changes: [], skipped: [], notes: [], warnings: []}
    const parts = accounts.filter((a) => a.status === 'planned').map((a) => ({a, s: a.steps[i]}))
    const tag = (a: AccountPlan, text: string) => (single ? text : `account ${a.id}: ${text}`)
    return {
      ...base,
      changes: parts.flatMap(({s}) => s.changes),
      skipped: parts.flatMap(({a, s}) => s.skipped.map((k) => (single ? k : {...k, account: a.id}))),
      notes: parts.flatMap(({a, s}) => s.notes.map((n) => tag(a, n))),
      warnings: parts.flatMap(({a, s}) => s.warnings.map((w) => tag(a, w))),
      protects: parts.flatMap(({s}) => s.protects ?? []),
    }
  })
}

/** `lockdown plan FILE`: load, validate, resolve the caller, plan. Nothing is written anywhere. */
export async function planFile(opts: {file: string; set?: Record<string, VarValue>; reportsDir?: string; aws: AwsOptions; signal?: AbortSignal}): Promise<RunPlan> {
  const {loaded, steps: valid} = await loadAndValidate(opts.file, opts.set, undefined, {reportsDir: opts.reportsDir})
  const session = await openSession({aws: opts.aws, runId: 'plan', signal: opts.signal})
  try {
    return await planRun(loaded, session, valid)
  } finally {
    session.close()
  }
}
