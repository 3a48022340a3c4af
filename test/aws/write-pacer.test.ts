// The pacer's arithmetic on a clock the test moves: on a busy event loop a waiting write wakes late, and
// the slots it missed must go to the writes waiting beside it, or the account is offered fewer writes
// than AWS grants (a 1,000-role revoke at a 100 writes/s limit ran at 55-75 a second).
import {describe, expect, it} from 'vitest'

import {WritePacer} from '../../src/aws/write-pacer.js'

/** A pacer that has seen AWS accept `rate` writes a second for a second, then throttle. */
function pacedAt(rate: number) {
  let now = 0
  const pacer = new WritePacer(() => now)
  for (let i = 0; i < rate; i++) {
    now = (i * 1000) / rate
    pacer.onAccepted()
  }
  now = 1000
  pacer.onThrottled()
  return {pacer, at: (t: number) => (now = t), now: () => now}
}

/** Resolves to the slots that are granted without the clock moving (each waits a real few ms at most). */
async function grantedNow(pacer: WritePacer, tries: number): Promise<number> {
  const stop = new AbortController()
  const granted = Array.from({length: tries}, () => pacer.slot(stop.signal).then(() => true, () => false))
  await new Promise((r) => setTimeout(r, 150)) // the waiters look again every 50 ms at most
  stop.abort(new Error('test over'))
  return (await Promise.all(granted)).filter(Boolean).length
}

describe('WritePacer', () => {
  it('paces at a little above the rate AWS granted', async () => {
    const {pacer} = pacedAt(100)
    expect(pacer.rate()).toBeCloseTo(120, 0)
  })

  it('hands the slots a late wake-up missed to the writes waiting beside it', async () => {
    const {pacer, at, now} = pacedAt(100)
    const interval = 1000 / pacer.rate()!
    expect(await grantedNow(pacer, 1)).toBe(1)
    // The event loop was busy: the next look comes three and a half slots later. Three writes go at once.
    at(now() + 3.5 * interval)
    expect(await grantedNow(pacer, 6)).toBe(3)
  })

  it('after an idle spell the pace restarts with a few writes at most, not a burst', async () => {
    const {pacer, at, now} = pacedAt(100)
    expect(await grantedNow(pacer, 1)).toBe(1)
    at(now() + 900) // no write for most of a second (the window still counts what AWS granted)
    // The slot that is due and the five before it (CATCH_UP), not the ninety the second would have held.
    expect(await grantedNow(pacer, 40)).toBe(6)
  })
  it('forty writes waiting on one signal put one listener on it (no leak warning on stderr)', async () => {
    const {pacer} = pacedAt(100)
    const warnings: string[] = []
    const onWarning = (w: Error) => warnings.push(w.name)
    process.on('warning', onWarning)
    try {
      await grantedNow(pacer, 40)
      await new Promise((r) => setImmediate(r))
      expect(warnings).not.toContain('MaxListenersExceededWarning')
    } finally {
      process.off('warning', onWarning)
    }
  })

  it('a write AWS throttled goes next, before the writes that queued after it', async () => {
    const {pacer, at, now} = pacedAt(100)
    const interval = 1000 / pacer.rate()!
    expect(await grantedNow(pacer, 1)).toBe(1)
    const retried = pacer.ticket() // the write's place, taken before its first (throttled) attempt
    const order: string[] = []
    const later = [0, 1, 2].map((i) => pacer.slot(undefined, pacer.ticket()).then(() => order.push(`new-${i}`)))
    const again = pacer.slot(undefined, retried).then(() => order.push('retried'))
    for (let i = 1; i <= 8 && order.length < 4; i++) {
      at(now() + 1.5 * interval) // a little more than a slot: the rate drifts as the window moves
      await new Promise((r) => setTimeout(r, 60)) // the pacer looks again every 50 ms at most
    }
    await Promise.all([again, ...later])
    expect(order).toEqual(['retried', 'new-0', 'new-1', 'new-2'])
  })
})
