// Bounded parallelism for read-heavy planning (hundreds of principals, a few IAM calls each).

/**
 * Reads in flight while planning or verifying. IAM answers in tens of milliseconds, so 1,000 principals
 * at a few reads each are latency-bound: 64 keeps a plan of 1,000 roles (3,000 reads) to a few seconds
 * at 50 ms a request, and reads are not throttled like writes (the read client's adaptive retries absorb
 * it if they are; writes have their own client and pace, src/aws/write-pacer.ts).
 */
export const READ_CONCURRENCY = 64

export async function mapPool<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length)
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const i = next++
      out[i] = await fn(items[i], i)
    }
  }
  await Promise.all(Array.from({length: Math.min(limit, items.length)}, worker))
  return out
}
