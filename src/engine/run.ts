// `lockdown run`: plan -> guards -> confirm -> journal -> apply -> verify -> summary (over several accounts
// the whole plan comes first, then each account is verified as soon as it is applied); and --resume, which
// finishes the journaled plan of an interrupted run without applying anything twice.
import type {VarValue} from '../playbook/vars.js'
import {findAction} from '../actions/index.js'
import type {AccountCtx, AnyAction, Applied, Check} from '../actions/types.js'
import type {AwsOptions} from '../aws/clients.js'
import {InterruptedError, InvalidInputError, PartialApplyError, PreflightError, VerificationError} from '../errors.js'
import type {LoadedPlaybook} from '../playbook/load.js'
import {VERSION} from '../version.js'
import {accessOf, type Reached} from './accounts.js'
import {applySteps, type ApplyOutcome, type Failure} from './apply.js'
import {JournalWriter, journalPath, readJournal, type JournalAccount, type JournalStepPlan, type RunStatus} from './journal.js'
import {checkSelfLockout} from './guards.js'
import {buildLedger, ledgerLines, unfinished, type LedgerEntry} from './ledger.js'
import {accountCtx, closeReached, planScope, stepCtx, type RunPlan} from './plan.js'
import {enterForResume} from './resume-accounts.js'
import {newRunId} from './run-id.js'
import {accountOfChange, changeKey, foldJournal, type RunState} from './run-state.js'
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
  /** --resume --accounts: work only these accounts of the run (the others are left as they are). */
  accounts?: string[]
}

export interface RunCommands {
  /** Finishes this run: the typed command with --resume RUN --yes (and --accounts, only the unfinished ones). */
  resume(runId: string, accounts?: string[]): string
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
  /** Every account of the scope in one known state: contained, partly applied, unreachable, skipped, verification failed. */
  accounts: LedgerEntry[]
}

export interface AppliedChange {
  step: string
  account: string
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
  let reached: Reached[] = []
  try {
    const planned = await planScope(loaded, session, valid)
    reached = planned.reached
    const plan = planned.plan
    opts.showPlan?.(plan)
    checkSelfLockout(plan.steps, session.caller, opts.lockMyselfOut ?? false)
    const empty = {failures: [], notRun: [], checks: [], plan, notes: [], changes: [], accounts: [], applied: 0, alreadyApplied: 0}
    if (opts.skipEmpty && plan.steps.every((s) => s.disabled || s.changes.length === 0)) return {...empty, runId: '', journal: '', status: 'nothing'}
    if (opts.confirm && !(await opts.confirm(plan))) return {...empty, runId, journal: '', status: 'cancelled'}
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
    const accounts: JournalAccount[] = plan.accountOrder.map((id) => {
      const a = plan.accounts[id]
      return {id, ...(a.name ? {name: a.name} : {}), status: a.status, ...(a.reason ? {reason: a.reason} : {}), ...(a.access ? {access: a.access} : {})}
    })
    journal.append({
      type: 'run',
      runId,
      version: VERSION,
      format: 2,
      playbook: {file: loaded.file, name: loaded.playbook.name, sha256: loaded.sha256},
      incident: loaded.playbook.incident,
      caller: {account: session.caller.account, arn: session.caller.arn},
      access: accessOf(loaded.playbook),
      startedAt: new Date().toISOString(),
      set: opts.set ?? {},
    })
    journal.append({type: 'plan', steps, accounts})
    const ctxs = new Map(reached.flatMap((r) => ('entered' in r ? [[r.account.id, accountCtx(r.entered, session.caller)] as const] : [])))
    try {
      return await execute({loaded, session, journal, steps, accounts, ctxs, unreachableNow: new Map(), done: new Map(), opts, plan, notes, accountOf: (c) => c.account ?? session.caller.account})
    } finally {
      journal.close()
      lock.release()
    }
  } finally {
    closeReached(reached)
    session.close()
  }
}

