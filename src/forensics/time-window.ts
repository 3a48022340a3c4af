// `--since 48h`, `--until 2024-07-30T22:00Z`: a duration back from now or an absolute time.
import {InvalidInputError} from '../errors.js'
import {parseDuration, parseIsoUtc} from '../playbook/time.js'

export {parseDuration}

/** A duration (back from `now`), `now`, or an ISO 8601 time (a date alone means midnight UTC). */
export function parseTimeArg(text: string, now: Date, flag = 'time'): Date {
  const t = text.trim()
  if (t === 'now') return new Date(now)
  const d = parseDuration(t)
  if (d !== undefined) return new Date(now.getTime() - d)
  const at = parseIsoUtc(t)
  if (at) return at
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
