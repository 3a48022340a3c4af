// `lockdown run`: plan -> guards -> confirm -> journal -> apply -> verify -> summary; and --resume, which
// finishes the journaled plan of an interrupted run without applying anything twice.
import type {VarValue} from '../playbook/vars.js'
import {findAction} from '../actions/index.js'
import type {AnyAction, Applied, Check} from '../actions/types.js'
import type {AwsOptions} from '../aws/clients.js'
import {InterruptedError, InvalidInputError, PartialApplyError, PreflightError, VerificationError} from '../errors.js'
import type {LoadedPlaybook} from '../playbook/load.js'
import {VERSION} from '../version.js'
import {applySteps, type Failure} from './apply.js'
import {JournalWriter, journalPath, readJournal, type JournalStepPlan, type RunStatus} from './journal.js'
import {checkSelfLockout} from './guards.js'
import {planRun, stepCtx, type RunPlan} from './plan.js'
import {newRunId} from './run-id.js'
import {changeKey, foldJournal, type RunState} from './run-state.js'
import {lockJournalDir} from './journal-lock.js'
import {openSession, type EngineSession} from './session.js'
import {loadAndValidate} from './validate.js'
import {verifySteps} from './verify.js'

export interface RunOptions {
  file: string
  /** A playbook built in memory (breakglass commands); `file` then only names it. */
  text?: string
  /** The command that retries this run, for messages (default: lockdown run FILE). */
  retry?: string
  set?: Record<string, VarValue>
  /** Where report: paths may write besides the working directory (--reports-dir). */
  reportsDir?: string
  journalDir: string
  aws: AwsOptions
  concurrency?: number
  /** `--yes-i-will-lock-myself-out`: apply changes to the caller's own principal (allowSelf: true). */
  lockMyselfOut?: boolean
  /** Asked after the plan is shown; absent means the caller already confirmed (--yes). */
  confirm?: (plan: RunPlan) => Promise<boolean>
  /** Print the plan before confirming (human mode). */
  showPlan?: (plan: RunPlan) => void
  /** A plan with no change writes no run at all (status 'nothing'): a scheduled `breakglass expire` every 5 minutes must not journal 288 empty runs a day. */
  skipEmpty?: boolean
  quiet?: boolean
  /** Aborted by the command on SIGINT/SIGTERM: no new change starts, the run ends with exit 130. */
  signal?: AbortSignal
  /** The commands a person runs next, rebuilt by the CLI from what they typed (flags included). */
  commands?: RunCommands
}

export interface RunCommands {
  /** Finishes this run: the typed command with --resume RUN --yes. */
  resume(runId: string): string
  undo(runId: string): string
}

export interface RunResult {
  runId: string
  journal: string
  status: RunStatus | 'cancelled' | 'nothing'
  /** Changes applied by this invocation. */
  applied: number
  /** --resume: changes already applied before (journaled, or found applied in the account). */
  alreadyApplied: number
  failures: Failure[]
  notRun: string[]
  checks: Check[]
  /** The plan shown before applying (absent on --resume, which applies the journaled plan). */
  plan?: RunPlan
  /** Things the engine did that a person should know (a stale journal lock taken over, a torn line cut). */
  notes: string[]
  /** Every applied change with its time, in plan order: the record a CI log keeps. */
  changes: AppliedChange[]
}

export interface AppliedChange {
  step: string
  target: string
  summary: string
  appliedAt: string
  /** Applied by the run before this --resume, not again now. */
  alreadyApplied: boolean
}

