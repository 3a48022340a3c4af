// IAM throttles writes per account (a token bucket on AWS's side) and reads far less. The SDK's answer to a
// throttle is exponential backoff, and in adaptive mode a client-side rate limit that then slows every
// call of that client, reads included: 1,000 revocations at a 100 writes/s limit took 3× the 10 s the
// limit allows. The pacer instead learns the rate AWS grants from the writes it accepts, and once AWS has
// throttled, sends writes at a little above that rate: AWS's bucket stays busy (the floor is reached)
// while most writes land on their first try, and a throttled write waits for its next slot, not seconds.

import {onAbortOf} from './on-abort.js'

/** Writes accepted in the last WINDOW_MS are the estimate of the rate AWS grants. */
const WINDOW_MS = 1000
/** Offer a bit more than was granted: a rate that rises is found, and AWS's bucket never sits idle. */
const HEADROOM = 1.2
/** Never slower than this, however few writes were accepted (one at start-up, say). */
const MIN_RATE = 2
/** A waiting write looks again at least this often, so a rate that rose is used at once. */
const MAX_NAP_MS = 50
/** Slots a late wake-up may hand on to the writes waiting beside it. */
const CATCH_UP = 5

export class WritePacer {
  /** AWS has throttled a write: from then on writes are paced (before that, none waits). */
  private paced = false
  private readonly accepted: number[] = []
  private firstAccepted?: number
  /** When the last paced write was let go. */
  private lastSent = -Infinity
  private lastThrottled = -Infinity

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** The rate (writes a second) the next write is paced at, or undefined when AWS has not throttled yet. */
  rate(): number | undefined {
    if (!this.paced) return undefined
    const now = this.now()
    this.forget(now)
    // Early on the window is not full: the span the accepted writes cover is the fairer divisor.
    const span = Math.max(50, Math.min(WINDOW_MS, now - (this.firstAccepted ?? now)))
    const granted = Math.max(MIN_RATE, (this.accepted.length / span) * 1000 * HEADROOM)
    // A whole window without a throttle: AWS would take more than we offer (a pacer that only ever
    // offers 1.2× what it last got climbs slowly, and after a quiet second it had sunk to MIN_RATE):
    // probe upwards until AWS throttles again.
    return now - this.lastThrottled > WINDOW_MS ? granted * 2 : granted
  }

  /** Resolves when this write may be sent: at once before any throttle, else at its slot. */
  async slot(signal?: AbortSignal): Promise<void> {
    // Each waiter asks again when it wakes, at the rate in force then: a slot booked ahead at the rate of
    // the moment it queued kept a queue of writes at MIN_RATE for seconds after AWS would take 20× more.
    for (;;) {
      const rate = this.rate()
      if (rate === undefined) return
      const now = this.now()
      const interval = 1000 / rate
      const at = this.lastSent + interval
      if (at <= now) {
        // Slots are counted from the slot, not from when a waiter woke: on a busy event loop a timer fires
        // late, and counting from the wake-up gave one write per late wake-up (a 100/s limit was offered
        // 55-75 writes a second). The slots a late wake-up missed go to the writes waiting beside it, at
        // most CATCH_UP of them (after an idle spell the pace restarts, it does not burst).
        this.lastSent = Number.isFinite(this.lastSent) ? Math.max(at, now - CATCH_UP * interval) : now
        return
      }
      await sleep(Math.min(at - now, MAX_NAP_MS), signal)
    }
  }

  onAccepted(): void {
    const now = this.now()
    this.firstAccepted ??= now
    this.accepted.push(now)
    this.forget(now)
  }

  onThrottled(): void {
    this.paced = true
    this.lastThrottled = this.now()
  }

  private forget(now: number): void {
    let drop = 0
    while (drop < this.accepted.length && this.accepted[drop]! < now - WINDOW_MS) drop++
    if (drop) this.accepted.splice(0, drop)
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason)
    const forget = onAbortOf(signal, (reason) => {
      clearTimeout(timer)
      reject(reason)
    })
    const timer = setTimeout(() => {
      forget()
      resolve()
    }, ms)
  })
}
