// Plan every step (read-only), then apply the guards. What the plan holds is exactly what apply may do:
// the run journals this plan and apply takes only its changes.
import type {VarValue} from '../playbook/vars.js'
import type {Caller, Change, Containment, Ctx, Residual, Skipped} from '../actions/types.js'
import type {AwsOptions, Clients} from '../aws/clients.js'
import type {LoadedPlaybook} from '../playbook/load.js'
import {checkAccount, checkMaxTargets, excludeGuarded, selfWarning} from './guards.js'
import {permissionsFor} from './permissions.js'
import {checkCallerPermissions, SIMULATE, type PermissionCheck} from './preflight.js'
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
  steps: PlannedStep[]
  guards: {maxTargets: number; principals: number; protect: string[]}
  permissions: string[]
  /** Whether the caller was proven to hold `permissions` before any write, or why it could not be. */
  permissionCheck: PermissionCheck
}

export interface PlanEnv {
  clients: Clients
  caller: Caller
  runId: string
  signal: AbortSignal
  now(): Date
  log(message: string): void
}

export function stepCtx(env: PlanEnv, run: {incident?: string; protect: string[]}, step: {id: string; allowSelf: boolean}): Ctx {
  return {
    clients: env.clients,
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

export async function planRun(loaded: LoadedPlaybook, env: PlanEnv, valid: ValidStep[] = validateSteps(loaded)): Promise<RunPlan> {
  const {playbook} = loaded
  checkAccount(playbook, env.caller)
  // Before any other call: a caller missing a permission learns it now, not half-way through the run.
  const enabled = valid.filter((v) => v.enabled).map((v) => v.action)
  const permissionCheck = await checkCallerPermissions(env.clients, env.caller, permissionsFor(enabled), {
    file: loaded.file,
    simulateRequired: enabled.some((a) => a.permissions.includes(SIMULATE)),
    signal: env.signal,
  })
  const steps: PlannedStep[] = []
  const residuals = new Map<PlannedStep, {contains?: Containment; residual: Residual[]}>()
  for (const v of valid) {
    const stopOnError = v.step.stopOnError || v.step.continueOnError === false
    const base = {id: v.step.id, action: v.action.name, dependsOn: v.step.dependsOn, stopOnError, readOnly: Boolean(v.action.readOnly)}
    if (!v.enabled) {
      steps.push({...base, disabled: `when: ${String(v.step.when)}`, changes: [], skipped: [], notes: [], warnings: []})
      continue
    }
    const ctx = stepCtx(env, {incident: playbook.incident, protect: playbook.guards.protect}, {id: v.step.id, allowSelf: v.step.allowSelf})
    const planned = await v.action.plan(v.params, ctx)
    const {kept, skipped, self} = excludeGuarded(planned.changes, {caller: env.caller, protect: playbook.guards.protect, allowSelf: v.step.allowSelf})
    const step: PlannedStep = {...base, changes: kept, skipped: [...planned.skipped, ...skipped], notes: planned.notes, warnings: [...(planned.warnings ?? []), ...self.map((c) => selfWarning(c, env.caller))], protects: planned.protects}
    steps.push(step)
    residuals.set(step, {contains: v.action.contains, residual: planned.residual ?? []})
  }
  shieldProtected(steps)
  judgeResidual(steps, residuals)
  const principals = new Set(steps.filter((s) => !s.readOnly).flatMap((s) => s.changes.map((c) => c.principal)))
  checkMaxTargets(principals, playbook.guards.maxTargets)
  return {
    playbook: {file: loaded.file, name: playbook.name, sha256: loaded.sha256, incident: playbook.incident},
    caller: env.caller,
    steps,
    guards: {maxTargets: playbook.guards.maxTargets, principals: principals.size, protect: playbook.guards.protect},
    permissions: permissionsFor(valid.map((v) => v.action)),
    permissionCheck,
  }
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