export async function resumeRun(runId: string, opts: RunOptions): Promise<RunResult> {
  const {loaded, steps: valid} = await loadAndValidate(opts.file, opts.set, opts.text, {reportsDir: opts.reportsDir})
  let state = foldJournal(readJournal(opts.journalDir, runId))
  if (state.run.playbook.sha256 !== loaded.sha256) {
    throw new InvalidInputError(`${opts.file} changed since run ${runId} started; --resume applies the journaled plan of the original file`, [], {
      next: `restore the original playbook, or start a new run: lockdown run ${opts.file}`,
    })
  }
  if (state.status === 'undone' || state.status === 'undo-failed') {
    throw new InvalidInputError(`run ${runId} was undone; it cannot be resumed`, [], {next: `start a new run: lockdown run ${opts.file}`})
  }
  const unknown = (opts.accounts ?? []).filter((id) => !state.accounts.some((a) => a.id === id))
  if (unknown.length) {
    throw new InvalidInputError(`--accounts ${unknown.join(',')}: not an account of run ${runId} (its accounts: ${state.accounts.map((a) => a.id).join(', ')})`, [], {
      next: `lockdown runs   # then: lockdown run ${opts.file} --resume ${runId} --yes`,
    })
  }
  const session = await openSession({aws: opts.aws, runId, signal: opts.signal})
  let reached: Reached[] = []
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
        // Each account re-entered through the run's own access path; one the plan could not reach is planned now.
        const entered = await enterForResume({state, loaded, valid, session, aws: opts.aws, journal, only: opts.accounts})
        reached = entered.reached
        if (entered.replanned) state = foldJournal(readJournal(opts.journalDir, runId))
        const ctxs = new Map(reached.flatMap((r) => ('entered' in r ? [[r.account.id, accountCtx(r.entered, session.caller)] as const] : [])))
        const done = await alreadyApplied(state, session, loaded, journal, ctxs)
        return await execute({loaded, session, journal, steps: state.steps, accounts: state.accounts, ctxs, unreachableNow: entered.unreachable, done, opts, notes, accountOf: accountOfChange(state), only: opts.accounts})
      } finally {
        journal.close()
      }
    } finally {
      lock.release()
    }
  } finally {
    closeReached(reached)
    session.close()
  }
}

/**
 * Changes --resume must not send again: journaled as applied, or an intent without outcome (killed
 * mid-call) that the account shows applied — the action reads it first, and the journal is told.
 */
