// IAM is eventually consistent: a write can take seconds to show in reads and in authorization.
// Verification polls with bounded exponential backoff instead of trusting the first read.

export async function pollUntil<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  opts: {attempts?: number; firstDelayMs?: number; maxDelayMs?: number; signal?: AbortSignal} = {},
): Promise<{value: T; ok: boolean; attempts: number}> {
  const attempts = opts.attempts ?? 8
  let delay = opts.firstDelayMs ?? 100
  let value = await read()
  for (let i = 1; i < attempts; i++) {
    if (done(value)) return {value, ok: true, attempts: i}
    if (opts.signal?.aborted) break
    await new Promise((r) => setTimeout(r, delay))
    delay = Math.min(delay * 2, opts.maxDelayMs ?? 3000)
    value = await read()
  }
  return {value, ok: done(value), attempts}
}

/**
 * Reads can show a policy before every IAM endpoint enforces it. Verification does not pass before this
 * long after the write, so a run that says "done" means enforced (drills measure whether it was enough).
 */
export async function settleSince(appliedAt: string, settleMs: number, signal?: AbortSignal): Promise<void> {
  const wait = Date.parse(appliedAt) + settleMs - Date.now()
  if (wait > 0 && !signal?.aborted) await new Promise((r) => setTimeout(r, wait))
}

