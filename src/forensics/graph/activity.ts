// What a session (or a long-term key) did, as an aggregate: the graph sees millions of events and keeps
// counts, first/last times and a few error samples, never the events themselves.
import type {Activity} from '../../report/types.js'
import type {TrailEvent} from '../event.js'

/** Error samples kept per session: enough to show denials after a revocation, bounded for big inputs. */
const MAX_ERROR_SAMPLES = 50

export interface ErrorSample {
  time: number
  name: string
  code: string
  ip: string
}

/** Addresses that say nothing about where the caller sits. */
export function meaningfulIp(e: TrailEvent): string | undefined {
  const ip = e.ip
  if (!ip || ip === 'AWS Internal' || ip.endsWith('.amazonaws.com')) return undefined
  return ip
}

/** User agents of AWS's own runtimes (Lambda workers, internal callers): a service-held session using them is the service. */
const RUNTIME_UA = /^(aws-internal|awslambda-worker|AWS Internal)|\.amazonaws\.com$|exec-env\/AWS_Lambda/

/** Few distinct user agents, millions of events: remember the verdict instead of running the regex. */
const runtimeCache = new Map<string, boolean>()
function isRuntimeUa(ua: string): boolean {
  let v = runtimeCache.get(ua)
  if (v === undefined) {
    if (runtimeCache.size > 10_000) runtimeCache.clear()
    v = RUNTIME_UA.test(ua)
    runtimeCache.set(ua, v)
  }
  return v
}

/** Per source IP: calls, first seen, calls made directly (not by the console or a service on the caller's behalf), and of those, calls not from an AWS runtime. */
export interface IpStat {
  n: number
  first: number
  direct: number
  human: number
}

export class ActivityAcc {
  calls = 0
  byName = new Map<string, number>()
  errors = new Map<string, number>()
  first = Infinity
  last = -Infinity
  /** The first-seen time lets us name the IP a session started from. */
  ips = new Map<string, IpStat>()
  regions = new Set<string>()
  errorSamples: ErrorSample[] = []

  add(e: TrailEvent): void {
    this.calls++
    this.byName.set(e.name, (this.byName.get(e.name) ?? 0) + 1)
    if (e.time < this.first) this.first = e.time
    if (e.time > this.last) this.last = e.time
    if (e.region) this.regions.add(e.region)
    const ip = meaningfulIp(e)
    if (ip) {
      let cur = this.ips.get(ip)
      if (!cur) {
        cur = {n: 0, first: e.time, direct: 0, human: 0}
        this.ips.set(ip, cur)
      }
      cur.n++
      if (e.time < cur.first) cur.first = e.time
      if (!e.actor.invokedBy) {
        cur.direct++
        if (!isRuntimeUa(e.userAgent ?? '')) cur.human++
      }
    }
    if (e.error) {
      this.errors.set(e.error, (this.errors.get(e.error) ?? 0) + 1)
      if (this.errorSamples.length < MAX_ERROR_SAMPLES) this.errorSamples.push({time: e.time, name: e.name, code: e.error, ip: e.ip})
    }
  }

  merge(o: ActivityAcc): void {
    this.calls += o.calls
    for (const [k, v] of o.byName) this.byName.set(k, (this.byName.get(k) ?? 0) + v)
    for (const [k, v] of o.errors) this.errors.set(k, (this.errors.get(k) ?? 0) + v)
    this.first = Math.min(this.first, o.first)
    this.last = Math.max(this.last, o.last)
    for (const [ip, st] of o.ips) {
      const cur = this.ips.get(ip)
      if (cur) {
        cur.n += st.n
        cur.first = Math.min(cur.first, st.first)
        cur.direct += st.direct
        cur.human += st.human
      } else this.ips.set(ip, {...st})
    }
    for (const r of o.regions) this.regions.add(r)
    for (const s of o.errorSamples) if (this.errorSamples.length < MAX_ERROR_SAMPLES) this.errorSamples.push(s)
  }

  /** The IP of the earliest call, if any call had a meaningful one. */
  firstIp(): string | undefined {
    let best: string | undefined
    let t = Infinity
    for (const [ip, {first}] of this.ips) if (first < t) [best, t] = [ip, first]
    return best
  }

  toActivity(): Activity {
    const sorted = (m: Map<string, number>) => Object.fromEntries([...m].sort((a, b) => b[1] - a[1] || cmp(a[0], b[0])))
    return {
      calls: this.calls,
      byName: sorted(this.byName),
      errors: sorted(this.errors),
      first: this.calls ? new Date(this.first).toISOString() : undefined,
      last: this.calls ? new Date(this.last).toISOString() : undefined,
      ips: Object.fromEntries([...this.ips].sort((a, b) => a[1].first - b[1].first).map(([ip, st]) => [ip, st.n])),
      regions: [...this.regions].sort(),
    }
  }
}

/** Code-unit order: ISO times and ids sort correctly, and it is far cheaper than localeCompare (ICU). */
export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

export function iso(ms: number | undefined): string | undefined {
  return ms === undefined || !Number.isFinite(ms) ? undefined : new Date(ms).toISOString()
}
