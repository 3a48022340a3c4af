import {mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {runCli} from '../support/cli.js'

/** Runs a drill through the CLI as a scheduler would: --json, exit code, reports in a temp folder. */
export async function drill(file: string, ...flags: string[]) {
  const dir = mkdtempSync(join(tmpdir(), 'lockdown-drill-'))
  const r = await runCli(['drill', 'run', file, '--json', '--journal-dir', join(dir, 'journal'), '--report-dir', join(dir, 'reports'), ...flags])
  if (!r.json) throw new Error(`no JSON scorecard (exit ${r.code}): ${r.stdout.slice(0, 400)} ${r.stderr.slice(0, 1500)}`)
  const card = r.json as {passed: boolean; checks: {name: string; target: string; ok: boolean; detail: string}[]; timing: {firstDeniedMs: number | null; containedMs: number | null; successesAfterResponse: number}; reports: string[]; faults: Record<string, number>; revert: {ok: boolean}}
  const failed = card.checks.filter((c) => !c.ok).map((c) => `${c.name} (${c.target})`)
  return {code: r.code, card, failed, stderr: r.stderr}
}
