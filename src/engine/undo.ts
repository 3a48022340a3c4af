// `lockdown undo RUN`: revert, newest first, this run's part of every planned change — judged by the
// account, not only by the journal. Before any write: the credentials must be for the run's account,
// and every journaled change must pass its action's own check (a forged line is refused, exit 6). Then,
// per change, the action reads the account: `after`/`partial` (this run's mark is there, whatever the
// journal says — a truncated tail, a failed half-apply) → undo it; `before` → nothing to do; anything
// else → drift: listed with before/now/after and left alone unless --force. Undo is itself journaled,
// so an interrupted undo can simply be run again.
import {findAction} from '../actions/index.js'
import type {Ctx, Inspection} from '../actions/types.js'
import type {AwsOptions} from '../aws/clients.js'
import {InterruptedError, InvalidInputError, PreflightError, UndoError} from '../errors.js'
import {errorText} from './apply.js'
import {JournalWriter, journalPath, readJournal, type JournalLine} from './journal.js'
import {lockJournalDir} from './journal-lock.js'
import {DEFAULT_ACCESS} from '../aws/access.js'
import {enterAll, type Reached} from './accounts.js'
import {accountCtx, closeReached, stepCtx} from './plan.js'
import {accountOfChange, foldJournal, mayHaveTouched, undoOrder, type RunState} from './run-state.js'
import {openSession} from './session.js'

export interface UndoResult {
  runId: string
  journal: string
  undone: {step: string; target: string; note?: string}[]
  failed: {step: string; target: string; error: string}[]
  /** Changed since the run by someone or something else: left alone (unless --force). */
  drifted: {step: string; target: string; before: unknown; now: unknown; after: unknown}[]
  /** Changes the run may have touched that the account shows as the run found them. */
  alreadyAsBefore: {step: string; target: string}[]
  /** Changes whose action has no undo (read-only steps). */
  notUndoable: {step: string; target: string}[]
  notes: string[]
}

/**
 * `signal` (the command's SIGINT/SIGTERM) stops undo between changes: the call in flight is cancelled and
 * journaled as failed, no undo-end line is written, and the error names `again`, the command to run to
 * finish (undo judges every change by the account, so running it again reverts only what is left).
 */
