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
}

export type SessionKind = 'role' | 'federated' | 'session-token' | 'console' | 'role-inferred' | 'switch-role'

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
  | 'long-term-key'
  | 'deep-chain'
  | 'console-no-mfa'
  | 'persistence'
  | 'key-reactivated'
  | 'denied-after-revocation'
  | 'failed-issuance'

export interface Flag {
  kind: FlagKind
  at: string
  /** A session id or principal ARN the flag is about. */
  subject: string
  detail: string
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
  kind: 'issue' | 'login' | 'first-use' | 'last-use' | 'persistence' | 'key-status' | 'revocation' | 'denied'
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
  }
  sessions: SessionRow[]
  principals: PrincipalRow[]
  flags: Flag[]
  timeline: TimelineEntry[]
  /** Timeline entries dropped to keep memory bounded on large inputs. */
  timelineDropped: number
  gaps: string[]
}
