// `lockdown undo RUN`: revert, newest first, every change of a run that may have reached AWS (applied,
// or journaled as intent when the process died mid-call), each restoring its recorded `before`.
// Undo is itself journaled, so an interrupted undo can simply be run again.
import {findAction} from '../actions/index.js'
import type {AwsOptions} from '../aws/clients.js'
import {InvalidInputError, UndoError} from '../errors.js'
import {errorText} from './apply.js'
import {JournalWriter, journalPath, readJournal} from './journal.js'
import {stepCtx} from './plan.js'
import {foldJournal, touchedChanges} from './run-state.js'
import {openSession} from './session.js'

export interface UndoResult {
  runId: string
  journal: string
  undone: {step: string; target: string}[]
  failed: {step: string; target: string; error: string}[]
  /** Changes whose action has no undo (read-only steps). */
  notUndoable: {step: string; target: string}[]
}

export async function undoRun(runId: string, opts: {journalDir: string; aws: AwsOptions; signal?: AbortSignal}): Promise<UndoResult> {
  const state = foldJournal(readJournal(opts.journalDir, runId))
  const todo = touchedChanges(state).filter((c) => c.undo !== 'undone').reverse()
  const result: UndoResult = {runId, journal: journalPath(opts.journalDir, runId), undone: [], failed: [], notUndoable: []}
  if (todo.length === 0 && state.status === 'undone') {
    throw new InvalidInputError(`run ${runId} is already undone`, [], {next: 'lockdown runs'})
  }
  const session = await openSession({aws: opts.aws, runId, signal: opts.signal})
  const {writer} = JournalWriter.reopen(opts.journalDir, runId)
  try {
    for (const rec of todo) {
      const step = state.steps.find((s) => s.id === rec.step)!
      const change = step.changes[rec.index]
      const action = findAction(step.action)
      if (!action?.undo) {
        result.notUndoable.push({step: rec.step, target: change.target})
        continue
      }
      const ctx = stepCtx(session, {incident: state.run.incident, protect: []}, {id: step.id, allowSelf: true})
      writer.append({type: 'undo-intent', step: rec.step, index: rec.index})
      try {
        await action.undo({...change, appliedAt: rec.at ?? state.run.startedAt, result: rec.result}, ctx)
        writer.append({type: 'undone', step: rec.step, index: rec.index, at: new Date().toISOString()})
        result.undone.push({step: rec.step, target: change.target})
      } catch (error) {
        writer.append({type: 'undo-failed', step: rec.step, index: rec.index, at: new Date().toISOString(), error: errorText(error)})
        result.failed.push({step: rec.step, target: change.target, error: errorText(error)})
      }
    }
    writer.append({type: 'undo-end', status: result.failed.length ? 'undo-failed' : 'undone', at: new Date().toISOString()})
  } finally {
    writer.close()
    session.close()
  }
  if (result.failed.length) {
    throw new UndoError(
      `undo of run ${runId} failed for ${result.failed.length} change(s):\n` + result.failed.map((f) => `  ${f.step}: ${f.target}: ${f.error}`).join('\n'),
      {next: `fix the cause (permissions? a change made by hand since?), then run again: lockdown undo ${runId}`, detail: result},
    )
  }
  return result
}
