// Rate limiting and fan-in for API-backed sources. LookupEvents allows 2 requests per second per account
// and region; going over earns ThrottlingExceptions, so each region gets its own token bucket and the
// regions run side by side.

export interface Clock {
  now(): number
  sleep(ms: number, signal?: AbortSignal): Promise<void>
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve, reject) => {
      // The listener goes when the timer fires: a long read waits thousands of times on one signal.
      const onAbort = () => {
        clearTimeout(t)
        reject(signal!.reason)
      }
      const t = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort)
        resolve()
      }, ms)
      signal?.addEventListener('abort', onAbort, {once: true})
    }),
}

/** A token bucket: `ratePerSec` tokens a second, bursts up to `burst`. */
export class TokenBucket {
  private tokens: number
  private last: number
  constructor(
    private readonly ratePerSec: number,
    private readonly burst: number,
    private readonly clock: Clock = realClock,
  ) {
    this.tokens = burst
    this.last = clock.now()
  }

  async take(signal?: AbortSignal): Promise<void> {
    for (;;) {
      const now = this.clock.now()
      this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.ratePerSec)
      this.last = now
      if (this.tokens >= 1) {
        this.tokens -= 1
        return
      }
      await this.clock.sleep(Math.ceil(((1 - this.tokens) / this.ratePerSec) * 1000), signal)
    }
  }
}

/** Yields from several async iterables as items arrive (regions in parallel); fails on the first error. */
export async function* mergeAsync<T>(iters: AsyncIterable<T>[]): AsyncGenerator<T> {
  const its = iters.map((i) => i[Symbol.asyncIterator]())
  const next = (k: number) => its[k].next().then((r) => ({k, r}))
  const inflight = new Map<number, Promise<{k: number; r: IteratorResult<T>}>>()
  its.forEach((_, k) => inflight.set(k, next(k)))
  try {
    while (inflight.size) {
      const {k, r} = await Promise.race(inflight.values())
      if (r.done) inflight.delete(k)
      else {
        inflight.set(k, next(k))
        yield r.value
      }
    }
  } finally {
    for (const k of inflight.keys()) await its[k].return?.()
  }
}
