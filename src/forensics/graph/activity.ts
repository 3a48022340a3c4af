// What a session (or a long-term key) did, as an aggregate: the graph sees millions of events and keeps
// counts, first/last times, the first call per IP and per user-agent family, the first call of each
// watched event name and a few error samples, never the events themselves. Every "first" breaks ties
// on the event id, so merging workers' shares in any order gives the same aggregate.
import type {Activity} from '../../report/types.js'
import type {TrailEvent} from '../event.js'
import {SmallMap} from './small-map.js'

/** Error samples kept per session: the earliest ones, enough to show denials after a revocation. */
const MAX_ERROR_SAMPLES = 50

export interface ErrorSample {
  time: number
  name: string
  code: string
  ip: string
  id: string
}

/** Addresses that say nothing about where the caller sits. */
export function meaningfulIp(e: TrailEvent): string | undefined {
  const ip = e.ip
  if (!ip || ip === 'AWS Internal' || ip.endsWith('.amazonaws.com')) return undefined
  return ip
}

/**
 * The console's own back end calls on a signed-in user's behalf from Amazon's 72.21.217.0/24 (seen in
 * grycap's console sessions beside the user's browser IP): such a call says nothing about the user.
 */
export function isConsoleRelayIp(ip: string): boolean {
  return ip.startsWith('72.21.217.')
}

/** User agents of AWS's own runtimes and services (Lambda workers, ECS tasks, OpsWorks, EMR, internal callers): a service-held session using them is the service. */
const RUNTIME_UA = /^\[?(aws-internal|awslambda-worker|AWS Internal|OpsWorks |ElasticMapReduce|Elastic ?Beanstalk|AWSConfig)|\.amazonaws\.com\]?$|exec-env\/AWS_(Lambda|ECS)/

/** Few distinct user agents, millions of events: remember the verdict instead of running the regex. */
const runtimeCache = new Map<string, boolean>()
export function isRuntimeUa(ua: string): boolean {
  let v = runtimeCache.get(ua)
  if (v === undefined) {
    if (runtimeCache.size > 10_000) runtimeCache.clear()
    v = RUNTIME_UA.test(ua)
    runtimeCache.set(ua, v)
  }
  return v
}

const familyCache = new Map<string, string>()
/**
 * A user agent's product, without versions: `aws-cli`, `boto3`, `aws-sdk-go-v2`, `mozilla`. S3 writes
 * agents in brackets. Versions change with every upgrade; a change of product is what a person notices.
 */
export function uaFamily(ua: string | undefined): string {
  if (!ua) return ''
  let f = familyCache.get(ua)
  if (f === undefined) {
    if (familyCache.size > 10_000) familyCache.clear()
    const m = /^\[?\s*([^/\s\]]+)/.exec(ua)
    f = (m ? m[1] : ua).toLowerCase()
    familyCache.set(ua, f)
  }
  return f
}

/** Per source IP: calls, the first call, calls made directly (not by the console or a service on the caller's behalf), of those the ones not from an AWS runtime, and console calls from the user's own browser. */
export interface IpStat {
  n: number
  first: number
  firstId: string
  firstName: string
  direct: number
  human: number
  console: number
}

/** The first call seen of something (a user-agent family, a watched event name), and how many. */
export interface Mark {
  n: number
  first: number
  firstId: string
  ip: string
}

/** Event names whose first call a detection names as evidence (reconnaissance, secret reads). */
export const WATCHED = new Set([
  'GetCallerIdentity',
  'ListBuckets',
  'GetAccountAuthorizationDetails',
  'ListUsers',
  'ListRoles',
  'ListAccessKeys',
  'GetSecretValue',
  'BatchGetSecretValue',
  'ListSecrets',
  'GetParameter',
  'GetParameters',
  'GetParametersByPath',
  'GetPasswordData',
  'DescribeInstanceAttribute',
])

/** Errors that mean "not allowed": their first call is kept as a mark under this key. */
export const DENIED = /AccessDenied|UnauthorizedOperation|Unauthorized|Forbidden/
export const DENIED_MARK = '!denied'