export async function undoRun(runId: string, opts: {journalDir: string; aws: AwsOptions; force?: boolean; signal?: AbortSignal; again?: string}): Promise<UndoResult> {
  const path = journalPath(opts.journalDir, runId)
  const lines = readJournal(opts.journalDir, runId)
  const state = foldJournal(lines)
  const result: UndoResult = {runId, journal: path, undone: [], failed: [], drifted: [], alreadyAsBefore: [], notUndoable: [], notes: []}
  if (state.status === 'undone') throw new InvalidInputError(`run ${runId} is already undone`, [], {next: 'lockdown runs'})
  refuseForgedChanges(state, lines, path)
  const session = await openSession({aws: opts.aws, runId, signal: opts.signal})
  let interrupted = false
  try {
    // Before any other call: undoing with another account's credentials would judge the wrong account.
    if (session.caller.account !== state.run.caller.account) {
      throw new PreflightError(`run ${runId} was made in account ${state.run.caller.account}; these credentials are for account ${session.caller.account}`, {
        next: `use credentials for account ${state.run.caller.account} (--profile), then: lockdown undo ${runId}`,
      })
    }
    // Each account re-entered through the run's own access path (enterAccount checks it is that account).
    const accountOf = accountOfChange(state)
    const ids = [...new Set(undoOrder(state).map((rec) => accountOf(state.steps.find((s) => s.id === rec.step)!.changes[rec.index])))]
    const reached: Reached[] = await enterAll(ids.map((id) => ({id})), {clients: session.clients, caller: session.caller, aws: opts.aws}, state.run.access ?? DEFAULT_ACCESS, {
      runId,
      signal: session.signal,
      limit: 8,
    })
    const ctxs = new Map(reached.flatMap((r) => ('entered' in r ? [[r.account.id, accountCtx(r.entered, session.caller)] as const] : [])))
    const away = new Map(reached.flatMap((r) => ('unreachable' in r ? [[r.account.id, r.unreachable] as const] : [])))
    const lock = lockJournalDir(opts.journalDir, runId)
    if (lock.note) result.notes.push(lock.note)
    const {writer, tornCopy} = JournalWriter.reopen(opts.journalDir, runId)
    if (tornCopy) result.notes.push(`the journal's last line was torn (kill -9 mid-write): cut off, the whole file kept as ${tornCopy}`)
    try {
      for (const rec of undoOrder(state)) {
        if (session.signal.aborted) break
        if (rec.undo === 'undone') continue
        const step = state.steps.find((s) => s.id === rec.step)!
        const change = step.changes[rec.index]
        const action = findAction(step.action)!
        const touched = mayHaveTouched(rec)
        if (action.readOnly || !action.undo) {
          if (touched) result.notUndoable.push({step: rec.step, target: change.target})
          continue
        }
        const account = ctxs.get(accountOf(change))
        if (!account) {
          if (touched) result.failed.push({step: rec.step, target: change.target, error: `could not enter account ${accountOf(change)}: ${away.get(accountOf(change))}`})
          continue
        }
        const base = stepCtx(session, {incident: state.run.incident, protect: []}, {id: step.id, allowSelf: true}, account)
        const ctx: Ctx = {...base, intend: (op) => void writer.append({type: 'write', step: rec.step, index: rec.index, op, undo: true})}
        const applied = {...change, appliedAt: rec.at ?? state.run.startedAt, result: rec.result}
        let seen: Inspection
        try {
          // An action without inspect is judged by the journal alone.
          seen = action.inspect ? await action.inspect(applied, ctx) : touched ? 'after' : 'before'
        } catch (error) {
          result.failed.push({step: rec.step, target: change.target, error: `could not read the current state: ${errorText(error)}`})
          continue
        }
        if (seen === 'before') {
          if (touched) result.alreadyAsBefore.push({step: rec.step, target: change.target})
          continue
        }
        if (typeof seen === 'object') {
          // Not this run's state: a change the run never touched is simply not ours; one it touched has drifted.
          if (!touched) continue
          if (!opts.force) {
            writer.append({type: 'undo-drift', step: rec.step, index: rec.index, at: new Date().toISOString(), now: seen.drift})
            result.drifted.push({step: rec.step, target: change.target, before: change.before, now: seen.drift, after: change.after})
            continue
          }
        }
        writer.append({type: 'undo-intent', step: rec.step, index: rec.index})
        try {
          const note = (await action.undo(applied, ctx, {force: Boolean(opts.force)})) ?? undefined
          writer.append({type: 'undone', step: rec.step, index: rec.index, at: new Date().toISOString(), ...(note ? {note} : {})})
          result.undone.push({step: rec.step, target: change.target, ...(note ? {note} : {})})
        } catch (error) {
          writer.append({type: 'undo-failed', step: rec.step, index: rec.index, at: new Date().toISOString(), error: errorText(error)})
          result.failed.push({step: rec.step, target: change.target, error: errorText(error)})
        }
      }
      const clean = !result.failed.length && !result.drifted.length
      // Interrupted (before a change, or during one: its call was cancelled): not finished, no end line.
      interrupted = session.signal.aborted
      if (!interrupted) writer.append({type: 'undo-end', status: clean ? 'undone' : 'undo-failed', at: new Date().toISOString()})
    } finally {
      writer.close()
      lock.release()
      closeReached(reached)
    }
  } finally {
    session.close()
  }
  if (interrupted) {
    const again = opts.again ?? `lockdown undo ${runId} --yes`
    throw new InterruptedError(`undo of run ${runId} interrupted after ${result.undone.length} change(s) reverted; finish it: ${again}`, {next: again, detail: result})
  }
  if (result.failed.length || result.drifted.length) throw undoFailure(runId, result)
  return result
}

function undoFailure(runId: string, result: UndoResult): UndoError {
  const lines = [
    ...result.failed.map((f) => `  failed   ${f.step}: ${f.target}: ${f.error}`),
    ...result.drifted.map((d) => `  drifted  ${d.step}: ${d.target}\n    before: ${JSON.stringify(d.before)}\n    now:    ${JSON.stringify(d.now)}\n    after:  ${JSON.stringify(d.after)}`),
  ]
  const what = [result.failed.length && `${result.failed.length} failed`, result.drifted.length && `${result.drifted.length} changed since the run by someone else (left alone)`].filter(Boolean).join(', ')
  return new UndoError(`undo of run ${runId}: ${result.undone.length} change(s) reverted, ${what}:\n${lines.join('\n')}`, {
    next: result.drifted.length
      ? `look at the drifted targets; to overwrite them with the run's before-state: lockdown undo ${runId} --force`
      : `fix the cause (permissions? a change made by hand since?), then run again: lockdown undo ${runId}`,
    detail: result,
  })
}

/**
 * Every journaled change must be one its action could have planned (its own schema for before/data and
 * target): the hash chain has no secret, so a re-chained forgery passes it. Refused before any call.
 */
function refuseForgedChanges(state: RunState, lines: JournalLine[], path: string): void {
  const planLine = lines.findIndex((l) => l.type === 'plan') + 1
  const problems: string[] = []
  for (const step of state.steps) {
    const action = findAction(step.action)
    if (!action) {
      problems.push(`${path}:${planLine}: step '${step.id}': unknown action '${step.action}'`)
      continue
    }
    step.changes.forEach((c, i) => {
      const issue = action.checkJournal?.(c)
      if (issue) problems.push(`${path}:${planLine}: step '${step.id}' change ${i} (${c.target}): ${issue}`)
    })
  }
  if (problems.length) {
    throw new UndoError(`refusing to undo: the journal holds change(s) lockdown could not have planned (edited?):\n  ${problems.join('\n  ')}`, {
      next: 'inspect the journal and the account by hand; lockdown will not act on these lines',
      detail: {problems},
    })
  }
}
