// How many changes of one account are worked at once while AWS throttles its writes. Before a throttle,
// as many as --concurrency. After it, more changes in flight than the granted rate needs add no write a
// second: they only wait longer in the pacer's queue, and a revocation's read-back waits twice its put's
// round trip, queue included (revoke-sessions putRunPart). At 100 writes/s, 64 changes in flight took
// 12.4 s for 1,000 roles and 32 took 11.7 s. The bound follows the queue: it shrinks while writes wait
// more than a few slots for theirs, and grows when a slot came due with no write waiting for it.

import {onAbortOf} from './on-abort.js'

/** A write waiting more than this many slots means more changes are in flight than the rate needs. */
const QUEUE_SLOTS = 4
/**
 * At most one step down per this many slots: when the first throttle comes, every change in flight is
 * queued at once, and shrinking on each of their long waits took the bound to its floor and left the
 * granted rate unused for seconds while it grew back.
 */
const SHRINK_EVERY_SLOTS = 3
/** Never fewer than this in flight: a slow read must not leave the granted rate unused. */
const MIN_IN_FLIGHT = 4

export class WriteAdmission {
  private inFlight = 0
  private bound = Infinity
  private lastShrunk = -Infinity
  private readonly waiting: (() => void)[] = []

  /** Resolves, with the function that leaves, once this change may start; at once when the signal aborts (the caller then starts nothing). */
  enter(signal?: AbortSignal): Promise<() => void> {
    if (this.inFlight < this.bound || signal?.aborted) return Promise.resolve(this.admit())
    return new Promise((resolve) => {
      const go = () => {
        forget()
        resolve(this.admit())
      }
      const forget = onAbortOf(signal, () => {
        const at = this.waiting.indexOf(go)
        if (at >= 0) this.waiting.splice(at, 1)
        resolve(this.admit())
      })
      this.waiting.push(go)
    })
  }

  /** The changes admitted now (for tests and the bound's arithmetic). */
  get active(): number {
    return this.inFlight
  }

  /** The current bound, or undefined while AWS has not throttled. */
  get limit(): number | undefined {
    return Number.isFinite(this.bound) ? this.bound : undefined
  }

  /** The pacer let a write go after `waitedMs` in its queue, with `intervalMs` between slots. */
  onReleased(waitedMs: number, intervalMs: number, now: number): void {
    if (waitedMs <= QUEUE_SLOTS * intervalMs || now - this.lastShrunk < SHRINK_EVERY_SLOTS * intervalMs) return
    this.lastShrunk = now
    this.bound = Math.max(MIN_IN_FLIGHT, Math.min(this.bound, this.inFlight) - 1)
  }

  /** A slot came due and no write was waiting for it: AWS would have taken one more. */
  onIdleSlot(): void {
    if (!Number.isFinite(this.bound)) return
    this.bound++
    this.next()
  }

  private admit(): () => void {
    this.inFlight++
    let left = false
    return () => {
      if (left) return
      left = true
      this.inFlight--
      this.next()
    }
  }

  private next(): void {
    while (this.waiting.length && this.inFlight < this.bound) this.waiting.shift()!()
  }
}