async function alreadyApplied(state: RunState, session: EngineSession, loaded: LoadedPlaybook, journal: JournalWriter, ctxs: Map<string, AccountCtx>): Promise<Map<string, Applied>> {
  const done = new Map<string, Applied>()
  const runInfo = {incident: loaded.playbook.incident, protect: loaded.playbook.guards.protect}
  const accountOf = accountOfChange(state)
  for (const step of state.steps) {
    const action = findAction(step.action)!
    for (const [index, c] of step.changes.entries()) {
      const rec = state.changes.get(changeKey(step.id, index))!
      if (rec.state === 'applied') {
        done.set(changeKey(step.id, index), {...c, appliedAt: rec.at!, result: rec.result})
        continue
      }
      // Read in the change's own account, entered the way the run entered it; an account not reached now is left for later.
      const account = ctxs.get(accountOf(c))
      if (rec.state !== 'intent' || !action.inspect || !account) continue
      const ctx = stepCtx(session, runInfo, {id: step.id, allowSelf: true}, account)
      if ((await action.inspect({...c, appliedAt: state.run.startedAt}, ctx)) !== 'after') continue
      const at = new Date().toISOString()
      journal.append({type: 'applied', step: step.id, index, ...(state.format === 2 ? {account: account.id} : {}), at, found: true})
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
  /** The run's accounts as journaled, and the contexts of those reachable now. */
  accounts: JournalAccount[]
  ctxs: Map<string, AccountCtx>
  unreachableNow: Map<string, string>
  accountOf(c: JournalStepPlan['changes'][number]): string
  /** --resume --accounts: only these. */
  only?: string[]
  done: Map<string, Applied>
  opts: RunOptions
  plan?: RunPlan
  notes: string[]
}): Promise<RunResult> {
  const {loaded, session, journal, steps, done, opts} = x
  const runInfo = {incident: loaded.playbook.incident, protect: loaded.playbook.guards.protect}
  const allowSelf = new Map(loaded.playbook.steps.map((s) => [s.id, s.allowSelf]))
  const actionOf = (s: JournalStepPlan): AnyAction => findAction(s.action)!
  const multi = x.accounts.length > 1 || x.accounts.some((a) => a.id !== session.caller.account)
  // A run-wide step (forensics) reads every account of the run: those entered now, and why the others are not.
  const runAccounts = x.accounts.map((a) => {
    const c = x.ctxs.get(a.id)
    return {id: a.id, ...(a.name ? {name: a.name} : {}), ...(c ? {clients: c.clients} : {unreachable: x.unreachableNow.get(a.id) ?? a.reason ?? 'not entered'})}
  })
  const ctxFor = (s: JournalStepPlan, account: string) => {
    const ctx = stepCtx(session, runInfo, {id: s.id, allowSelf: allowSelf.get(s.id) ?? false}, x.ctxs.get(account)!)
    return multi && actionOf(s).scope === 'run' ? {...ctx, accounts: runAccounts} : ctx
  }
  const work = x.accounts.filter((a) => x.ctxs.has(a.id) && (!x.only || x.only.includes(a.id))).map((a) => a.id)
  const accountConcurrency = loaded.playbook.concurrency.accounts
  const verified = new Map<string, (Check & {account?: string})[]>()
  // Verify per account, as soon as that account's steps are done: its proofs (and its settle wait) overlap
  // the other accounts' throttled writes instead of waiting for the slowest account to finish applying.
  // An interrupted run verifies nothing more: it reports what applied and how to resume.
  const verifyAccount = async (account: string, outcome: ApplyOutcome) => {
    if (session.signal.aborted) return
    verified.set(
      account,
      await verifySteps({
        steps,
        actionOf,
        ctxFor: (s) => ctxFor(s, account),
        journal,
        concurrency: opts.concurrency ?? 8,
        ...(multi ? {account} : {}),
        applied: (s) =>
          s.changes.flatMap((c, i) => {
            if (x.accountOf(c) !== account) return []
            const a = outcome.applied.get(changeKey(s.id, i)) ?? done.get(changeKey(s.id, i))
            return a ? [a] : []
          }),
      }),
    )
  }
  const outcome = await applySteps({
    steps,
    actionOf,
    ctxFor,
    journal,
    concurrency: opts.concurrency ?? 8,
    accounts: work,
    accountConcurrency,
    accountOf: x.accountOf,
    done: new Set(done.keys()),
    quiet: opts.quiet ?? false,
    afterAccount: verifyAccount,
  })
  const fresh = outcome.applied.size
  for (const [k, a] of done) outcome.applied.set(k, a)
  if (session.signal.aborted) throw interrupted(opts, session.runId, outcome.applied.size, steps)
  // In the order of the run's accounts, whichever finished first.
  const checks = work.flatMap((account) => verified.get(account) ?? [])
  const ledger = buildLedger({
    accounts: x.accounts,
    steps,
    accountOf: x.accountOf,
    isApplied: (s, i) => outcome.applied.has(changeKey(s, i)),
    failures: outcome.failures,
    checks: multi ? checks : checks.map((c) => ({...c, account: session.caller.account})),
    unreachableNow: x.unreachableNow,
  })
  const failedChecks = checks.filter((c) => !c.ok)
  const notContained = unfinished(ledger)
  const status: RunStatus = outcome.failures.length || notContained.length ? 'partial' : failedChecks.length ? 'verify-failed' : 'done'
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
      s.changes.flatMap((c, i) => {
        const a = outcome.applied.get(changeKey(s.id, i))
        return a ? [{step: s.id, account: x.accountOf(c), target: a.target, summary: a.summary, appliedAt: a.appliedAt, alreadyApplied: done.has(changeKey(s.id, i))}] : []
      }),
    ),
    accounts: ledger,
  }
  if (status === 'partial') {
    const resume = multi ? resumeCommand(opts, session.runId, notContained) : resumeCommand(opts, session.runId)
    const away = ledger.filter((e) => e.status === 'unreachable')
    throw new PartialApplyError(
      `${outcome.failures.length} change(s) failed, ${fresh} applied${done.size ? ` (+${done.size} before)` : ''}${away.length ? `, ${away.length} account(s) unreachable` : ''} (run ${session.runId}; journal ${result.journal})\n` +
        outcome.failures.map((f) => `  ${multi ? `${f.account}: ` : ''}${f.step}: ${f.target}: ${f.error}`).join('\n') +
        outcome.notRun.map((id) => `\n  ${id}: not run: ${outcome.notRunWhy[id]}`).join('') +
        (multi ? `\nAccounts:\n${ledgerLines(ledger).join('\n')}` : ''),
      {
        next: `${resume}   # ${multi ? `finish only the unfinished account(s): ${notContained.join(', ')}` : 'retry what failed'}   |   ${undoCommand(opts, session.runId)}   # revert what applied`,
        detail: result,
      },
    )
  }
  if (status === 'verify-failed') {
    throw new VerificationError(
      `applied, but ${failedChecks.length} check(s) show containment does not hold:\n` +
        failedChecks.map((c) => `  ${multi && c.account ? `${c.account}: ` : ''}${c.target}: ${c.name}: ${c.detail}`).join('\n') +
        (multi ? `\nAccounts:\n${ledgerLines(ledger).join('\n')}` : ''),
      {next: `investigate the targets above; ${undoCommand(opts, session.runId)} reverts the run`, detail: result},
    )
  }
  return result
}

function resumeCommand(opts: RunOptions, runId: string, accounts?: string[]): string {
  if (opts.commands) return opts.commands.resume(runId, accounts)
  const only = accounts?.length ? ` --accounts ${accounts.join(',')}` : ''
  return opts.text === undefined ? `lockdown run ${opts.file} --resume ${runId}${only} --yes` : (opts.retry ?? 'run the command again')
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
