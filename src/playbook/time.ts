// Durations (`90d`, `4h`, `15m`, `30s`, `2w`) and points in time (`now`, ISO 8601, or a duration ago)
// as playbooks and flags write them. Pure: "now" is passed in, so plans and tests are reproducible.
import {z} from 'zod'

const UNIT_MS: Record<string, number> = {s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000}

/** Longer than any window or age lockdown reasons about; past it a number is a typo or an attack (99999999999d). */
export const MAX_DURATION_MS = 3650 * UNIT_MS.d
/** Times outside these years name no IAM or CloudTrail event (IAM began in 2010; 2100 is a typo away). */
const EARLIEST = Date.UTC(2006, 0, 1)
const LATEST = Date.UTC(2100, 0, 1)
/** How far ahead of the local clock a time may be and still mean "now" (AWS allows 15 minutes of skew). */
export const CLOCK_SKEW_MS = 15 * 60_000

/** `15m`, `48h`, `90d`, `2w`, `1h30m` → milliseconds; undefined when it is not a duration or is past 10 years. */
export function parseDuration(text: string): number | undefined {
  const ms = durationMs(text)
  return ms !== undefined && ms <= MAX_DURATION_MS ? ms : undefined
}

function durationMs(text: string): number | undefined {
  const s = text.trim()
  if (s.length > 64 || !/^(\d+(\.\d+)?[smhdw])+$/.test(s)) return undefined
  let ms = 0
  for (const m of s.matchAll(/(\d+(?:\.\d+)?)([smhdw])/g)) ms += Number(m[1]) * UNIT_MS[m[2]]
  return Number.isFinite(ms) ? ms : Number.POSITIVE_INFINITY
}

/** Why a duration is refused, for messages: not one at all, or one past the sane bound. */
function durationProblem(s: string, maxMs: number): string | undefined {
  const ms = durationMs(s)
  if (ms === undefined) return `expected a duration like 90d, 4h, 15m or 30s; found "${s.slice(0, 60)}"`
  if (ms > maxMs) return `expected a duration of at most ${formatDuration(maxMs)}; found "${s.slice(0, 60)}"`
  return undefined
}

/** An ISO 8601 time between 2006 and 2100; without a zone it is UTC (CloudTrail's and IAM's clock), a date alone is midnight UTC. */
export function parseIsoUtc(text: string): Date | undefined {
  const t = text.trim()
  if (!/^\d{4}-\d\d-\d\d([T ]\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d)?)?$/.test(t)) return undefined
  const iso = /[T ]/.test(t) && !/(Z|[+-]\d\d:?\d\d)$/.test(t) ? `${t.replace(' ', 'T')}Z` : t
  const ms = Date.parse(iso)
  return Number.isNaN(ms) || ms < EARLIEST || ms >= LATEST ? undefined : new Date(ms)
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

/** zod field for a duration up to `maxMs` (10 years unless the field needs less); parses to milliseconds. */
export function durationWithin(maxMs: number) {
  return z.string().transform((s, ctx) => {
    const problem = durationProblem(s, maxMs)
    if (problem) {
      ctx.addIssue({code: 'custom', message: problem})
      return z.NEVER
    }
    return durationMs(s)!
  })
}

export const durationField = durationWithin(MAX_DURATION_MS)

/** How long verification waits for IAM to propagate: seconds in practice; an hour is already a mistake. */
export const settleField = durationWithin(UNIT_MS.h)

function timeProblem(s: string, now: number): string | undefined {
  const t = s.trim()
  if (t !== 'now' && durationMs(t) !== undefined) return durationProblem(t, MAX_DURATION_MS)
  const spec = parseTimeSpec(t)
  if (!spec) {
    const shown = s.slice(0, 60)
    return /^\d{4}-/.test(t) && parseIsoUtc(t.replace(/^\d{4}/, '2020'))
      ? `expected a time between 2006 and 2100; found "${shown}"`
      : `expected 'now', an ISO 8601 time or a duration ago like 48h; found "${shown}"`
  }
  if (spec.kind === 'at' && Date.parse(spec.at) > now + CLOCK_SKEW_MS) return `expected a time in the past (or 'now'); found "${s.slice(0, 60)}", which is in the future`
  return undefined
}

/**
 * zod field for a point in time: `now`, ISO 8601, or a duration ago. A future time is refused: it would
 * reach past the moment lockdown runs (a revoke "issued before next year" also locks out tomorrow's responders).
 */
export const timeField = z.string().transform((s, ctx) => {
  const problem = timeProblem(s, Date.now())
  if (problem) {
    ctx.addIssue({code: 'custom', message: problem})
    return z.NEVER
  }
  return parseTimeSpec(s)!
})

/** The same check for a field kept as text (forensics resolves it when the step runs). */
export const timeText = z.string().superRefine((s, ctx) => {
  const problem = timeProblem(s, Date.now())
  if (problem) ctx.addIssue({code: 'custom', message: problem})
})
