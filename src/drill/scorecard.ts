// The scorecard: what a drill proved, as JSON (for schedulers) and Markdown (for people).
import type {Check} from '../actions/types.js'
import type {Timing} from './score.js'

export interface Scorecard {
  drill: string
  description: string
  passed: boolean
  target: string
  faults: Record<string, number>
  startedAt: string
  durationMs: number
  responseRun?: string
  responseStatus: string
  actionsApplied: number
  timing: Timing
  attackerCalls: {total: number; ok: number; refused: number; other: number}
  checks: Check[]
  reports: string[]
  revert: {ok: boolean; detail: string}
}

const secs = (ms: number | null) => (ms === null ? 'never' : `${(ms / 1000).toFixed(2)} s`)

export function renderScorecard(s: Scorecard): string {
  const lines = [
    `# Drill scorecard: ${s.drill} — ${s.passed ? 'PASSED' : 'FAILED'}`,
    '',
    s.description,
    '',
    `- target: ${s.target}; faults: ${Object.entries(s.faults).map(([k, v]) => `${k}=${v}`).join(', ') || 'none'}`,
    `- started ${s.startedAt}, took ${secs(s.durationMs)}; response run \`${s.responseRun ?? '-'}\` (${s.responseStatus}), ${s.actionsApplied} change(s) applied`,
    '',
    '| measure | value |',
    '|---|---|',
    `| time to first denied attacker call | ${secs(s.timing.firstDeniedMs)} |`,
    `| time to full containment | ${secs(s.timing.containedMs)} |`,
    `| attacker calls that succeeded after the response finished | ${s.timing.successesAfterResponse} |`,
    `| attacker calls (ok / refused / other) | ${s.attackerCalls.ok} / ${s.attackerCalls.refused} / ${s.attackerCalls.other} |`,
    '',
    '## Checks',
    '',
    ...s.checks.map((c) => `- ${c.ok ? '✅' : '❌'} **${c.name}** (${c.target}): ${c.detail}`),
    '',
    '## Per identity',
    '',
    '| identity | calls during response | ok | refused | last ok | contained at |',
    '|---|---|---|---|---|---|',
    ...s.timing.perIdentity.map((p) => `| ${p.id} | ${p.calls} | ${p.ok} | ${p.refused} | ${secs(p.lastOkMs)} | ${secs(p.containedMs)} |`),
    '',
    `Revert: ${s.revert.ok ? 'done' : 'FAILED'} — ${s.revert.detail}`,
    '',
    ...(s.reports.length ? ['Reports:', ...s.reports.map((r) => `- ${r}`)] : []),
  ]
  return `${lines.join('\n')}\n`
}
