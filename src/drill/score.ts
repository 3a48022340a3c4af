// The drill's numbers, computed from the attacker's timestamped calls (pure): when the first attacker
// call was refused, when every identity that must be contained stayed refused, and how many attacker
// calls still succeeded after the response said it was done.
import type {CallRecord} from './attacker.js'

export interface Timing {
  /** ms since the response started until the first refused attacker call. */
  firstDeniedMs: number | null
  /** ms since the response started until every identity in `denied` was refused from then on. */
  containedMs: number | null
  /** Attacker calls (of identities that must be denied) that succeeded after the response finished. */
  successesAfterResponse: number
  perIdentity: {id: string; calls: number; ok: number; refused: number; lastOkMs: number | null; containedMs: number | null}[]
}

export function scoreCalls(calls: CallRecord[], window: {respondStart: number; respondEnd: number}, denied: string[], refused: (c: CallRecord) => boolean): Timing {
  const rel = (t: number) => t - window.respondStart
  const during = calls.filter((c) => c.at >= window.respondStart).sort((a, b) => a.at - b.at)
  const mustDeny = during.filter((c) => denied.includes(c.as))
  const firstRefused = mustDeny.find(refused)
  const perIdentity = denied.map((id) => {
    const mine = mustDeny.filter((c) => c.as === id)
    const lastOk = mine.filter((c) => c.ok).at(-1)
    const containedAt = mine.find((c) => refused(c) && (!lastOk || c.at > lastOk.at))
    return {
      id,
      calls: mine.length,
      ok: mine.filter((c) => c.ok).length,
      refused: mine.filter(refused).length,
      lastOkMs: lastOk ? rel(lastOk.at) : null,
      containedMs: containedAt ? rel(containedAt.at) : null,
    }
  })
  const measured = perIdentity.filter((p) => p.calls > 0)
  const contained = measured.length > 0 && measured.every((p) => p.containedMs !== null)
  return {
    firstDeniedMs: firstRefused ? rel(firstRefused.at) : null,
    containedMs: contained ? Math.max(...measured.map((p) => p.containedMs!)) : null,
    successesAfterResponse: mustDeny.filter((c) => c.ok && c.at > window.respondEnd).length,
    perIdentity,
  }
}
