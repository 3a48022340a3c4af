// The contract between the session graph and whatever answers queries about CloudTrail. A source gets
// the question in a form an engine can push down (time window, event names, key ids, user names), so
// LookupEvents, CloudTrail Lake SQL and, next, Athena over the S3 trail each fetch only what is asked,
// and the graph is always built locally from what comes back.
import type {Coverage} from '../../report/types.js'
import type {TrailEvent} from '../event.js'

export interface TrailQuery {
  /** Inclusive window, ms since the epoch. */
  start: number
  end: number
  /** Only these event names (an OR). */
  eventNames?: string[]
  /** Only events signed with one of these access keys (an OR). */
  accessKeyIds?: string[]
  /** Only events whose userIdentity user name is one of these (console sessions have no issued key). */
  userNames?: string[]
}

export interface SourceStats {
  /** API calls made (LookupEvents pages, StartQuery + GetQueryResults); 0 for files. */
  calls: number
  /** Events returned before de-duplication. */
  events: number
  /** Files read (files source). */
  files: number
}

export interface TrailSource {
  /** 'files' | 'lookup' | 'lake' | ... */
  readonly kind: string
  /** One line for the report: where the events came from. */
  describe(): string
  /**
   * True when the engine answers each query cheaply from an index (LookupEvents, Lake, Athena): the
   * collector then asks in two rounds (issuing events, then only the keys in question). False for a
   * scan (files), which is read once with everything in it.
   */
  readonly indexed: boolean
  events(q: TrailQuery, signal?: AbortSignal): AsyncIterable<TrailEvent>
  stats(): SourceStats
  /** A source asked across accounts says which accounts × regions answered and which could not be read. */
  coverage?(): Coverage
}

/** Applies a query in memory; what a scanning source does, and a check for the others. */
export function matchesQuery(e: TrailEvent, q: TrailQuery): boolean {
  if (e.time < q.start || e.time > q.end) return false
  if (q.eventNames && !q.eventNames.includes(e.name)) return false
  if (q.accessKeyIds && !(e.actor.accessKeyId && q.accessKeyIds.includes(e.actor.accessKeyId))) return false
  if (q.userNames && !(e.actor.userName && q.userNames.includes(e.actor.userName))) return false
  return true
}
