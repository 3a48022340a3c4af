// Durations (`90d`, `4h`, `15m`, `30s`, `2w`) and points in time (`now`, ISO 8601, or a duration ago)
// as playbooks and flags write them. Pure: "now" is passed in, so plans and tests are reproducible.
import {z} from 'zod'

const UNIT_MS: Record<string, number> = {s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000}

/** `15m`, `48h`, `90d`, `2w`, `1h30m` → milliseconds; undefined when it is not a duration. */
export function parseDuration(text: string): number | undefined {
  const s = text.trim()
  if (!/^(\d+(\.\d+)?[smhdw])+$/.test(s)) return undefined
  let ms = 0
  for (const m of s.matchAll(/(\d+(?:\.\d+)?)([smhdw])/g)) ms += Number(m[1]) * UNIT_MS[m[2]]
  return ms
}

/** An ISO 8601 time; without a zone it is UTC (CloudTrail's and IAM's clock), a date alone is midnight UTC. */
export function parseIsoUtc(text: string): Date | undefined {
  const t = text.trim()
  if (!/^\d{4}-\d\d-\d\d([T ]\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d)?)?$/.test(t)) return undefined
  const iso = /[T ]/.test(t) && !/(Z|[+-]\d\d:?\d\d)$/.test(t) ? `${t.replace(' ', 'T')}Z` : t
  const ms = Date.parse(iso)
  return Number.isNaN(ms) ? undefined : new Date(ms)
}

export function formatDuration(ms: number): string {
  const abs = Math.abs(ms)
  if (abs >= UNIT_MS.d) return `${Math.round(ms / UNIT_MS.d)}d`
  if (abs >= UNIT_MS.h) return `${Math.round(ms / UNIT_MS.h)}h`
  if (abs >= UNIT_MS.m) return `${Math.round(ms / UNIT_MS.m)}m`
  return `${Math.round(ms / 1000)}s`
}

/** A point in time: `now` (resolved by the caller, e.g. at apply), an ISO time, or a duration before now. */
export type TimeSpec = {kind: 'now'} | {kind: 'at'; at: string} | {kind: 'ago'; ms: number}

export function parseTimeSpec(text: string): TimeSpec | undefined {
  const t = text.trim()
  if (t === 'now') return {kind: 'now'}
  const ms = parseDuration(t)
  if (ms !== undefined) return {kind: 'ago', ms}
  const at = parseIsoUtc(t)
  return at ? {kind: 'at', at: at.toISOString()} : undefined
}

export function resolveTime(spec: TimeSpec, now: Date): Date {
  if (spec.kind === 'now') return now
  if (spec.kind === 'at') return new Date(spec.at)
  return new Date(now.getTime() - spec.ms)
}

/** zod field for a duration; parses to milliseconds. */
export const durationField = z.string().transform((s, ctx) => {
  const ms = parseDuration(s)
  if (ms === undefined) {
    ctx.addIssue({code: 'custom', message: `expected a duration like 90d, 4h, 15m or 30s; found "${s}"`})
    return z.NEVER
  }
  return ms
})

/** zod field for a point in time: `now`, ISO 8601, or a duration ago. */
export const timeField = z.string().transform((s, ctx) => {
  const spec = parseTimeSpec(s)
  if (!spec) {
    ctx.addIssue({code: 'custom', message: `expected 'now', an ISO 8601 time or a duration ago like 48h; found "${s}"`})
    return z.NEVER
  }
  return spec
})