const earlier = (t: number, id: string, m: {first: number; firstId: string}) => t < m.first || (t === m.first && id < m.firstId)

function markOf(map: SmallMap<string, Mark>, key: string, e: TrailEvent): void {
  const m = map.get(key)
  if (!m) map.set(key, {n: 1, first: e.time, firstId: e.id, ip: e.ip})
  else {
    m.n++
    if (earlier(e.time, e.id, m)) [m.first, m.firstId, m.ip] = [e.time, e.id, e.ip]
  }
}

/** Returns a string as it is, or the one equal instance of it a table keeps (see ActivityAcc.merge). */
export type Intern = (s: string) => string
const asIs: Intern = (s) => s

function addCounts(into: SmallMap<string, number>, from: ReadonlyMap<string, number>, I: Intern): void {
  for (const [k, v] of from) into.set(I(k), (into.get(k) ?? 0) + v)
}

function mergeMarks(into: SmallMap<string, Mark>, from: ReadonlyMap<string, Mark>, I: Intern, ids: Intern): void {
  for (const [k, o] of from) {
    const m = into.get(k)
    if (!m) into.set(I(k), {n: o.n, first: o.first, firstId: ids(o.firstId), ip: I(o.ip)})
    else {
      m.n += o.n
      if (earlier(o.first, o.firstId, m)) [m.first, m.firstId, m.ip] = [o.first, ids(o.firstId), I(o.ip)]
    }
  }
}

/**
 * What a reader sees for a map or set a session never filled: one shared empty instance that refuses
 * writes (a write through it would leak into every session).
 */
class EmptyMap<K, V> extends Map<K, V> {
  override set(): this {
    throw new Error('ActivityAcc: write to a shared empty map')
  }
}
class EmptySet<T> extends Set<T> {
  override add(): this {
    throw new Error('ActivityAcc: write to a shared empty set')
  }
}
const NO_COUNTS: ReadonlyMap<string, number> = new EmptyMap()
const NO_MARKS: ReadonlyMap<string, Mark> = new EmptyMap()
const NO_IPS: ReadonlyMap<string, IpStat> = new EmptyMap()
const NO_REGIONS: ReadonlySet<string> = new EmptySet()
const NO_SAMPLES: readonly ErrorSample[] = Object.freeze([])

/**
 * Memory: a 1M-event trail can hold 100k+ sessions, and an empty Map or Set costs more than the few
 * values most sessions put in it. So the keyed ones are SmallMaps (a flat array until they grow), the
 * rarely filled ones (errors, marks, via, samples) are made on the first value, and the region, nearly always one, is kept inline until a second one appears.
 * Readers get read-only views (a shared empty when nothing was seen).
 */
export class ActivityAcc {
  calls = 0
  private _byName?: SmallMap<string, number>
  private _errors?: SmallMap<string, number>
  first = Infinity
  last = -Infinity
  private _ips?: SmallMap<string, IpStat>
  /** The only region seen, while there is one; `_regions` once there are two. */
  private _region?: string
  private _regions?: Set<string>
  private _errorSamples?: ErrorSample[]
  private _agents?: SmallMap<string, Mark>
  private _marks?: SmallMap<string, Mark>
  /** Calls whose user agent carries lockdown's run id: the responder's tool, not the attacker. */
  lockdown = 0
  private _via?: SmallMap<string, number>
  /** sessionContext mfaAuthenticated seen on calls: 1 false, 2 true (bits, so merging is order-free). */
  mfaSeen = 0

