// `lockdown runs`: the past runs in a journal directory, newest first, summarised from their journals.
import {readdirSync} from 'node:fs'
import {join} from 'node:path'

import {readJournal} from './journal.js'
import {foldJournal} from './run-state.js'

export interface RunSummary {
  runId: string
  playbook: string
  file: string
  incident?: string
  startedAt: string
  status: string
  applied: number
  failed: number
  undone: number
  planned: number
  /** Accounts of the run's scope (1 for runs before organization scope). */
  accounts: number
}

export function listRuns(journalDir: string): RunSummary[] {
  let ids: string[]
  try {
    ids = readdirSync(join(journalDir, 'runs'))
  } catch {
    return []
  }
  const out: RunSummary[] = []
  for (const runId of ids.sort().reverse()) {
    try {
      const s = foldJournal(readJournal(journalDir, runId))
      const recs = [...s.changes.values()]
      out.push({
        runId,
        playbook: s.run.playbook.name,
        file: s.run.playbook.file,
        incident: s.run.incident,
        startedAt: s.run.startedAt,
        status: s.status,
        planned: recs.length,
        applied: recs.filter((r) => r.state === 'applied').length,
        failed: recs.filter((r) => r.state === 'failed').length,
        undone: recs.filter((r) => r.undo === 'undone').length,
        accounts: s.accounts.length,
      })
    } catch (error) {
      out.push({runId, playbook: '?', file: '?', startedAt: '?', status: `unreadable: ${(error as Error).message}`, planned: 0, applied: 0, failed: 0, undone: 0, accounts: 0})
    }
  }
  return out
}
