// Folds a journal into the state of each planned change. Undo, --resume and `lockdown runs` all read
// the run through this one function, so they agree on what happened.
import {UndoError} from '../errors.js'
import type {JournalAccount, JournalLine, JournalStepPlan, RunStatus} from './journal.js'

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
  /** 1: before organization scope (one account, the caller's); 2: each change names its account. */
  format: 1 | 2
  /** The run's accounts as planned (format 1: the caller's alone). */
  accounts: JournalAccount[]
  steps: JournalStepPlan[]
  changes: Map<string, ChangeRecord>
  status: RunStatus | 'interrupted'
  verified: Extract<JournalLine, {type: 'verified'}>[]
}

/**
 * A change's key: its step and its index in that step's run-wide list. The list spans every account (each
 * change names its account), so the key is unique across accounts; the journal's lines carry the account
 * too, and folding refuses a line whose account is not the planned one.
 */
export const changeKey = (step: string, index: number) => `${step}#${index}`

/** The account a journaled change is in: its own `account`, or (format 1) the run's caller account. */
export const accountOfChange = (state: Pick<RunState, 'run'>) => (c: {account?: string}) => c.account ?? state.run.caller.account

export function foldJournal(lines: JournalLine[]): RunState {
  const run = lines.find((l): l is Extract<JournalLine, {type: 'run'}> => l.type === 'run')
  const plan = lines.find((l): l is Extract<JournalLine, {type: 'plan'}> => l.type === 'plan')
  if (!run || !plan) throw new Error('journal has no run or plan line')
  const changes = new Map<string, ChangeRecord>()
  // A copy: account-plan lines extend the steps, and the plan line itself stays as it was read.
  const steps: JournalStepPlan[] = plan.steps.map((s) => ({...s, changes: [...s.changes], skipped: [...s.skipped], notes: [...s.notes]}))
  for (const s of steps) {
    s.changes.forEach((_, index) => changes.set(changeKey(s.id, index), {step: s.id, index, state: 'pending', writes: [], undo: 'none'}))
  }
  const accounts: JournalAccount[] = (plan.accounts ?? [{id: run.caller.account, status: 'planned', access: 'caller'}]).map((a) => ({...a}))
  const accountOf = accountOfChange({run})
  const planned = (l: {step: string; index: number; account?: string; seq: number}) => {
    const c = steps.find((s) => s.id === l.step)?.changes[l.index]
    if (c && l.account !== undefined && l.account !== accountOf(c)) {
      throw new UndoError(`journal line ${l.seq + 1}: change ${l.step}#${l.index} was planned in account ${accountOf(c)}, the line says ${l.account}`, {
        next: 'inspect the journal by hand; lockdown will not act on a journal it cannot trust',
      })
    }
  }
  let status: RunState['status'] = 'interrupted'
  const verified: RunState['verified'] = []
  for (const l of lines) {
    if (l.type === 'account-plan') {
      for (const part of l.steps) {
        const s = steps.find((x) => x.id === part.id)
        if (!s) continue
        for (const c of part.changes) {
          changes.set(changeKey(s.id, s.changes.length), {step: s.id, index: s.changes.length, state: 'pending', writes: [], undo: 'none'})
          s.changes.push({...c, account: l.account})
        }
        s.skipped.push(...part.skipped)
        s.notes.push(...part.notes)
      }
      const a = accounts.find((x) => x.id === l.account)
      if (a) Object.assign(a, {status: 'planned', access: l.access, reason: undefined})
      continue
    }
    if ('index' in l) planned(l)
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
  return {run, format: run.format ?? 1, accounts, steps, changes, status, verified}
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
