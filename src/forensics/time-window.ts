// `--since 48h`, `--until 2024-07-30T22:00Z`: a duration back from now or an absolute time.
import {InvalidInputError} from '../errors.js'

const UNIT_MS: Record<string, number> = {s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000}

/** `15m`, `48h`, `90d`, `2w`, `1h30m` → milliseconds; undefined when it is not a duration. */
export function parseDuration(text: string): number | undefined {
  const s = text.trim()
  if (!/^(\d+(\.\d+)?[smhdw])+$/.test(s)) return undefined
  let ms = 0
  for (const m of s.matchAll(/(\d+(?:\.\d+)?)([smhdw])/g)) ms += Number(m[1]) * UNIT_MS[m[2]]
  return ms
}

/** A duration (back from `now`), `now`, or an ISO 8601 time (a date alone means midnight UTC). */
export function parseTimeArg(text: string, now: Date, flag = 'time'): Date {
  const t = text.trim()
  if (t === 'now') return new Date(now)
  const d = parseDuration(t)
  if (d !== undefined) return new Date(now.getTime() - d)
  if (/^\d{4}-\d\d-\d\d([T ]\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d)?)?$/.test(t)) {
    // No zone given: CloudTrail speaks UTC, so do we.
    const iso = /[T ]/.test(t) && !/(Z|[+-]\d\d:?\d\d)$/.test(t) ? `${t.replace(' ', 'T')}Z` : t
    const ms = Date.parse(iso)
    if (!Number.isNaN(ms)) return new Date(ms)
  }
  throw new InvalidInputError(`--${flag} '${text}' is neither a duration (15m, 48h, 90d) nor an ISO time (2024-07-30T21:00Z)`)
}

export interface TimeWindow {
  start: Date
  end: Date
}

/** The window [since, until]; until defaults to now. */
export function parseWindow(since: string, until: string | undefined, now: Date): TimeWindow {
  const start = parseTimeArg(since, now, 'since')
  const end = until ? parseTimeArg(until, now, 'until') : new Date(now)
  if (start.getTime() > end.getTime()) throw new InvalidInputError(`--since (${start.toISOString()}) is after --until (${end.toISOString()})`)
  return {start, end}
}
