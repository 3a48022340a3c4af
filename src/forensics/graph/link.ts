// The join: issued credentials, the calls made with them, console logins and the sessions behind the
// calls that issued other sessions. Runs once, after all events are in, so arrival order never matters.
// A use joins an issuance on key + ARN + creationDate (within SKEW of the issue time), never on key alone.
import type {Issuer, SessionKind, SessionRow} from '../../report/types.js'
import {ActivityAcc, iso} from './activity.js'
import type {Accumulator, IssueRec, ObservedRec} from './accumulate.js'

/** STS stamps creationDate from its own clock; the issuing event's time can differ by a second or two. */
const SKEW_MS = 5 * 60_000
/** A console session's creationDate is its ConsoleLogin's time, give or take the redirect. */
const CONSOLE_LINK_MS = 2 * 60_000

export interface LinkedSession {
  row: Omit<SessionRow, 'activity' | 'depth' | 'flags'>
  activity: ActivityAcc
  /** The issuing call's actor, to find the parent session. */
  issue?: IssueRec
  parentId?: string
  firstIp?: string
  /** The AWS service that holds these credentials (it issued them, or EC2 delivered them to an instance). */
  serviceHeld?: string
}

/** Roles a service uses for itself by convention: /service-role/ paths, service-linked roles, `aws-opsworks-service-role`. */
const SERVICE_ROLE = /\/(aws-)?service-role\/|service-?role$/i

/** EC2 instance-profile sessions are named after the instance. */
const INSTANCE_SESSION = /^i-[0-9a-fA-F]{8,17}$/

/** A lockdown break-glass grant lives under the /lockdown/ path; a responder's session has MFA and a SourceIdentity. */
function isBreakGlass(row: LinkedSession['row']): boolean {
  return /:role\/lockdown\//.test(row.principal) && row.mfa === true && Boolean(row.sourceIdentity)
}

function roleOf(arn: string, issuerArn?: string): string {
  if (issuerArn) return issuerArn
  // arn:aws:sts::123:assumed-role/Role/session → arn:aws:iam::123:role/Role (paths are lost in STS ARNs).
  const m = /^arn:([^:]+):sts::(\d+):assumed-role\/(.+)\/[^/]+$/.exec(arn)
  return m ? `arn:${m[1]}:iam::${m[2]}:role/${m[3]}` : arn
}

/** Old and service-made AssumeRole records lack assumedRoleUser: rebuild the ARN the session acts as. */
function assumedArnOf(roleArn?: string, sessionName?: string): string | undefined {
  const m = roleArn && sessionName ? /^arn:([^:]+):iam::(\d+):role\/(?:.*\/)?([^/]+)$/.exec(roleArn) : null
  return m ? `arn:${m[1]}:sts::${m[2]}:assumed-role/${m[3]}/${sessionName}` : undefined
}

function sessionNameOf(arn: string): string | undefined {
  const i = arn.lastIndexOf('/')
  return i >= 0 ? arn.slice(i + 1) : undefined
}

function issuerOf(rec: IssueRec): Issuer {
  const a = rec.actor
  if (rec.name === 'AssumeRoleWithSAML') return {kind: 'saml', id: rec.issued.provider ?? a.principalId ?? ''}
  if (rec.name === 'AssumeRoleWithWebIdentity') return {kind: 'oidc', id: rec.issued.provider ?? a.principalId ?? a.userName ?? ''}
  if (a.type === 'AWSService') return {kind: 'service', id: a.invokedBy ?? rec.ip}
  if (a.type === 'AWSAccount') return {kind: 'external-account', id: a.accountId ?? a.principalId ?? '', accessKeyId: a.accessKeyId}
  if (a.type === 'Root') return {kind: 'root', id: a.arn ?? '', accessKeyId: a.accessKeyId}
  if (a.type === 'IAMUser' && !a.accessKeyId?.startsWith('ASIA')) return {kind: 'iam-user', id: a.arn ?? '', accessKeyId: a.accessKeyId}
  if (a.arn && a.accessKeyId) return {kind: 'session', id: a.arn, accessKeyId: a.accessKeyId}
  return {kind: 'unknown', id: a.arn ?? a.principalId ?? ''}
}

function issuedKind(name: string): SessionKind {
  if (name === 'GetFederationToken') return 'federated'
  if (name === 'GetSessionToken') return 'session-token'
  return 'role'
}

