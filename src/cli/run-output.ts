// How a finished run is told to a person: counts, residual risk, journal, the undo command.
import {ledgerLines} from '../engine/ledger.js'
import type {RunCommands, RunResult} from '../engine/run.js'

export function runSummary(result: RunResult, commands?: Pick<RunCommands, 'undo'>): string[] {
  if (result.status === 'cancelled') return ['Cancelled: nothing was changed.']
  if (result.status === 'nothing') return ['Nothing to change: no run was journaled.']
  const ok = result.checks.filter((c) => c.ok).length
  const before = result.alreadyApplied ? ` (+${result.alreadyApplied} already applied before this resume, not sent again)` : ''
  const lines: string[] = []
  // The applied changes with their times: with --yes in CI this and the plan are the log's record.
  if (result.changes.length) lines.push('', 'Applied:')
  for (const c of result.changes) lines.push(`  ${c.appliedAt}  ${c.step}: ${c.summary}${c.alreadyApplied ? '  (already applied before this resume)' : ''}`)
  lines.push(`\nRun ${result.runId}: ${result.applied} change(s) applied${before}, ${ok}/${result.checks.length} check(s) hold.`)
  const ledger = result.accounts ?? []
  if (ledger.length > 1) lines.push('Accounts:', ...ledgerLines(ledger))
  for (const n of result.notes ?? []) lines.push(`! ${n}`)
  for (const s of result.plan?.steps ?? []) for (const n of s.notes) lines.push(`! ${s.id}: ${n}`)
  lines.push(`Journal: ${result.journal}`, `Undo:    ${commands?.undo(result.runId) ?? `lockdown undo ${result.runId}`}`)
  return lines
}
