// The report's input: plain data, declared here so the renderers (below forensics in the layers) never
// import forensics. Forensics produces exactly this shape. Times are ISO strings: the JSON output is this
// object as is.

export type IssuerKind = 'iam-user' | 'root' | 'session' | 'saml' | 'oidc' | 'service' | 'external-account' | 'unknown'

/** Who or what made the call that created a session. */
export interface Issuer {
  kind: IssuerKind
  /** ARN, service principal, provider ARN, account id, or '' when unknown. */
  id: string
  /** The key that signed the issuing call (AKIA… for a long-term key, ASIA… for a session). */
  accessKeyId?: string
  /** The parent session's id when kind is 'session'. */
  sessionId?: string
}

export interface Activity {
  calls: number
  /** Calls by event name, most first. */
  byName: Record<string, number>
  /** Failed calls by error code. */
  errors: Record<string, number>
  first?: string
  last?: string
  /** Source IPs with their call counts (AWS-internal and service-invoked calls are left out). */
  ips: Record<string, number>
  regions: string[]
  /** Calls made by lockdown itself (its user agent carries `lockdown/<v> run/<id>`). */
  lockdownCalls?: number
}

/**
 * `console-inferred`: an IAM user's console session whose ConsoleLogin is not in the data (its calls are
 * relayed by signin.amazonaws.com); `forward-access`: an IAM user's short-lived key a service (Lambda…)
 * used on the user's behalf. Neither is a GetSessionToken session.
 */
export type SessionKind = 'role' | 'federated' | 'session-token' | 'console' | 'console-inferred' | 'forward-access' | 'role-inferred' | 'switch-role'

export interface SessionRow {
  /** Stable id for cross-references: `<key>|<issuedAt>|<arn>` for issued sessions. */
  id: string
  kind: SessionKind
  /** The session's own ARN (assumed-role/…, federated-user/…, or the user for a console session). */
  arn: string
  /** The role assumed (or the user for console and token sessions). */
  principal: string
  sessionName?: string
  accessKeyIds: string[]
  account?: string
  issuedAt?: string
  expiresAt?: string
  /** Where the issuing call (or console login) came from. */
  sourceIp?: string
  userAgent?: string
  mfa?: boolean
  sourceIdentity?: string
  issuer: Issuer
  /** Sessions between this one and a long-term principal, counting itself (1 = issued by a user or service). */
  depth: number
  /** The ConsoleLogin event id a console session was linked to. */
  consoleLoginId?: string
  /** True when only its calls were seen (issued before the window or outside the data). */
  inferred: boolean
  /** A responder's break-glass session: MFA, SourceIdentity, a role lockdown granted (path /lockdown/). */
  breakGlass?: boolean
  activity: Activity
  flags: string[]
}

/** A long-term identity (IAM user key, root) seen in the data, with what it did directly. */
export interface PrincipalRow {
  arn: string
  accessKeyId?: string
  activity: Activity
}

export type FlagKind =
  | 'ip-change'
  | 'user-agent-change'
  | 'service-credentials-outside'
  | 'long-term-key'
  | 'deep-chain'
  | 'console-no-mfa'
  | 'persistence'
  | 'privilege-escalation'
  | 'defense-evasion'
  | 'credential-access'
  | 'exfiltration'
  | 'execution'
  | 'impact'
  | 'discovery'
  | 'external-access'
  | 'key-reactivated'
  | 'denied-after-revocation'
  | 'failed-issuance'

/** What a playbook would do to contain a finding: explicit names, never globs. */
export interface Containment {
  /** revoke-sessions roles: every role on the chain. */
  roles?: string[]
  /** revoke-sessions users: their session tokens, federation tokens and console sessions. */
  users?: string[]
  /** deactivate-keys keys: long-term keys that signed, or were created. */
  keys?: string[]
  /** deactivate-keys users: every key of users the attacker created. */
  keyUsers?: string[]
  /** What no lockdown action can do (a bucket policy, a Lambda permission…): for the person. */
  manual?: string
}

export interface Flag {
  kind: FlagKind
  at: string
  /** A session id or principal ARN the flag is about. */
  subject: string
  detail: string
  /** The detection that raised it (detections/index.ts). */
  detection?: string
  /** CloudTrail eventIDs that show it. */
  evidence?: string[]
  /** Where the calls came from. */
  ip?: string
  contain?: Containment
}

/** One line at the top of the report: who, what, from where, evidence, and the step that contains it. */
export interface Finding {
  detection: string
  kind: FlagKind
  at: string
  who: string
  what: string
  from?: string
  evidence: string[]
  /** The playbook step text (`revoke-sessions roles: [level3]`), or what a person must do. */
  step: string
  contain: Containment
}

export interface TimelineEntry {
  at: string
  /** The session or principal that acted. */
  actor: string
  sessionId?: string
  event: string
  detail: string
  ip?: string
  error?: string
  kind: 'issue' | 'login' | 'first-use' | 'first-ip' | 'last-use' | 'flagged' | 'error' | 'persistence' | 'key-status' | 'revocation' | 'denied'
  /** The call was lockdown's own (its user agent carries the run id). */
  lockdown?: boolean
  eventId?: string
}

/** One account or region a fan-out could not read, and why (AssumeRole denied, no access role, suspended). */
export interface Unreached {
  account: string
  name?: string
  /** Absent: the whole account (it could not be entered); else only this region of it. */
  region?: string
  reason: string
}

/**
 * What a fan-out across accounts asked for and what answered (`--accounts`, the forensics action's
 * `accounts:`): the header names both lists, and each unreached entry is a gap too.
 */
export interface Coverage {
  covered: {account: string; name?: string; regions: string[]}[]
  unreached: Unreached[]
}

export interface ForensicReport {
  title: string
  generatedAt: string
  window: {start: string; end: string}
  source: {
    kind: string
    description: string
    calls: number
    events: number
    /** Input that could not be read, one line each (file, what, first line); also first in `gaps`. */
    problems?: string[]
  }
  /** Accounts and regions the events came from. */
  accounts: string[]
  regions: string[]
  /** Accounts × regions asked (a fan-out across accounts); absent when the source has one scope. */
  coverage?: Coverage
  summary: {
    events: number
    sessions: number
    issued: number
    inferred: number
    console: number
    chains: number
    maxDepth: number
    flags: number
    hiddenServiceSessions: number
    /** Why the hidden ones were hidden (only unflagged AWS-service sessions ever are). */
    hiddenReason?: string
  }
  /** Findings first: what a responder acts on. */
  findings: Finding[]
  sessions: SessionRow[]
  principals: PrincipalRow[]
  flags: Flag[]
  timeline: TimelineEntry[]
  /** Timeline entries dropped to keep memory bounded on large inputs. */
  timelineDropped: number
  gaps: string[]
}
