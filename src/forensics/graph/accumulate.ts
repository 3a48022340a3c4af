// One pass over the events, in any order: everything the graph needs is accumulated here, keyed so the
// final join (link.ts) never depends on arrival order. Memory grows with sessions and keys, not events
// (and 16 bytes an event for the ids that drop repeated deliveries, seen-ids.ts).
//
// Same answer every time: whatever the file order or the split across workers, what the join reads is
// the same. Maps and lists are read back sorted (seal()); a cap keeps the earliest entries by time and
// id, never the first to arrive; of two copies of one event (a repeat, or the two accounts' copies of a
// cross-account call) the kept id and the credited account are chosen by value, not by arrival.
import type {Actor, Issued, TrailEvent} from '../event.js'
import {NOTED_EVENTS} from '../event.js'
import {ActivityAcc, isLockdownUa, type Intern} from './activity.js'
import {idHash, SeenIds} from './seen-ids.js'

export interface IssueRec {
  id: string
  name: string
  time: number
  ip: string
  userAgent?: string
  account?: string
  region: string
  error?: string
  actor: Actor
  issued: Issued
  /** Accounts that logged this issuance (cross-account AssumeRole is logged in both). */
  accounts: Set<string>
}

/** A session as seen by its calls: one (key, creationDate, ARN). */
export interface ObservedRec {
  key: string
  created: number
  arn: string
  /** The actor of its earliest call (by time, then event id). */
  actor: Actor
  firstAt: number
  firstId: string
  account?: string
  activity: ActivityAcc
}

export interface LongTermRec {
  arn: string
  key?: string
  activity: ActivityAcc
  /** Calls per second of use: bounded by distinct seconds, exact enough to say "used after it was reactivated". */
  useSeconds: Map<number, number>
}

export interface NoteRec {
  time: number
  name: string
  eventId: string
  actor: Actor
  ip: string
  error?: string
  params?: TrailEvent['params']
  /** Made by lockdown itself (its user agent carries the run id). */
  lockdown?: boolean
}

/** Calls made without IAM credentials of this account: anonymous, or another account's principal (S3 data events). */
export interface ExternalRec {
  /** 'anonymous' or the calling account id. */
  account: string
  ip: string
  activity: ActivityAcc
}

/**
 * Notes kept per list (persistence calls, key status changes, failed issuance...): lists that grow with
 * an attacker's calls rather than with sessions. Past the cap the earliest by time and id are kept (the
 * same ones in any order) and the rest counted. Console logins are never capped: each is a session.
 */
const MAX_NOTES = 50_000

/** One cross-account event's copies: the id kept (the least) and the records that carry it. */
interface SharedRec {
  id: string
  recs: (IssueRec | NoteRec)[]
}

const byTimeThenId = (a: {time: number; id?: string; eventId?: string}, b: {time: number; id?: string; eventId?: string}) => {
  if (a.time !== b.time) return a.time - b.time
  const x = a.eventId ?? a.id ?? ''
  const y = b.eventId ?? b.id ?? ''
  return x < y ? -1 : x > y ? 1 : 0
}

function sortedMap<V>(m: Map<string, V>): Map<string, V> {
  return new Map([...m].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)))
}

/** The account of an ARN (arn:aws:sts::123456789012:assumed-role/…), if it names one. */
function arnAccount(arn: string | undefined): string | undefined {
  const m = arn ? /^arn:[^:]*:[^:]*:[^:]*:(\d{12}):/.exec(arn) : null
  return m ? m[1] : undefined
}

export interface AccumulatorOptions {
  /** Drop repeated deliveries (same eventID) here. Off in workers, whose events the main thread vets (parallel/scan.ts). */
  dedupe?: boolean
}

export class Accumulator {
  events = 0
  duplicates = 0
  /** Records delivered more than once (same eventID), dropped after the first. */
  repeats = 0
  private _issues = new Map<string, IssueRec>()
  private _failedIssues: IssueRec[] = []
  private _logins: IssueRec[] = []
  private _observed = new Map<string, ObservedRec>()
  private _longTerm = new Map<string, LongTermRec>()
  private _persistence: NoteRec[] = []
  private _keyStatus: NoteRec[] = []
  private _revocations: NoteRec[] = []
  private _notesDropped = 0
  private _external = new Map<string, ExternalRec>()
  private sealed = true
  private shared = new Map<string, SharedRec>()
  readonly ids?: SeenIds

  constructor(opts: AccumulatorOptions = {}) {
    if (opts.dedupe !== false) this.ids = new SeenIds()
  }

