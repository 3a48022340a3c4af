// Where a benchmarked run's seconds went, read from the simulated accounts' trails (each request's time):
// the CLI's start-up before its first request, then each phase's first and last request. A ratio to a
// floor says how far from it a run is; this line says which part of the run the gap is in.
import type {SimHandle} from '../src/sim/index.js'

/** Requests that make up the run's phases besides its writes and the reads around them. */
export interface TimelinePhases {
  /** Named sets of event names, shown in this order before the plan's reads (discovery, entering accounts). */
  before?: Record<string, Set<string>>
  /** The event name of the run's writes. */
  write: string
}

/**
 * The run's phases (seconds from `t0`, the run's start in ms since the epoch): the first request, each
 * `before` phase, the plan's reads (before the first write), the writes (accepted, throttled, and each
 * account's span from its first to its last accepted write), the reads after the first write (the
 * proofs), and the exit. Phases overlap when the run pipelines them.
 */
export function timeline(sim: SimHandle, t0: number, seconds: number, phases: TimelinePhases): string {
  const events = sim.accounts().flatMap((a) => sim.events(a.id).filter((e) => e.time >= t0).map((e) => ({...e, account: a.id})))
  if (!events.length) return 'no requests'
  const s = (t: number) => ((t - t0) / 1000).toFixed(2)
  const span = (es: {time: number}[]) => (es.length ? `${s(Math.min(...es.map((e) => e.time)))}–${s(Math.max(...es.map((e) => e.time)))}` : 'none')
  const named = Object.entries(phases.before ?? {})
  const writes = events.filter((e) => e.eventName === phases.write)
  const accepted = writes.filter((e) => !e.errorCode)
  const firstWrite = writes.length ? Math.min(...writes.map((e) => e.time)) : Infinity
  const byAccount = new Map<string, number[]>()
  for (const e of accepted) byAccount.set(e.account, [...(byAccount.get(e.account) ?? []), e.time])
  const perAccount = [...byAccount.values()].map((ts) => (Math.max(...ts) - Math.min(...ts)) / 1000)
  const spans = perAccount.length > 1 ? `; an account's first to last ${Math.min(...perAccount).toFixed(2)}–${Math.max(...perAccount).toFixed(2)} s` : ''
  const reads = events.filter((e) => e.eventName !== phases.write && !named.some(([, names]) => names.has(e.eventName)))
  return [
    `first request ${s(Math.min(...events.map((e) => e.time)))}`,
    ...named.map(([name, names]) => `${name} ${span(events.filter((e) => names.has(e.eventName)))}`),
    `plan reads ${span(reads.filter((e) => e.time < firstWrite))}`,
    `writes ${span(writes)} (${accepted.length} accepted, ${writes.length - accepted.length} throttled${spans})`,
    `reads after the first write ${span(reads.filter((e) => e.time >= firstWrite))}`,
    `exit ${seconds.toFixed(2)}`,
  ].join('; ')
}
