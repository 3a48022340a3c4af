// LookupEvents as a source: 90 days of management events, one attribute filter a call, 50 events a page,
// 2 requests a second per account and region. Every call goes through the region's token bucket and is
// counted, so the report can say exactly how many calls the answer cost.
import {isThrottle, lookupEventsPage, type CloudTrailClient, type LookupAttr} from '../../aws/cloudtrail.js'
import {normalizeRecord, type TrailEvent} from '../event.js'
import {mergeAsync, realClock, TokenBucket, type Clock} from './rate.js'
import {matchesQuery, type SourceStats, type TrailQuery, type TrailSource} from './types.js'
import type {SourceDef} from './registry.js'

export interface LookupSourceOptions {
  regions: string[]
  /** The client for a region: `ctx.clients.cloudtrail` or `makeClients().cloudtrail`. */
  client(region: string): CloudTrailClient
  /** Requests per second per region (AWS: 2). */
  ratePerSec?: number
  /** Retries of a ThrottlingException that got past the SDK's own adaptive retries. */
  throttleRetries?: number
  clock?: Clock
  /**
   * Fan-out across accounts: a region that fails (AccessDenied, throttled past retries) is handed here
   * instead of failing the whole report, and is not asked again in later rounds. Without it, it throws.
   */
  onRegionError?(region: string, error: unknown): void
}

/** The attribute filters that cover a query: one call series per value (LookupEvents takes one filter). */
export function lookupAttrs(q: TrailQuery): (LookupAttr | undefined)[] {
  // The narrowest dimension goes to AWS; the rest is filtered here.
  if (q.accessKeyIds) return q.accessKeyIds.map((value) => ({key: 'AccessKeyId', value}))
  if (q.userNames) return q.userNames.map((value) => ({key: 'Username', value}))
  if (q.eventNames) return q.eventNames.map((value) => ({key: 'EventName', value}))
  return [undefined]
}

export class LookupSource implements TrailSource {
  readonly kind = 'lookup'
  readonly indexed = true
  private readonly st: SourceStats = {calls: 0, events: 0, files: 0}
  private readonly buckets = new Map<string, TokenBucket>()
  private readonly seen = new Set<string>()
  private readonly clock: Clock
  /** Regions that answered at least one call, and those given up on (onRegionError). */
  readonly answered = new Set<string>()
  readonly failed = new Set<string>()

  constructor(private readonly opts: LookupSourceOptions) {
    this.clock = opts.clock ?? realClock
    for (const r of opts.regions) this.buckets.set(r, new TokenBucket(opts.ratePerSec ?? 2, opts.ratePerSec ?? 2, this.clock))
  }

  describe(): string {
    return `CloudTrail LookupEvents in ${this.opts.regions.join(', ')} (${this.st.calls} calls, ${this.st.events} events)`
  }

  stats(): SourceStats {
    return {...this.st}
  }

  events(q: TrailQuery, signal?: AbortSignal): AsyncIterable<TrailEvent> {
    return mergeAsync(this.opts.regions.map((r) => this.region(r, q, signal)))
  }

  private async *region(region: string, q: TrailQuery, signal?: AbortSignal): AsyncGenerator<TrailEvent> {
    if (this.failed.has(region)) return
    try {
      yield* this.regionEvents(region, q, signal)
    } catch (err) {
      // An interrupt is never a gap: it stops everything.
      if (!this.opts.onRegionError || signal?.aborted) throw err
      this.failed.add(region)
      this.opts.onRegionError(region, err)
    }
  }

  private async *regionEvents(region: string, q: TrailQuery, signal?: AbortSignal): AsyncGenerator<TrailEvent> {
    const client = this.opts.client(region)
    for (const attr of lookupAttrs(q)) {
      let nextToken: string | undefined
      do {
        const page = await this.call(region, () => lookupEventsPage(client, {attr, start: new Date(q.start), end: new Date(q.end), nextToken}, signal), signal)
        nextToken = page.nextToken
        this.answered.add(region)
        for (const text of page.records) {
          const e = normalizeRecord(JSON.parse(text))
          if (!e) continue
          this.st.events++
          // The same event answers several lookups (an AssumeRole by a key in question, say): once is enough.
          const id = `${e.region}|${e.id}`
          if (this.seen.has(id) || !matchesQuery(e, q)) continue
          this.seen.add(id)
          yield e
        }
      } while (nextToken)
    }
  }

  private async call<T>(region: string, fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const bucket = this.buckets.get(region)!
    const retries = this.opts.throttleRetries ?? 5
    for (let attempt = 0; ; attempt++) {
      await bucket.take(signal)
      this.st.calls++
      try {
        return await fn()
      } catch (err) {
        if (!isThrottle(err) || attempt >= retries) throw err
        await this.clock.sleep(Math.min(8000, 500 * 2 ** attempt), signal)
      }
    }
  }
}

/** `--source lookup` (the default): no setup, the last 90 days of management events, 2 calls/s a region. */
export const lookupSource: SourceDef = {
  kind: 'lookup',
  summary: 'CloudTrail LookupEvents: no setup; the last 90 days of one account, management events, 2 calls/s a region.',
  flags: {regions: {description: 'Regions to read, in parallel (comma-separated). Default: --region.', list: true}},
  permissions: ['cloudtrail:LookupEvents'],
  open(v, env) {
    const c = env.clients()
    const asked = v.regions as string[] | undefined
    const regions = asked?.length ? asked : [c.region]
    return new LookupSource({regions, client: (r) => c.cloudtrail(r)})
  },
}
