import {mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {runCli} from '../support/cli.js'

export interface Card {
  passed: boolean
  target: string
  checks: {name: string; target: string; ok: boolean; detail: string}[]
  timing: {firstDeniedMs: number | null; containedMs: number | null; successesAfterResponse: number}
  reports: string[]
  faults: Record<string, number>
  revert: {ok: boolean; detail: string}
  actionsApplied: number
}

/** Runs a drill through the CLI as a scheduler would: --json, exit code, reports in a temp folder. */
export async function drill(file: string, flags: string[] = [], env: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'lockdown-drill-'))
  const r = await runCli(['drill', 'run', file, '--json', '--journal-dir', join(dir, 'journal'), '--report-dir', join(dir, 'reports'), ...flags], env)
  if (r.json?.error) return {code: r.code, card: undefined as unknown as Card, failed: [] as string[], why: `${r.json.error.name}: ${r.json.error.message}`, error: r.json.error.message as string}
  if (!r.json) throw new Error(`no JSON scorecard (exit ${r.code}): ${r.stdout.slice(0, 400)} ${r.stderr.slice(0, 1500)}`)
  const card = r.json as Card
  const failed = card.checks.filter((c) => !c.ok).map((c) => `${c.name} (${c.target})`)
  /** The failed checks with their details and the timing, for assertion messages. */
  const why = JSON.stringify({failed: card.checks.filter((c) => !c.ok), timing: card.timing})
  return {code: r.code, card, failed, why, error: undefined}
}
