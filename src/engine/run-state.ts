// Folds a journal into the state of each planned change. Undo, --resume and `lockdown runs` all read
// the run through this one function, so they agree on what happened.
import type {JournalLine, JournalStepPlan, RunStatus} from './journal.js'

export type ChangeState = 'pending' | 'intent' | 'applied' | 'failed'

export interface ChangeRecord {
  step: string
  index: number
  state: ChangeState
  /** Sequence of the first intent line: the order changes were attempted (undo runs it backwards). */
  intentSeq?: number
  at?: string
  result?: unknown
  error?: string
  /** AWS writes journaled inside the apply (sub-intents): a failed change with writes may have reached AWS. */
  writes: string[]
  /** The applied line was written by --resume after reading the account, not by the apply. */
  found?: boolean
  undo: 'none' | 'intent' | 'undone' | 'failed' | 'drift'
}

export interface RunState {
  run: Extract<JournalLine, {type: 'run'}>
  steps: JournalStepPlan[]
  changes: Map<string, ChangeRecord>
  status: RunStatus | 'interrupted'
  verified: Extract<JournalLine, {type: 'verified'}>[]
}

export const changeKey = (step: string, index: number) => `${step}#${index}`

export function foldJournal(lines: JournalLine[]): RunState {
  const run = lines.find((l): l is Extract<JournalLine, {type: 'run'}> => l.type === 'run')
  const plan = lines.find((l): l is Extract<JournalLine, {type: 'plan'}> => l.type === 'plan')
  if (!run || !plan) throw new Error('journal has no run or plan line')
  const changes = new Map<string, ChangeRecord>()
  for (const s of plan.steps) {
    s.changes.forEach((_, index) => changes.set(changeKey(s.id, index), {step: s.id, index, state: 'pending', writes: [], undo: 'none'}))
  }
  let status: RunState['status'] = 'interrupted'
  const verified: RunState['verified'] = []
  for (const l of lines) {
    const rec = 'index' in l ? changes.get(changeKey(l.step, l.index)) : undefined
    switch (l.type) {
      case 'intent':
        if (rec) {
          rec.intentSeq ??= l.seq
          if (rec.state !== 'applied') rec.state = 'intent'
        }
        break
      case 'applied':
        if (rec) Object.assign(rec, {state: 'applied', at: l.at, result: l.result, error: undefined, found: l.found})
        break
      case 'write':
        if (rec && !l.undo) rec.writes.push(l.op)
        break
      case 'undo-drift':
        if (rec && rec.undo !== 'undone') rec.undo = 'drift'
        break
      case 'failed':
        if (rec) Object.assign(rec, {state: 'failed', at: l.at, error: l.error})
        break
      case 'undo-intent':
        if (rec && rec.undo !== 'undone') rec.undo = 'intent'
        break
      case 'undone':
        if (rec) rec.undo = 'undone'
        break
      case 'undo-failed':
        if (rec) rec.undo = 'failed'
        break
      case 'verified':
        verified.push(l)
        break
      case 'resume':
        status = 'interrupted'
        break
      case 'end':
        status = l.status
        break
      case 'undo-end':
        status = l.status
        break
    }
  }
  return {run, steps: plan.steps, changes, status, verified}
}

/** True when the journal says the change may have reached AWS: applied, an intent with no outcome (killed mid-call), or failed after a write. */
export function mayHaveTouched(c: ChangeRecord): boolean {
  return c.state === 'applied' || c.state === 'intent' || (c.state === 'failed' && c.writes.length > 0)
}

/** Changes that may have reached AWS, in the order they were attempted. */
export function touchedChanges(state: RunState): ChangeRecord[] {
  return [...state.changes.values()].filter(mayHaveTouched).sort((a, b) => (a.intentSeq ?? 0) - (b.intentSeq ?? 0))
}

/**
 * Every planned change in the order undo takes them: the attempted ones newest first, then those the
 * journal never shows attempted (a truncated tail may have lost their lines: undo asks the account).
 */
export function undoOrder(state: RunState): ChangeRecord[] {
  const all = [...state.changes.values()]
  const attempted = all.filter((c) => c.intentSeq !== undefined).sort((a, b) => b.intentSeq! - a.intentSeq!)
  return [...attempted, ...all.filter((c) => c.intentSeq === undefined).reverse()]
}
