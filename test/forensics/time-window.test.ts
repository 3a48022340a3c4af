import {describe, expect, it} from 'vitest'

import {InvalidInputError} from '../../src/errors.js'
import {parseDuration, parseTimeArg, parseWindow} from '../../src/forensics/time-window.js'

const NOW = new Date('2024-07-30T12:00:00Z')

describe('time window', () => {
  it('reads durations', () => {
    expect(parseDuration('15m')).toBe(15 * 60_000)
    expect(parseDuration('48h')).toBe(48 * 3_600_000)
    expect(parseDuration('90d')).toBe(90 * 86_400_000)
    expect(parseDuration('1h30m')).toBe(90 * 60_000)
    expect(parseDuration('soon')).toBeUndefined()
  })

  it('reads durations back from now, ISO times (UTC when no zone) and dates', () => {
    expect(parseTimeArg('48h', NOW).toISOString()).toBe('2024-07-28T12:00:00.000Z')
    expect(parseTimeArg('2024-07-30T21:00Z', NOW).toISOString()).toBe('2024-07-30T21:00:00.000Z')
    expect(parseTimeArg('2024-07-30T21:00', NOW).toISOString()).toBe('2024-07-30T21:00:00.000Z')
    expect(parseTimeArg('2024-07-30T23:00:00+02:00', NOW).toISOString()).toBe('2024-07-30T21:00:00.000Z')
    expect(parseTimeArg('2024-07-01', NOW).toISOString()).toBe('2024-07-01T00:00:00.000Z')
    expect(parseTimeArg('now', NOW).toISOString()).toBe(NOW.toISOString())
  })

  it('rejects nonsense and inverted windows with exit-2 errors', () => {
    expect(() => parseTimeArg('yesterday', NOW, 'since')).toThrow(/--since 'yesterday'/)
    expect(() => parseWindow('1h', '2h', NOW)).toThrow(InvalidInputError)
    expect(parseWindow('2h', undefined, NOW)).toEqual({start: new Date('2024-07-30T10:00:00Z'), end: NOW})
  })
})
