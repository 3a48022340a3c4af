// One listener on a signal for every waiter on it. An engine run shares one AbortSignal (SIGINT) among
// every AWS call and every paced write in flight: a listener each put 64 and more on it, and Node warned
// of a leak on stderr (MaxListenersExceededWarning) in the middle of a revoke.

const waiters = new WeakMap<AbortSignal, Set<(reason: unknown) => void>>()

/** Calls `onAbort` with the signal's reason when `signal` aborts, until the returned function is called. */
export function onAbortOf(signal: AbortSignal | undefined, onAbort: (reason: unknown) => void): () => void {
  if (!signal) return () => undefined
  let set = waiters.get(signal)
  if (!set) {
    const all = new Set<(reason: unknown) => void>()
    signal.addEventListener('abort', () => all.forEach((f) => f(signal.reason)), {once: true})
    waiters.set(signal, (set = all))
  }
  set.add(onAbort)
  return () => set.delete(onAbort)
}

/** What the SDK rejects an aborted call with (its request handler's AbortError, the reason as its cause): its retry strategy and ours read the name. */
export function abortError(reason: unknown): Error {
  return Object.assign(new Error('Request aborted', {cause: reason}), {name: 'AbortError'})
}