  /** Calls per event name. */
  get byName(): ReadonlyMap<string, number> {
    return this._byName ?? NO_COUNTS
  }
  /** Calls per error code. */
  get errors(): ReadonlyMap<string, number> {
    return this._errors ?? NO_COUNTS
  }
  /** The first-seen time lets us name the IP a session started from. */
  get ips(): ReadonlyMap<string, IpStat> {
    return this._ips ?? NO_IPS
  }
  get regions(): ReadonlySet<string> {
    return this._regions ?? (this._region !== undefined ? new Set([this._region]) : NO_REGIONS)
  }
  /** The earliest error calls (by time, then id), at most MAX_ERROR_SAMPLES. */
  get errorSamples(): readonly ErrorSample[] {
    return this._errorSamples ?? NO_SAMPLES
  }
  /** Direct calls per user-agent family. */
  get agents(): ReadonlyMap<string, Mark> {
    return this._agents ?? NO_MARKS
  }
  /** First call per WATCHED event name. */
  get marks(): ReadonlyMap<string, Mark> {
    return this._marks ?? NO_MARKS
  }
  /** Calls per invokedBy (the console's signin, a service acting for the caller). */
  get via(): ReadonlyMap<string, number> {
    return this._via ?? NO_COUNTS
  }

  private addRegion(r: string): void {
    if (this._regions) this._regions.add(r)
    else if (this._region === undefined) this._region = r
    else if (this._region !== r) {
      this._regions = new Set([this._region, r])
      this._region = undefined
    }
  }

  add(e: TrailEvent): void {
    this.calls++
    const byName = (this._byName ??= new SmallMap())
    byName.set(e.name, (byName.get(e.name) ?? 0) + 1)
    if (e.time < this.first) this.first = e.time
    if (e.time > this.last) this.last = e.time
    if (e.region) this.addRegion(e.region)
    const ip = meaningfulIp(e)
    const invokedBy = e.actor.invokedBy
    if (ip) {
      const ips = (this._ips ??= new SmallMap())
      let cur = ips.get(ip)
      if (!cur) {
        cur = {n: 0, first: e.time, firstId: e.id, firstName: e.name, direct: 0, human: 0, console: 0}
        ips.set(ip, cur)
      }
      cur.n++
      if (earlier(e.time, e.id, cur)) [cur.first, cur.firstId, cur.firstName] = [e.time, e.id, e.name]
      if (!invokedBy) {
        cur.direct++
        if (!isRuntimeUa(e.userAgent ?? '')) cur.human++
      } else if (invokedBy === 'signin.amazonaws.com' && !isConsoleRelayIp(ip)) cur.console++
    }
    if (e.actor.mfa !== undefined) this.mfaSeen |= e.actor.mfa ? 2 : 1
    // Before invokedBy existed (eventVersion 1.01), console calls said so in their user agent.
    const by = invokedBy ?? (e.userAgent === 'console.amazonaws.com' ? 'signin.amazonaws.com' : undefined)
    if (by) {
      const via = (this._via ??= new SmallMap())
      via.set(by, (via.get(by) ?? 0) + 1)
    }
    if (e.error && DENIED.test(e.error)) markOf((this._marks ??= new SmallMap()), DENIED_MARK, e)
    if (!invokedBy && e.userAgent) markOf((this._agents ??= new SmallMap()), uaFamily(e.userAgent), e)
    if (WATCHED.has(e.name)) markOf((this._marks ??= new SmallMap()), e.name, e)
    if (e.userAgent && isLockdownUa(e.userAgent)) this.lockdown++
    if (e.error) {
      const errors = (this._errors ??= new SmallMap())
      errors.set(e.error, (errors.get(e.error) ?? 0) + 1)
      this.addSample({time: e.time, name: e.name, code: e.error, ip: e.ip, id: e.id})
    }
  }

  /** Keeps the earliest samples (by time, then id): the same set whatever the arrival order. */
  private addSample(s: ErrorSample): void {
    const list = (this._errorSamples ??= [])
    if (list.length >= MAX_ERROR_SAMPLES) {
      const last = list[list.length - 1]
      if (!(s.time < last.time || (s.time === last.time && s.id < last.id))) return
      list.pop()
    }
    let i = list.length
    while (i > 0 && (list[i - 1].time > s.time || (list[i - 1].time === s.time && list[i - 1].id > s.id))) i--
    list.splice(i, 0, s)
  }

