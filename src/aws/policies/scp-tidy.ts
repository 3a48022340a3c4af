// Taking whole runs' parts out of one lockdown SCP and putting them back (tidy and its undo). Statements
// are moved as written, never rebuilt: a part cut over several statements (…Part<n>) keeps its Sids, and a
// document that fit 5,120 characters still fits with statements removed.
import {readScpParts} from './scp-revoke.js'
import type {Statement} from './document.js'

function statementsOf(content: string): Statement[] {
  try {
    const doc = JSON.parse(content) as {Statement?: Statement | Statement[]}
    return !doc?.Statement ? [] : Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement]
  } catch {
    return []
  }
}

/** The lockdown run a statement belongs to, or undefined for a statement lockdown did not write. */
function runOf(s: Statement): string | undefined {
  return readScpParts([JSON.stringify({Version: '2012-10-17', Statement: [s]})])[0]?.run
}

const text = (statements: Statement[]) => JSON.stringify({Version: '2012-10-17', Statement: statements})

/** `content` without the statements of `runs`; undefined when nothing is left (detach and delete the SCP). */
export function scpWithoutRuns(content: string, runs: string[]): string | undefined {
  const kept = statementsOf(content).filter((s) => !runs.includes(runOf(s) ?? ''))
  return kept.length ? text(kept) : undefined
}

/** `current` (absent: a new SCP) plus the statements of `runs` taken from `from`, each Sid once. */
export function scpWithRuns(current: string | undefined, from: string, runs: string[]): string {
  const have = current === undefined ? [] : statementsOf(current)
  const sids = new Set(have.map((s) => s.Sid))
  const back = statementsOf(from).filter((s) => runs.includes(runOf(s) ?? '') && !sids.has(s.Sid))
  return text([...have, ...back])
}