export async function runPlaybook(opts: RunOptions): Promise<RunResult> {
  const {loaded, steps: valid} = await loadAndValidate(opts.file, opts.set, opts.text, {reportsDir: opts.reportsDir})
  const runId = newRunId()
  const session = await openSession({aws: opts.aws, runId, signal: opts.signal})
  try {
    const plan = await planRun(loaded, session, valid)
    opts.showPlan?.(plan)
    checkSelfLockout(plan.steps, session.caller, opts.lockMyselfOut ?? false)
    if (opts.skipEmpty && plan.steps.every((s) => s.disabled || s.changes.length === 0)) {
      return {runId: '', journal: '', status: 'nothing', applied: 0, alreadyApplied: 0, failures: [], notRun: [], checks: [], plan, notes: [], changes: []}
    }
    if (opts.confirm && !(await opts.confirm(plan))) {
      return {runId, journal: '', status: 'cancelled', applied: 0, alreadyApplied: 0, failures: [], notRun: [], checks: [], plan, notes: [], changes: []}
    }
    const lock = lockJournalDir(opts.journalDir, runId)
    const notes = lock.note ? [lock.note] : []
    let journal: JournalWriter
    try {
      journal = JournalWriter.create(opts.journalDir, runId)
    } catch (error) {
      lock.release()
      throw error
    }
    const steps: JournalStepPlan[] = plan.steps
      .filter((s) => !s.disabled)
      .map(({id, action, dependsOn, stopOnError, changes, skipped, notes}) => ({id, action, continueOnError: !stopOnError, dependsOn, stopOnError, changes, skipped, notes}))
    journal.append({
      type: 'run',
      runId,
      version: VERSION,
      playbook: {file: loaded.file, name: loaded.playbook.name, sha256: loaded.sha256},
      incident: loaded.playbook.incident,
      caller: {account: session.caller.account, arn: session.caller.arn},
      startedAt: new Date().toISOString(),
      set: opts.set ?? {},
    })
    journal.append({type: 'plan', steps})
    try {
      return await execute({loaded, session, journal, steps, done: new Map(), opts, plan, notes})
    } finally {
      journal.close()
      lock.release()
    }
  } finally {
    session.close()
  }
}

export async function resumeRun(runId: string, opts: RunOptions): Promise<RunResult> {
  const {loaded} = await loadAndValidate(opts.file, opts.set, opts.text, {reportsDir: opts.reportsDir})
  const state = foldJournal(readJournal(opts.journalDir, runId))
  if (state.run.playbook.sha256 !== loaded.sha256) {
    throw new InvalidInputError(`${opts.file} changed since run ${runId} started; --resume applies the journaled plan of the original file`, [], {
      next: `restore the original playbook, or start a new run: lockdown run ${opts.file}`,
    })
  }
  if (state.status === 'undone' || state.status === 'undo-failed') {
    throw new InvalidInputError(`run ${runId} was undone; it cannot be resumed`, [], {next: `start a new run: lockdown run ${opts.file}`})
  }
  const session = await openSession({aws: opts.aws, runId, signal: opts.signal})
  try {
    if (session.caller.account !== state.run.caller.account) {
      throw new PreflightError(`run ${runId} was made in account ${state.run.caller.account}; these credentials are for ${session.caller.account}`, {
        next: 'pass --profile for the account of the original run',
      })
    }
    const lock = lockJournalDir(opts.journalDir, runId)
    const notes = lock.note ? [lock.note] : []
    try {
      const {writer: journal, tornCopy} = JournalWriter.reopen(opts.journalDir, runId)
      if (tornCopy) notes.push(`the journal's last line was torn (kill -9 mid-write): cut off, the whole file kept as ${tornCopy}`)
      try {
        journal.append({type: 'resume', at: new Date().toISOString()})
        const done = await alreadyApplied(state, session, loaded, journal)
        return await execute({loaded, session, journal, steps: state.steps, done, opts, notes})
      } finally {
        journal.close()
      }
    } finally {
      lock.release()
    }
  } finally {
    session.close()
  }
}

/**
 * Changes --resume must not send again: journaled as applied, or an intent without outcome (killed
 * mid-call) that the account shows applied — the action reads it first, and the journal is told.
 */
async function alreadyApplied(state: RunState, session: EngineSession, loaded: LoadedPlaybook, journal: JournalWriter): Promise<Map<string, Applied>> {
  const done = new Map<string, Applied>()
  const runInfo = {incident: loaded.playbook.incident, protect: loaded.playbook.guards.protect}
  for (const step of state.steps) {
    const action = findAction(step.action)!
    for (const [index, c] of step.changes.entries()) {
      const rec = state.changes.get(changeKey(step.id, index))!
      if (rec.state === 'applied') {
        done.set(changeKey(step.id, index), {...c, appliedAt: rec.at!, result: rec.result})
        continue
      }
      if (rec.state !== 'intent' || !action.inspect) continue
      const ctx = stepCtx(session, runInfo, {id: step.id, allowSelf: true})
      if ((await action.inspect({...c, appliedAt: state.run.startedAt}, ctx)) !== 'after') continue
      const at = new Date().toISOString()
      journal.append({type: 'applied', step: step.id, index, at, found: true})
      done.set(changeKey(step.id, index), {...c, appliedAt: at})
    }
  }
  return done
}

