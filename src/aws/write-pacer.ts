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
  /** Writes waiting for a slot, oldest ticket first. */
  private readonly queue: Waiter[] = []
  private tickets = 0
  private timer: ReturnType<typeof setTimeout> | undefined

  constructor(
    private readonly now: () => number = () => performance.now(),
    /** Told how long each paced write waited, and of slots no write was waiting for (WriteAdmission). */
    private readonly queueWatch?: {onReleased(waitedMs: number, intervalMs: number, now: number): void; onIdleSlot(): void},
  ) {}

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

  /**
   * Resolves when this write may be sent: at once before any throttle, else at its slot. Writes go in
   * the order they first asked: a write AWS throttled passes the `ticket` it first got and goes next,
   * instead of competing again with every write that queued after it (which left some writes waiting a
   * second, and their read-back, whose wait follows the put's round trip, a second more).
   */
  slot(signal?: AbortSignal, ticket: number = this.ticket()): Promise<void> {
    const rate = this.rate()
    if (rate === undefined) return Promise.resolve()
    if (signal?.aborted) return Promise.reject(signal.reason)
    const now = this.now()
    // A whole slot went by with no write waiting for it: AWS would have taken one more.
    if (!this.queue.length && Number.isFinite(this.lastSent) && now - (this.lastSent + 1000 / rate) > 1000 / rate) this.queueWatch?.onIdleSlot()
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {ticket, since: now, go: resolve, forget: () => undefined}
      waiter.forget = onAbortOf(signal, (reason) => {
        const at = this.queue.indexOf(waiter)
        if (at >= 0) this.queue.splice(at, 1)
        reject(reason)
      })
      // Sorted by ticket: a retried write lands near the front, a new one at the end.
      let at = this.queue.length
      while (at > 0 && this.queue[at - 1]!.ticket > ticket) at--
      this.queue.splice(at, 0, waiter)
      this.pump()
    })
  }

  /** A place in the queue, taken by a write before its first attempt and kept through its retries. */
  ticket(): number {
    return this.tickets++
  }

  /**
   * Lets the writes at the head of the queue go as their slots come, asking the rate again at every look:
   * a slot booked ahead at the rate of the moment it queued kept a queue of writes at MIN_RATE for
   * seconds after AWS would take 20× more.
   */
  private pump(): void {
    if (this.timer) return
    for (;;) {
      const head = this.queue[0]
      if (!head) return
      const rate = this.rate()
      const now = this.now()
      if (rate !== undefined) {
        const interval = 1000 / rate
        const at = this.lastSent + interval
        if (at > now) {
          this.timer = setTimeout(() => {
            this.timer = undefined
            this.pump()
          }, Math.min(at - now, MAX_NAP_MS))
          return
        }
        // Slots are counted from the slot, not from when the timer fired: on a busy event loop a timer
        // fires late, and counting from the wake-up gave one write per late wake-up (a 100/s limit was
        // offered 55-75 writes a second). The slots a late wake-up missed go to the next writes in the
        // queue, at most CATCH_UP of them (after an idle spell the pace restarts, it does not burst).
        this.lastSent = Number.isFinite(this.lastSent) ? Math.max(at, now - CATCH_UP * interval) : now
        this.queueWatch?.onReleased(now - head.since, interval, now)
      }
      this.queue.shift()
      head.forget()
      head.go()
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

interface Waiter {
  ticket: number
  /** When this attempt began to wait. */
  since: number
  go: () => void
  /** Stops listening to the write's abort signal. */
  forget: () => void
}