export function linkSessions(acc: Accumulator): Map<string, LinkedSession> {
  const sessions = new Map<string, LinkedSession>()
  const byKey = new Map<string, LinkedSession[]>()

  for (const rec of acc.issues.values()) {
    const i = rec.issued
    const arn = i.arn ?? assumedArnOf(i.roleArn, i.sessionName) ?? i.roleArn ?? ''
    const row: LinkedSession['row'] = {
      id: `${i.accessKeyId}|${iso(rec.time)}|${arn}`,
      kind: issuedKind(rec.name),
      arn,
      principal: rec.name === 'GetSessionToken' ? (rec.actor.arn ?? '') : rec.name === 'GetFederationToken' ? (rec.actor.arn ?? arn) : (i.roleArn ?? roleOf(arn)),
      sessionName: i.sessionName,
      accessKeyIds: [i.accessKeyId!],
      account: rec.account,
      issuedAt: iso(rec.time),
      expiresAt: iso(i.expiration),
      sourceIp: rec.ip,
      userAgent: rec.userAgent,
      // An MFA code passed to the issuing call; the session's own calls say so too (below).
      mfa: i.mfa ?? (rec.name === 'GetSessionToken' || rec.name === 'GetFederationToken' ? rec.actor.mfa : undefined),
      sourceIdentity: i.sourceIdentity ?? rec.actor.sourceIdentity,
      issuer: issuerOf(rec),
      inferred: false,
    }
    if (rec.name === 'GetSessionToken') row.arn = rec.actor.arn ?? arn
    const s: LinkedSession = {row, activity: NO_ACTIVITY, issue: rec, serviceHeld: rec.actor.type === 'AWSService' ? (rec.actor.invokedBy ?? rec.ip) : undefined}
    sessions.set(row.id, s)
    const list = byKey.get(i.accessKeyId!) ?? []
    list.push(s)
    byKey.set(i.accessKeyId!, list)
  }

  // Uses → issued sessions; the rest become sessions known only by their calls.
  const groups = new Map<string, ObservedRec[]>()
  const uses = new Map<LinkedSession, ActivityAcc[]>()
  for (const o of acc.observed.values()) {
    const s = matchIssued(byKey.get(o.key), o)
    if (s) {
      const list = uses.get(s)
      if (list) list.push(o.activity)
      else uses.set(s, [o.activity])
      continue
    }
    const g = `${o.arn}|${o.created}`
    const list = groups.get(g) ?? []
    list.push(o)
    groups.set(g, list)
  }

  const logins = acc.logins.filter((l) => l.name === 'ConsoleLogin' && l.issued.success)
  // A console role switch is logged as the new role session itself (no key): same ARN, same moment.
  const switches = acc.logins.filter((l) => l.name === 'SwitchRole' && l.issued.success)
  // Indexed by ARN: logins are not capped, and every session group looking through all of them was quadratic.
  const loginsByArn = byArn(logins)
  const switchesByArn = byArn(switches)
  const usedLogins = new Set<IssueRec>()
  for (const list of groups.values()) {
    const o = list[0]
    const longTerm = o.actor.type === 'IAMUser' || o.actor.type === 'Root'
    const login = closestLogin((longTerm ? loginsByArn : switchesByArn).get(o.arn) ?? [], o)
    if (login && !longTerm) {
      usedLogins.add(login)
      const activity = joined(list.map((x) => x.activity))
      const from = login.issued.switchFrom
      const row: LinkedSession['row'] = {
        id: `${o.arn}|${iso(o.created)}`,
        kind: 'switch-role',
        arn: o.arn,
        principal: login.issued.roleArn ?? roleOf(o.arn, o.actor.issuerArn),
        sessionName: sessionNameOf(o.arn),
        accessKeyIds: [...new Set(list.map((x) => x.key))].sort(),
        account: o.account,
        issuedAt: iso(o.created || undefined),
        sourceIp: login.ip,
        userAgent: login.userAgent,
        mfa: undefined,
        sourceIdentity: o.actor.sourceIdentity,
        issuer: from ? {kind: from.includes(':root') ? 'root' : from.includes(':assumed-role/') ? 'session' : 'iam-user', id: from} : {kind: 'unknown', id: ''},
        consoleLoginId: login.id,
        inferred: false,
      }
      sessions.set(row.id, {row, activity})
      continue
    }
    if (login) usedLogins.add(login)
    const activity = joined(list.map((x) => x.activity))
    // An IAM user's short-lived key with no issuance in the data: a console session whose login is
    // elsewhere (its calls are relayed by signin), a service acting for the user (Lambda's forward access
    // sessions), or a GetSessionToken session.
    const via = longTerm && !login ? [...activity.via.keys()].sort() : []
    const kind: SessionKind = login
      ? 'console'
      : longTerm
        ? via.includes('signin.amazonaws.com')
          ? 'console-inferred'
          : via.length
            ? 'forward-access'
            : 'session-token'
        : o.actor.type === 'FederatedUser'
          ? 'federated'
          : 'role-inferred'
    const row: LinkedSession['row'] = {
      id: `${o.arn}|${iso(o.created)}`,
      kind,
      arn: o.arn,
      principal: longTerm ? o.arn : roleOf(o.arn, o.actor.issuerArn),
      sessionName: longTerm ? undefined : sessionNameOf(o.arn),
      accessKeyIds: [...new Set(list.map((x) => x.key))].sort(),
      account: o.account,
      issuedAt: iso(o.created || undefined),
      sourceIp: login?.ip,
      userAgent: login?.userAgent,
      mfa: login ? login.issued.mfaUsed : undefined,
      sourceIdentity: o.actor.sourceIdentity,
      issuer: login ? {kind: o.actor.type === 'Root' ? 'root' : 'iam-user', id: o.arn} : {kind: 'unknown', id: o.actor.issuerArn ?? ''},
      consoleLoginId: login?.id,
      inferred: !login,
    }
    const ec2 = list.some((x) => x.actor.ec2RoleDelivery) || INSTANCE_SESSION.test(row.sessionName ?? '')
    const runtime = [...activity.ips.values()].some((st) => st.direct > st.human)
    const serviceHeld = kind !== 'role-inferred' ? undefined : ec2 ? 'ec2.amazonaws.com' : runtime ? 'an AWS runtime' : SERVICE_ROLE.test(row.principal) ? 'an AWS service (service role)' : undefined
    sessions.set(row.id, {row, activity, serviceHeld})
  }

  for (const [s, parts] of uses) s.activity = joined(parts)

  // A console login with no calls seen is still a session someone opened.
  for (const l of logins) {
    if (usedLogins.has(l) || !l.actor.arn) continue
    const row: LinkedSession['row'] = {
      id: `${l.actor.arn}|${iso(l.time)}`,
      kind: 'console',
      arn: l.actor.arn,
      principal: l.actor.arn,
      accessKeyIds: [],
      account: l.account,
      issuedAt: iso(l.time),
      sourceIp: l.ip,
      userAgent: l.userAgent,
      mfa: l.issued.mfaUsed,
      issuer: {kind: l.actor.type === 'Root' ? 'root' : 'iam-user', id: l.actor.arn},
      consoleLoginId: l.id,
      inferred: false,
    }
    if (!sessions.has(row.id)) sessions.set(row.id, {row, activity: NO_ACTIVITY})
  }

  linkParents(sessions)
  for (const s of sessions.values()) {
    s.firstIp = s.activity.firstIp()
    // What the session's own calls say (sessionContext mfaAuthenticated) beats the issuer's state.
    if (s.row.kind !== 'console' && s.activity.mfaSeen & 2) s.row.mfa = true
    else if (s.row.kind !== 'console' && s.row.mfa === undefined && s.activity.mfaSeen & 1) s.row.mfa = false
    if (isBreakGlass(s.row)) s.row.breakGlass = true
  }
  return sessions
}