async function execute(x: {
  loaded: LoadedPlaybook
  session: EngineSession
  journal: JournalWriter
  steps: JournalStepPlan[]
  done: Map<string, Applied>
  opts: RunOptions
  plan?: RunPlan
  notes: string[]
}): Promise<RunResult> {
  const {loaded, session, journal, steps, done, opts} = x
  const runInfo = {incident: loaded.playbook.incident, protect: loaded.playbook.guards.protect}
  const allowSelf = new Map(loaded.playbook.steps.map((s) => [s.id, s.allowSelf]))
  const ctxFor = (s: JournalStepPlan) => stepCtx(session, runInfo, {id: s.id, allowSelf: allowSelf.get(s.id) ?? false})
  const actionOf = (s: JournalStepPlan): AnyAction => findAction(s.action)!
  const outcome = await applySteps({
    steps,
    actionOf,
    ctxFor,
    journal,
    concurrency: opts.concurrency ?? 8,
    done: new Set(done.keys()),
    quiet: opts.quiet ?? false,
  })
  const fresh = outcome.applied.size
  for (const [k, a] of done) outcome.applied.set(k, a)
  if (session.signal.aborted) throw interrupted(opts, session.runId, outcome.applied.size, steps)
  const checks = await verifySteps({
    steps,
    actionOf,
    ctxFor,
    journal,
    concurrency: opts.concurrency ?? 8,
    applied: (s) => s.changes.flatMap((_, i) => outcome.applied.get(changeKey(s.id, i)) ?? []),
  })
  const failedChecks = checks.filter((c) => !c.ok)
  const status: RunStatus = outcome.failures.length ? 'partial' : failedChecks.length ? 'verify-failed' : 'done'
  journal.append({type: 'end', status, at: new Date().toISOString()})
  const result: RunResult = {
    runId: session.runId,
    journal: journalPath(opts.journalDir, session.runId),
    status,
    applied: fresh,
    alreadyApplied: done.size,
    failures: outcome.failures,
    notRun: outcome.notRun,
    checks,
    plan: x.plan,
    notes: x.notes,
    changes: steps.flatMap((s) =>
      s.changes.flatMap((_, i) => {
        const a = outcome.applied.get(changeKey(s.id, i))
        return a ? [{step: s.id, target: a.target, summary: a.summary, appliedAt: a.appliedAt, alreadyApplied: done.has(changeKey(s.id, i))}] : []
      }),
    ),
  }
  if (status === 'partial') {
    throw new PartialApplyError(
      `${outcome.failures.length} change(s) failed, ${fresh} applied${done.size ? ` (+${done.size} before)` : ''} (run ${session.runId}; journal ${result.journal})\n` +
        outcome.failures.map((f) => `  ${f.step}: ${f.target}: ${f.error}`).join('\n') +
        outcome.notRun.map((id) => `\n  ${id}: not run: ${outcome.notRunWhy[id]}`).join(''),
      {
        next: `${resumeCommand(opts, session.runId)}   # retry what failed   |   ${undoCommand(opts, session.runId)}   # revert what applied`,
        detail: result,
      },
    )
  }
  if (status === 'verify-failed') {
    throw new VerificationError(
      `applied, but ${failedChecks.length} check(s) show containment does not hold:\n` + failedChecks.map((c) => `  ${c.target}: ${c.name}: ${c.detail}`).join('\n'),
      {next: `investigate the targets above; ${undoCommand(opts, session.runId)} reverts the run`, detail: result},
    )
  }
  return result
}

function resumeCommand(opts: RunOptions, runId: string): string {
  if (opts.commands) return opts.commands.resume(runId)
  return opts.text === undefined ? `lockdown run ${opts.file} --resume ${runId} --yes` : (opts.retry ?? 'run the command again')
}

function undoCommand(opts: RunOptions, runId: string): string {
  return opts.commands?.undo(runId) ?? `lockdown undo ${runId}`
}

/** The journal has an intent/applied (or failed) line for everything sent; no end line, so --resume finishes it. */
function interrupted(opts: RunOptions, runId: string, applied: number, steps: JournalStepPlan[]): InterruptedError {
  const total = steps.reduce((n, s) => n + s.changes.length, 0)
  const resume = resumeCommand(opts, runId)
  const undo = undoCommand(opts, runId)
  return new InterruptedError(`interrupted after ${applied}/${total} changes; resume: ${resume}; undo: ${undo}`, {
    next: `${resume}   # finish the run   |   ${undo}   # revert what applied`,
    detail: {runId, journal: journalPath(opts.journalDir, runId), applied, planned: total},
  })
}
