// How many changes of an account are worked at once while AWS throttles its writes (WriteAdmission): the
// bound follows the pacer's queue, so a 64-wide revoke at a 100 writes/s limit stops queueing writes it
// cannot send sooner (each queued write lengthened its own read-back wait).
import {describe, expect, it} from 'vitest'

import {WriteAdmission} from '../../src/aws/write-admission.js'

const INTERVAL = 10 // ms between slots at 100 writes/s

/** `n` changes admitted (none has left). */
async function admitted(a: WriteAdmission, n: number) {
  return Promise.all(Array.from({length: n}, () => a.enter()))
}

describe('WriteAdmission', () => {
  it('admits every change until AWS throttles', async () => {
    const a = new WriteAdmission()
    await admitted(a, 64)
    expect(a.active).toBe(64)
    expect(a.limit).toBeUndefined()
  })

  it('shrinks while writes wait more than four slots, one step per three slots, never below four', async () => {
    const a = new WriteAdmission()
    await admitted(a, 64)
    // Every change's write queued at once (the first throttle): 64 long waits in 640 ms.
    for (let i = 0; i < 64; i++) a.onReleased(100, INTERVAL, i * INTERVAL)
    expect(a.limit).toBe(64 - Math.ceil(64 / 3))
    for (let i = 0; i < 1000; i++) a.onReleased(100, INTERVAL, 1000 + i * 3 * INTERVAL)
    expect(a.limit).toBe(4)
    // A wait of four slots or less is the queue the rate needs: no change.
    const b = new WriteAdmission()
    await admitted(b, 10)
    b.onReleased(4 * INTERVAL, INTERVAL, 0)
    expect(b.limit).toBeUndefined()
  })

  it('a change over the bound waits until one leaves or a slot goes unused, and an interrupt lets it go at once', async () => {
    const a = new WriteAdmission()
    const leaves = await admitted(a, 5)
    a.onReleased(100, INTERVAL, 0) // bound 4, five in flight
    let entered = 0
    const next = a.enter().then((leave) => (entered++, leave))
    await new Promise((r) => setImmediate(r))
    expect(entered).toBe(0)
    leaves[0]!() // four in flight: still at the bound
    await new Promise((r) => setImmediate(r))
    expect(entered).toBe(0)
    a.onIdleSlot() // AWS would have taken one more write: bound 5
    await next
    expect(entered).toBe(1)
    // Five in flight at a bound of five: two more wait, and SIGINT lets both go (the task then starts nothing).
    const stop = new AbortController()
    const waiting = [a.enter(stop.signal), a.enter(stop.signal)]
    await new Promise((r) => setImmediate(r))
    expect(a.active).toBe(5)
    stop.abort(new Error('SIGINT'))
    expect((await Promise.all(waiting)).length).toBe(2)
    expect(a.active).toBe(7)
  })
})