  // Read back sorted and capped (see seal): what the join and the flags see is the same in any order.
  get issues(): Map<string, IssueRec> {
    return this.seal()._issues
  }
  get failedIssues(): IssueRec[] {
    return this.seal()._failedIssues
  }
  get logins(): IssueRec[] {
    return this.seal()._logins
  }
  get observed(): Map<string, ObservedRec> {
    return this.seal()._observed
  }
  get longTerm(): Map<string, LongTermRec> {
    return this.seal()._longTerm
  }
  get persistence(): NoteRec[] {
    return this.seal()._persistence
  }
  get keyStatus(): NoteRec[] {
    return this.seal()._keyStatus
  }
  get revocations(): NoteRec[] {
    return this.seal()._revocations
  }
  get external(): Map<string, ExternalRec> {
    return this.seal()._external
  }
  get notesDropped(): number {
    return this.seal()._notesDropped
  }

  /** Sorts maps by key and lists by time and id, and applies the caps: once per batch of adds. */
  seal(): this {
    if (this.sealed) return this
    this._issues = sortedMap(this._issues)
    this._observed = sortedMap(this._observed)
    this._longTerm = sortedMap(this._longTerm)
    this._external = sortedMap(this._external)
    this._logins.sort(byTimeThenId)
    for (const list of [this._failedIssues, this._persistence, this._keyStatus, this._revocations] as {time: number}[][]) this.cap(list, MAX_NOTES)
    this.sealed = true
    return this
  }

  /** Keeps the earliest `max` of a list (by time, then id), counting the rest as dropped. */
  private cap(list: {time: number}[], max: number): void {
    list.sort(byTimeThenId)
    if (list.length > max) {
      this._notesDropped += list.length - max
      list.length = max
    }
  }

  /** A list past twice its cap is cut back to the cap now: memory stays bounded, the kept set stays the earliest. */
  private push<T extends {time: number}>(list: T[], x: T): void {
    list.push(x)
    if (list.length > 2 * MAX_NOTES) this.cap(list, MAX_NOTES)
  }

  /** An accumulator that crossed a worker boundary (structured clone drops class prototypes). */
  static revive(o: Accumulator): Accumulator {
    const acc = Object.assign(new Accumulator({dedupe: false}), o)
    // The clone's own objects get their class back in place: copying each into a new ActivityAcc would
    // hold two of every session's activity until the next GC, at the moment memory peaks.
    for (const r of acc._observed.values()) ActivityAcc.revive(r.activity)
    for (const r of acc._longTerm.values()) ActivityAcc.revive(r.activity)
    for (const r of acc._external.values()) ActivityAcc.revive(r.activity)
    return acc
  }

  /**
   * Folds another accumulator (a worker's part of the files) into this one. Sessions, principals and
   * external callers are copied, not adopted, with their recurring strings interned: `o` came through
   * structured clone, which gives every session its own copy of each event name, IP and account id, and
   * builds its objects slower to read and larger than these. `o` is garbage afterwards (a worker sends
   * its parts as it goes, so each is small). Issuances and notes, few, are adopted as they are.
   */
  merge(o: Accumulator, I: Intern = internTable()): void {
    // Event ids recur within a part (a session's first call is often its first from an IP, its first
    // error...): one instance each while this part is merged, then the table goes.
    const ids = internTable()
    this.sealed = false
    this.events += o.events
    this.duplicates += o.duplicates
    this.repeats += o.repeats
    this._notesDropped += o._notesDropped
    for (const [k, rec] of o._issues) {
      const prev = this._issues.get(k)
      if (prev) this.sameIssue(prev, rec)
      else this._issues.set(k, rec)
    }
    for (const [k, rec] of o._observed) {
      const prev = this._observed.get(k)
      if (!prev) {
        const activity = new ActivityAcc()
        activity.merge(rec.activity, I, ids)
        this._observed.set(k, {key: rec.key, created: rec.created, arn: rec.arn, actor: internActor(rec.actor, I, rec), firstAt: rec.firstAt, firstId: ids(rec.firstId), account: rec.account && I(rec.account), activity})
        continue
      }
      prev.activity.merge(rec.activity, I, ids)
      if (rec.firstAt < prev.firstAt || (rec.firstAt === prev.firstAt && rec.firstId < prev.firstId)) [prev.actor, prev.firstAt, prev.firstId] = [internActor(rec.actor, I, prev), rec.firstAt, ids(rec.firstId)]
    }
    for (const [k, rec] of o._longTerm) {
      let prev = this._longTerm.get(k)
      if (!prev) {
        prev = {arn: I(rec.arn), key: rec.key, activity: new ActivityAcc(), useSeconds: new Map()}
        this._longTerm.set(k, prev)
      }
      prev.activity.merge(rec.activity, I, ids)
      for (const [sec, n] of rec.useSeconds) prev.useSeconds.set(sec, (prev.useSeconds.get(sec) ?? 0) + n)
    }
    for (const [k, rec] of o._external) {
      let prev = this._external.get(k)
      if (!prev) {
        prev = {account: I(rec.account), ip: I(rec.ip), activity: new ActivityAcc()}
        this._external.set(k, prev)
      }
      prev.activity.merge(rec.activity, I, ids)
    }
    for (const x of o._failedIssues) this.push(this._failedIssues, x)
    for (const x of o._logins) this._logins.push(x)
    for (const x of o._persistence) this.push(this._persistence, x)
    for (const x of o._keyStatus) this.push(this._keyStatus, x)
    for (const x of o._revocations) this.push(this._revocations, x)
  }