/**
 * A session's activity from its parts. Most sessions have one part (one key, one creationDate), and that
 * part is used as it is rather than copied: a copy of every session's maps, made while the accumulator
 * still holds the originals, was the largest single cost at the memory peak of a 100k-session report.
 * The part stays the accumulator's: nothing here writes to a session's activity (a lookup run adds more
 * events to the accumulator and links again, so a merged copy is made for sessions of several parts).
 */
function joined(parts: ActivityAcc[]): ActivityAcc {
  if (parts.length === 1) return parts[0]
  const activity = new ActivityAcc()
  for (const p of parts) activity.merge(p)
  return activity
}

/** The activity of a session with no calls seen: one shared instance (nothing writes to a linked session's activity). */
const NO_ACTIVITY = new ActivityAcc()

function matchIssued(cands: LinkedSession[] | undefined, o: ObservedRec): LinkedSession | undefined {
  if (!cands) return undefined
  let best: LinkedSession | undefined
  let bestDiff = Infinity
  for (const c of cands) {
    if (c.row.arn !== o.arn) continue
    const diff = o.created ? Math.abs(o.created - c.issue!.time) : 0
    if (diff <= SKEW_MS && diff < bestDiff) [best, bestDiff] = [c, diff]
  }
  return best
}

function byArn(logins: IssueRec[]): Map<string, IssueRec[]> {
  const m = new Map<string, IssueRec[]>()
  for (const l of logins) {
    if (!l.actor.arn) continue
    const list = m.get(l.actor.arn)
    if (list) list.push(l)
    else m.set(l.actor.arn, [l])
  }
  return m
}

function closestLogin(logins: IssueRec[], o: ObservedRec): IssueRec | undefined {
  let best: IssueRec | undefined
  let bestDiff = Infinity
  for (const l of logins) {
    if (l.actor.arn !== o.arn) continue
    const diff = Math.abs(l.time - o.created)
    if (diff <= CONSOLE_LINK_MS && diff < bestDiff) [best, bestDiff] = [l, diff]
  }
  return best
}

/** A session issued by a call made with another session's key: find that session (key + ARN + time). */
function linkParents(sessions: Map<string, LinkedSession>): void {
  const byKey = new Map<string, LinkedSession[]>()
  for (const s of sessions.values()) {
    for (const k of s.row.accessKeyIds) {
      const list = byKey.get(k) ?? []
      list.push(s)
      byKey.set(k, list)
    }
  }
  for (const s of sessions.values()) {
    const a = s.issue?.actor
    if (!a?.accessKeyId?.startsWith('ASIA')) continue
    const cands = (byKey.get(a.accessKeyId) ?? []).filter((c) => c !== s && c.row.arn === a.arn)
    const created = a.sessionCreated
    const parent = cands.find((c) => created === undefined || !c.row.issuedAt || Math.abs(Date.parse(c.row.issuedAt) - created) <= SKEW_MS)
    if (parent) {
      s.parentId = parent.row.id
      s.row.issuer = {...s.row.issuer, kind: 'session', sessionId: parent.row.id}
    }
  }
}