  /**
   * Adds another accumulation of the same subject (another worker's, another key's) to this one. Nothing
   * of `o` is kept by reference: with `intern`, the strings that recur across sessions (event names, IPs,
   * error codes, regions, agent families) become the one instance the table keeps, and event ids the one
   * instance `ids` keeps. Structured clone gives each object its own copy of every string it holds, and a
   * worker's results come through it.
   */
  merge(o: ActivityAcc, I: Intern = asIs, ids: Intern = asIs): void {
    this.calls += o.calls
    if (o._byName) addCounts((this._byName ??= new SmallMap()), o._byName, I)
    if (o._errors) addCounts((this._errors ??= new SmallMap()), o._errors, I)
    this.first = Math.min(this.first, o.first)
    this.last = Math.max(this.last, o.last)
    if (o._ips) {
      const ips = (this._ips ??= new SmallMap())
      for (const [ip, st] of o._ips) {
        const cur = ips.get(ip)
        if (cur) {
          cur.n += st.n
          if (earlier(st.first, st.firstId, cur)) [cur.first, cur.firstId, cur.firstName] = [st.first, ids(st.firstId), I(st.firstName)]
          cur.direct += st.direct
          cur.human += st.human
          cur.console += st.console
        } else ips.set(I(ip), {n: st.n, first: st.first, firstId: ids(st.firstId), firstName: I(st.firstName), direct: st.direct, human: st.human, console: st.console})
      }
    }
    if (o._region !== undefined) this.addRegion(I(o._region))
    if (o._regions) for (const r of o._regions) this.addRegion(I(r))
    if (o._errorSamples) for (const x of o._errorSamples) this.addSample({time: x.time, name: I(x.name), code: I(x.code), ip: I(x.ip), id: ids(x.id)})
    if (o._agents) mergeMarks((this._agents ??= new SmallMap()), o._agents, I, ids)
    if (o._marks) mergeMarks((this._marks ??= new SmallMap()), o._marks, I, ids)
    this.lockdown += o.lockdown
    if (o._via) addCounts((this._via ??= new SmallMap()), o._via, I)
    this.mfaSeen |= o.mfaSeen
  }

  /** An ActivityAcc that crossed a worker boundary (structured clone keeps fields, not classes): its class back, in place. */
  static revive(o: ActivityAcc): ActivityAcc {
    const a = Object.setPrototypeOf(o, ActivityAcc.prototype) as ActivityAcc
    for (const m of [a._byName, a._errors, a._ips, a._agents, a._marks, a._via] as (SmallMap<string, unknown> | undefined)[]) if (m) SmallMap.revive(m)
    return a
  }

  /** The IP of the earliest call, if any call had a meaningful one. */
  firstIp(): string | undefined {
    let best: string | undefined
    let t = Infinity
    let id = ''
    for (const [ip, st] of this.ips) if (st.first < t || (st.first === t && st.firstId < id)) [best, t, id] = [ip, st.first, st.firstId]
    return best
  }

  toActivity(): Activity {
    const sorted = (m: ReadonlyMap<string, number>) => Object.fromEntries([...m].sort((a, b) => b[1] - a[1] || cmp(a[0], b[0])))
    return {
      calls: this.calls,
      byName: sorted(this.byName),
      errors: sorted(this.errors),
      first: this.calls ? new Date(this.first).toISOString() : undefined,
      last: this.calls ? new Date(this.last).toISOString() : undefined,
      ips: Object.fromEntries([...this.ips].sort((a, b) => a[1].first - b[1].first || cmp(a[1].firstId, b[1].firstId)).map(([ip, st]) => [ip, st.n])),
      regions: [...this.regions].sort(),
      ...(this.lockdown ? {lockdownCalls: this.lockdown} : {}),
    }
  }
}

/** lockdown puts `lockdown/<version> run/<id>` in every SDK user agent (engine/run-id). */
export function isLockdownUa(ua: string): boolean {
  return ua.includes('lockdown/') && ua.includes(' run/')
}

/** Code-unit order: ISO times and ids sort correctly, and it is far cheaper than localeCompare (ICU). */
export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

export function iso(ms: number | undefined): string | undefined {
  return ms === undefined || !Number.isFinite(ms) ? undefined : new Date(ms).toISOString()
}