  add(e: TrailEvent): void {
    if (this.ids && !e.synthetic) {
      const [hi, lo] = idHash(e.id)
      if (!this.ids.add(hi, lo)) {
        this.repeats++
        return
      }
    }
    this.sealed = false
    // Cross-account events are logged in each account with one sharedEventID: count them once.
    let shared: SharedRec | undefined
    if (e.sharedId) {
      const prev = this.shared.get(e.sharedId)
      if (prev) {
        this.duplicates++
        this.sameEvent(prev, e)
        return
      }
      shared = {id: e.id, recs: []}
      this.shared.set(e.sharedId, shared)
    }
    this.events++
    if (e.issued) this.addIssue(e, shared)
    this.addUse(e)
    if (NOTED_EVENTS.has(e.name)) this.note(this._persistence, e, shared)
    if (e.name === 'UpdateAccessKey' || e.name === 'CreateAccessKey' || e.name === 'DeleteAccessKey') this.note(this._keyStatus, e, shared)
    if ((e.name === 'PutRolePolicy' || e.name === 'PutUserPolicy') && !e.error && /aws:TokenIssueTime/.test(e.params?.policyDocument ?? '')) {
      this.note(this._revocations, e, shared)
    }
  }

  private note(list: NoteRec[], e: TrailEvent, shared?: SharedRec): void {
    const rec: NoteRec = {time: e.time, name: e.name, eventId: e.id, actor: e.actor, ip: e.ip, error: e.error, params: e.params, lockdown: e.userAgent ? isLockdownUa(e.userAgent) : undefined}
    shared?.recs.push(rec)
    this.push(list, rec)
  }

  /**
   * Another account's copy of an event already counted: its account is added to the issuance, and the
   * least of the copies' ids is the one every record keeps, whichever copy came first.
   */
  private sameEvent(prev: SharedRec, e: TrailEvent): void {
    const rec = e.issued?.accessKeyId ? this._issues.get(issueKey(e)) : undefined
    if (rec && e.account) {
      rec.accounts.add(e.account)
      rec.account = creditedAccount(rec)
    }
    if (e.id < prev.id) {
      prev.id = e.id
      for (const r of prev.recs) {
        if ('eventId' in r) r.eventId = e.id
        else r.id = e.id
      }
    }
  }

  /** Two records of one issuance (the same key, time and ARN): one record, the same whichever came first. */
  private sameIssue(prev: IssueRec, rec: IssueRec): void {
    for (const a of rec.accounts) prev.accounts.add(a)
    if (rec.id < prev.id) {
      const accounts = prev.accounts
      Object.assign(prev, rec, {accounts})
    }
    prev.account = creditedAccount(prev)
  }

  private addIssue(e: TrailEvent, shared?: SharedRec): void {
    const rec: IssueRec = {
      id: e.id,
      name: e.name,
      time: e.time,
      ip: e.ip,
      userAgent: e.userAgent,
      account: e.account,
      region: e.region,
      error: e.error,
      actor: e.actor,
      issued: e.issued!,
      accounts: new Set(e.account ? [e.account] : []),
    }
    shared?.recs.push(rec)
    if (e.name === 'ConsoleLogin' || e.name === 'SwitchRole') {
      this._logins.push(rec)
    } else if (e.error || !e.issued?.accessKeyId) {
      this.push(this._failedIssues, rec)
    } else {
      const k = issueKey(e)
      const prev = this._issues.get(k)
      if (prev) this.sameIssue(prev, rec)
      else {
        rec.account = creditedAccount(rec)
        this._issues.set(k, rec)
      }
    }
  }

  private addExternal(e: TrailEvent): void {
    // A cross-account AssumeRole's copy in the target account is a session, linked elsewhere; not data access.
    const account = e.issued ? undefined : externalAccount(e)
    if (!account || !e.ip) return
    const k = `${account}|${e.ip}`
    let rec = this._external.get(k)
    if (!rec) {
      rec = {account, ip: e.ip, activity: new ActivityAcc()}
      this._external.set(k, rec)
    }
    rec.activity.add(e)
  }

