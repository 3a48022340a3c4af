// One pass over the events, in any order: everything the graph needs is accumulated here, keyed so the
// final join (link.ts) never depends on arrival order. Memory grows with sessions and keys, not events.
import type {Actor, Issued, TrailEvent} from '../event.js'
import {NOTED_EVENTS} from '../event.js'
import {ActivityAcc, isLockdownUa} from './activity.js'

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
  actor: Actor
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

/** Caps for the lists that grow with events rather than sessions. */
const MAX_NOTES = 5000

export class Accumulator {
  events = 0
  duplicates = 0
  issues = new Map<string, IssueRec>()
  failedIssues: IssueRec[] = []
  logins: IssueRec[] = []
  observed = new Map<string, ObservedRec>()
  longTerm = new Map<string, LongTermRec>()
  persistence: NoteRec[] = []
  keyStatus: NoteRec[] = []
  revocations: NoteRec[] = []
  notesDropped = 0
  external = new Map<string, ExternalRec>()
  private shared = new Set<string>()

  /** An accumulator that crossed a worker boundary (structured clone drops class prototypes). */
  static revive(o: Accumulator): Accumulator {
    const acc = Object.assign(new Accumulator(), o)
    for (const r of acc.observed.values()) r.activity = Object.assign(new ActivityAcc(), r.activity)
    for (const r of acc.longTerm.values()) r.activity = Object.assign(new ActivityAcc(), r.activity)
    for (const r of acc.external.values()) r.activity = Object.assign(new ActivityAcc(), r.activity)
    return acc
  }

  /** Folds another accumulator (another worker's share of the files) into this one. */
  merge(o: Accumulator): void {
    this.events += o.events
    this.duplicates += o.duplicates
    this.notesDropped += o.notesDropped
    for (const [k, rec] of o.issues) {
      const prev = this.issues.get(k)
      if (prev) for (const a of rec.accounts) prev.accounts.add(a)
      else this.issues.set(k, rec)
    }
    for (const [k, rec] of o.observed) {
      const prev = this.observed.get(k)
      if (prev) prev.activity.merge(rec.activity)
      else this.observed.set(k, rec)
    }
    for (const [k, rec] of o.longTerm) {
      const prev = this.longTerm.get(k)
      if (!prev) {
        this.longTerm.set(k, rec)
        continue
      }
      prev.activity.merge(rec.activity)
      for (const [sec, n] of rec.useSeconds) prev.useSeconds.set(sec, (prev.useSeconds.get(sec) ?? 0) + n)
    }
    for (const [k, rec] of o.external) {
      const prev = this.external.get(k)
      if (prev) prev.activity.merge(rec.activity)
      else this.external.set(k, rec)
    }
    const cat = <T>(into: T[], from: T[]) => {
      for (const x of from) {
        if (into.length < MAX_NOTES) into.push(x)
        else this.notesDropped++
      }
    }
    cat(this.failedIssues, o.failedIssues)
    cat(this.logins, o.logins)
    cat(this.persistence, o.persistence)
    cat(this.keyStatus, o.keyStatus)
    cat(this.revocations, o.revocations)
  }

  add(e: TrailEvent): void {
    // Cross-account events are logged in each account with one sharedEventID: count them once.
    if (e.sharedId) {
      if (this.shared.has(e.sharedId)) {
        this.duplicates++
        this.noteAccount(e)
        return
      }
      this.shared.add(e.sharedId)
    }
    this.events++
    if (e.issued) this.addIssue(e)
    this.addUse(e)
    if (NOTED_EVENTS.has(e.name)) this.note(this.persistence, e)
    if (e.name === 'UpdateAccessKey' || e.name === 'CreateAccessKey' || e.name === 'DeleteAccessKey') this.note(this.keyStatus, e)
    if ((e.name === 'PutRolePolicy' || e.name === 'PutUserPolicy') && !e.error && /aws:TokenIssueTime/.test(e.params?.policyDocument ?? '')) {
      this.note(this.revocations, e)
    }
  }

  private note(list: NoteRec[], e: TrailEvent): void {
    if (list.length >= MAX_NOTES) {
      this.notesDropped++
      return
    }
    list.push({time: e.time, name: e.name, eventId: e.id, actor: e.actor, ip: e.ip, error: e.error, params: e.params, lockdown: e.userAgent ? isLockdownUa(e.userAgent) : undefined})
  }

  private noteAccount(e: TrailEvent): void {
    const rec = e.issued?.accessKeyId ? this.issues.get(issueKey(e)) : undefined
    if (rec && e.account) rec.accounts.add(e.account)
  }

  private addIssue(e: TrailEvent): void {
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
    if (e.name === 'ConsoleLogin' || e.name === 'SwitchRole') {
      if (this.logins.length < MAX_NOTES) this.logins.push(rec)
      else this.notesDropped++
    } else if (e.error || !e.issued?.accessKeyId) {
      if (this.failedIssues.length < MAX_NOTES) this.failedIssues.push(rec)
      else this.notesDropped++
    } else {
      const k = issueKey(e)
      const prev = this.issues.get(k)
      if (prev) {
        if (e.account) prev.accounts.add(e.account)
      } else this.issues.set(k, rec)
    }
  }

  private addExternal(e: TrailEvent): void {
    // A cross-account AssumeRole's copy in the target account is a session, linked elsewhere; not data access.
    const account = e.issued ? undefined : externalAccount(e)
    if (!account || !e.ip) return
    const k = `${account}|${e.ip}`
    let rec = this.external.get(k)
    if (!rec) {
      rec = {account, ip: e.ip, activity: new ActivityAcc()}
      this.external.set(k, rec)
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
      let rec = this.observed.get(use.key)
      if (!rec) {
        rec = {key: a.accessKeyId!, created: a.sessionCreated ?? 0, arn: a.arn!, actor: a, account: e.account, activity: new ActivityAcc()}
        this.observed.set(use.key, rec)
      }
      rec.activity.add(e)
      return
    }
    // Long-term identities: IAM user keys and root. Calls with no key (console-invoked) count for the user.
    if (e.name === 'ConsoleLogin') return
    let rec = this.longTerm.get(use.key)
    if (!rec) {
      rec = {arn: a.arn!, key: a.accessKeyId, activity: new ActivityAcc(), useSeconds: new Map()}
      this.longTerm.set(use.key, rec)
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

/** Issued credentials are identified by key + issue time + the ARN they act as; keys alone recur. */
export function issueKey(e: TrailEvent): string {
  return `${e.issued?.accessKeyId}|${e.time}|${e.issued?.arn ?? ''}`
}