  private addUse(e: TrailEvent): void {
    const use = useOf(e.actor)
    if (!use) {
      this.addExternal(e)
      return
    }
    const a = e.actor
    if (use.session) {
      let rec = this._observed.get(use.key)
      if (!rec) {
        // The session's account is the one its ARN names, not whichever account's copy of a call came first.
        rec = {key: a.accessKeyId!, created: a.sessionCreated ?? 0, arn: a.arn!, actor: a, firstAt: e.time, firstId: e.id, account: arnAccount(a.arn) ?? e.account, activity: new ActivityAcc()}
        this._observed.set(use.key, rec)
      } else if (e.time < rec.firstAt || (e.time === rec.firstAt && e.id < rec.firstId)) [rec.actor, rec.firstAt, rec.firstId] = [a, e.time, e.id]
      rec.activity.add(e)
      return
    }
    // Long-term identities: IAM user keys and root. Calls with no key (console-invoked) count for the user.
    if (e.name === 'ConsoleLogin') return
    let rec = this._longTerm.get(use.key)
    if (!rec) {
      rec = {arn: a.arn!, key: a.accessKeyId, activity: new ActivityAcc(), useSeconds: new Map()}
      this._longTerm.set(use.key, rec)
    }
    rec.activity.add(e)
    const sec = Math.floor(e.time / 1000)
    rec.useSeconds.set(sec, (rec.useSeconds.get(sec) ?? 0) + 1)
  }
}

/** The account an AWSAccount caller belongs to when it is not this one ('anonymous' for unsigned S3 reads). */
function externalAccount(e: TrailEvent): string | undefined {
  const a = e.actor
  if (a.type !== 'AWSAccount') return undefined
  const acct = a.accountId ?? a.principalId ?? ''
  if (acct === 'ANONYMOUS_PRINCIPAL' || acct === 'anonymous' || acct === '') return 'anonymous'
  return acct !== e.account ? acct : undefined
}

/** Whose activity an actor's calls count for: a session (key, creationDate, ARN) or a long-term identity. */
interface Use {
  session: boolean
  key: string
}

/**
 * Use per Actor object. The file scanner hands every call of a session the same Actor, so the key string
 * is built (and hashed by the Maps above) once per session instead of once per event.
 */
const uses = new WeakMap<Actor, Use | null>()

function useOf(a: Actor): Use | null {
  let use = uses.get(a)
  if (use === undefined) {
    const key = a.accessKeyId
    if (key && key.startsWith('ASIA') && a.arn) use = {session: true, key: `${key}|${a.sessionCreated ?? 0}|${a.arn}`}
    else if ((a.type === 'IAMUser' || a.type === 'Root') && a.arn) use = {session: false, key: `${a.arn}|${key ?? ''}`}
    else use = null
    uses.set(a, use)
  }
  return use
}

/**
 * The account a cross-account issuance is credited to: the one the new session lives in (its ARN's
 * account) when that account logged it, else the least of the accounts that did. Never arrival order.
 */
function creditedAccount(rec: IssueRec): string | undefined {
  const own = arnAccount(rec.issued.arn) ?? arnAccount(rec.issued.roleArn)
  if (own && rec.accounts.has(own)) return own
  return [...rec.accounts].sort()[0] ?? rec.account
}

/** Issued credentials are identified by key + issue time + the ARN they act as; keys alone recur. */
export function issueKey(e: TrailEvent): string {
  return `${e.issued?.accessKeyId}|${e.time}|${e.issued?.arn ?? ''}`
}

/**
 * A table of strings seen: each value comes back as the first instance of it. Only for values that recur
 * across sessions (names, IPs, accounts, ARNs of users and roles); a session's own key or event ids are
 * kept as they are, since a table entry for a value seen once costs more than it saves.
 */
export function internTable(): Intern {
  const table = new Map<string, string>()
  return (s) => {
    const hit = table.get(s)
    if (hit !== undefined) return hit
    table.set(s, s)
    return s
  }
}

/**
 * A copy of an actor with its recurring strings interned, its fields in the order actorOf makes them.
 * Its session's key and ARN are the record's own strings (the clone made a copy of each for both).
 */
function internActor(a: Actor, I: Intern, session: {key: string; arn: string}): Actor {
  const i = (s: string | undefined) => (s === undefined ? undefined : I(s))
  const longTerm = a.type === 'IAMUser' || a.type === 'Root'
  return {
    type: I(a.type),
    arn: longTerm ? i(a.arn) : a.arn === session.arn ? session.arn : a.arn,
    principalId: longTerm ? i(a.principalId) : a.principalId,
    accountId: i(a.accountId),
    accessKeyId: a.accessKeyId === session.key ? session.key : a.accessKeyId,
    userName: i(a.userName),
    invokedBy: i(a.invokedBy),
    sessionCreated: a.sessionCreated,
    mfa: a.mfa,
    issuerArn: i(a.issuerArn),
    issuerType: i(a.issuerType),
    sourceIdentity: a.sourceIdentity,
    ec2RoleDelivery: i(a.ec2RoleDelivery),
  }
}
