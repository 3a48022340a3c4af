// One normalized CloudTrail event: the few fields the session graph needs, whichever source produced it
// (S3 log files, LookupEvents' CloudTrailEvent JSON, CloudTrail Lake rows). Keeping it small matters: the
// graph sees millions of these and keeps only aggregates.
import {CALLS, callFacts} from './detections/calls.js'

/** Events that hand out credentials or start a session; the first thing a forensic query asks for. */
export const ISSUING_EVENTS = [
  'AssumeRole',
  'AssumeRoleWithSAML',
  'AssumeRoleWithWebIdentity',
  'GetSessionToken',
  'GetFederationToken',
  'ConsoleLogin',
  'SwitchRole',
] as const

/** Calls that leave a way back in after containment. */
export const PERSISTENCE_EVENTS = new Set([
  'CreateAccessKey',
  'CreateLoginProfile',
  'UpdateLoginProfile',
  'PutRolePolicy',
  'AttachRolePolicy',
  'UpdateAssumeRolePolicy',
  'CreateUser',
  'PutUserPolicy',
  'AttachUserPolicy',
])

/** Single calls the detections read (detections/calls.ts): each is kept as a note with its target. */
export const NOTED_EVENTS: ReadonlySet<string> = new Set([...PERSISTENCE_EVENTS, ...Object.keys(CALLS)])

/**
 * What an indexed source (LookupEvents, Lake) is asked for by name, besides issuing events: persistence,
 * privilege escalation and trail tampering — the calls a leaked long-term key makes that no session
 * key leads to. One LookupEvents call series each, so the list stays short (2 requests/s).
 */
export const LOOKUP_NOTED_EVENTS = [
  'StopLogging',
  'DeleteTrail',
  'UpdateTrail',
  'PutEventSelectors',
  'DeleteEventDataStore',
  'CreateUser',
  'CreateAccessKey',
  'CreateLoginProfile',
  'UpdateLoginProfile',
  'CreateRole',
  'UpdateAssumeRolePolicy',
  'AttachUserPolicy',
  'AttachRolePolicy',
  'AttachGroupPolicy',
  'PutUserPolicy',
  'PutRolePolicy',
  'PutGroupPolicy',
  'AddUserToGroup',
  'CreatePolicyVersion',
  'SetDefaultPolicyVersion',
  'CreateTrustAnchor',
  'UpdateAccessKey',
] as const

export interface Actor {
  /** userIdentity.type: IAMUser, AssumedRole, FederatedUser, AWSService, Root, AWSAccount, SAMLUser, WebIdentityUser, Unknown. */
  type: string
  arn?: string
  principalId?: string
  accountId?: string
  accessKeyId?: string
  userName?: string
  /** Set when an AWS service made the call on the principal's behalf (console, CloudFormation...). */
  invokedBy?: string
  /** sessionContext.attributes.creationDate (ms): with key and ARN, what identifies a session. */
  sessionCreated?: number
  mfa?: boolean
  /** sessionContext.sessionIssuer: the role (or user, for federation tokens) behind the session. */
  issuerArn?: string
  issuerType?: string
  sourceIdentity?: string
  /** sessionContext.ec2RoleDelivery: the credentials came from an EC2 instance's metadata service. */
  ec2RoleDelivery?: string
}

/** What an issuing event handed out (responseElements + requestParameters). */
export interface Issued {
  accessKeyId?: string
  expiration?: number
  /** assumedRoleUser.arn or federatedUser.arn: the ARN the new session will act as. */
  arn?: string
  principalId?: string
  roleArn?: string
  sessionName?: string
  sourceIdentity?: string
  /** SAML/OIDC provider that vouched for the caller (AssumeRoleWithSAML / WithWebIdentity). */
  provider?: string
  /** ConsoleLogin / SwitchRole outcome; undefined for STS calls. */
  success?: boolean
  /** ConsoleLogin's additionalEventData.MFAUsed. */
  mfaUsed?: boolean
  /** SwitchRole's additionalEventData.SwitchFrom: the console identity that switched. */
  switchFrom?: string
  /** AssumeRole / GetSessionToken with requestParameters.serialNumber: the caller passed an MFA code. */
  mfa?: boolean
}

export interface TrailEvent {
  id: string
  /** True when the record had no eventID and `id` was made from its name and time: never taken for a repeat. */
  synthetic?: boolean
  /** Same value in both accounts' copies of a cross-account event. */
  sharedId?: string
  /** eventTime in ms since the epoch. */
  time: number
  name: string
  source: string
  region: string
  account?: string
  ip: string
  userAgent?: string
  error?: string
  actor: Actor
  issued?: Issued
  /** requestParameters fields some flags need (key status, policy names and documents); never secrets. */
  params?: {
    accessKeyId?: string
    status?: string
    userName?: string
    roleName?: string
    policyName?: string
    policyDocument?: string
    /** What a notable call acts on and one more fact about it (detections/calls.ts). */
    target?: string
    detail?: string
  }
}

type Json = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

/** CloudTrail writes expirations as ISO or as "Nov 29, 2018 4:31:59 AM" / "Jul 30, 2024, 9:46:15 PM" (UTC). */
export function parseTrailTime(v: unknown): number | undefined {
  if (typeof v === 'number') return v
  if (typeof v !== 'string' || v === '') return undefined
  // eventTime and creationDate are ISO; checking one character is cheaper than a regex on hot paths.
  const iso = v.length >= 11 && v.charCodeAt(10) === 84 /* T */ && v.charCodeAt(4) === 45 /* - */
  const t = Date.parse(iso ? v : `${v} UTC`)
  return Number.isNaN(t) ? undefined : t
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined
}

const ISSUING = new Set<string>(ISSUING_EVENTS)

function issuedOf(r: Json): Issued | undefined {
  const name = r.eventName as string
  if (!ISSUING.has(name)) return undefined
  const resp: Json = r.responseElements ?? {}
  const req: Json = r.requestParameters ?? {}
  if (name === 'ConsoleLogin' || name === 'SwitchRole') {
    const add: Json = r.additionalEventData ?? {}
    const outcome = resp[name]
    return {
      success: outcome === 'Success',
      mfaUsed: name === 'ConsoleLogin' ? add.MFAUsed === 'Yes' : undefined,
      roleArn: str(add.SwitchTo),
      switchFrom: str(add.SwitchFrom),
    }
  }
  const cred: Json = resp.credentials ?? {}
  const user: Json = resp.assumedRoleUser ?? resp.federatedUser ?? {}
  return {
    accessKeyId: str(cred.accessKeyId),
    expiration: parseTrailTime(cred.expiration),
    arn: str(user.arn),
    principalId: str(user.assumedRoleId ?? user.federatedUserId),
    roleArn: str(req.roleArn),
    sessionName: str(req.roleSessionName ?? req.name),
    sourceIdentity: str(resp.sourceIdentity ?? req.sourceIdentity),
    provider: str(req.principalArn ?? resp.provider ?? req.providerId),
    mfa: req.serialNumber ? true : undefined,
  }
}

/** Shared stand-in for absent sub-objects: no allocation per event on the hot path. */
const EMPTY: Json = Object.freeze({})

/** The Actor behind a record's userIdentity (absent or null: an Unknown actor). */
export function actorOf(userIdentity: unknown): Actor {
  const u: Json = userIdentity && typeof userIdentity === 'object' ? (userIdentity as Json) : EMPTY
  const ctx: Json = u.sessionContext ?? EMPTY
  const attrs: Json = ctx.attributes ?? EMPTY
  const issuer: Json = ctx.sessionIssuer ?? EMPTY
  const mfa = attrs.mfaAuthenticated
  return {
    type: str(u.type) ?? 'Unknown',
    arn: str(u.arn),
    principalId: str(u.principalId),
    accountId: str(u.accountId),
    accessKeyId: str(u.accessKeyId),
    userName: str(u.userName) ?? str(issuer.userName),
    invokedBy: str(u.invokedBy),
    sessionCreated: parseTrailTime(attrs.creationDate),
    mfa: mfa === undefined ? undefined : mfa === true || mfa === 'true',
    issuerArn: str(issuer.arn),
    issuerType: str(issuer.type),
    sourceIdentity: str(ctx.sourceIdentity),
    ec2RoleDelivery: str(ctx.ec2RoleDelivery),
  }
}

const PARAM_EVENTS = new Set(['UpdateAccessKey', 'CreateAccessKey', 'DeleteAccessKey', 'PutRolePolicy', 'PutUserPolicy', ...NOTED_EVENTS])

/**
 * Whether normalizeRecord reads requestParameters, responseElements or additionalEventData for this
 * event name. For every other event those objects (most of a record's bytes) can go unparsed.
 */
export function readsDetail(eventName: string): boolean {
  return ISSUING.has(eventName) || PARAM_EVENTS.has(eventName)
}

/**
 * Normalizes one raw CloudTrail record; undefined when it is not a CloudTrail event at all. `actor`, when
 * given, is actorOf(r.userIdentity) already made (a session's calls share one, see record-scan.ts).
 */
export function normalizeRecord(r: Json, actor?: Actor): TrailEvent | undefined {
  if (!r || typeof r !== 'object' || typeof r.eventName !== 'string') return undefined
  const time = parseTrailTime(r.eventTime)
  if (time === undefined) return undefined
  actor ??= actorOf(r.userIdentity)
  // One object literal with every field: a single hidden class for millions of events.
  const ev: TrailEvent = {
    id: str(r.eventID) ?? `${r.eventName}@${r.eventTime}`,
    synthetic: str(r.eventID) === undefined ? true : undefined,
    sharedId: str(r.sharedEventID),
    time,
    name: r.eventName,
    source: str(r.eventSource) ?? '',
    region: str(r.awsRegion) ?? '',
    account: str(r.recipientAccountId) ?? actor.accountId,
    ip: str(r.sourceIPAddress) ?? '',
    userAgent: str(r.userAgent),
    error: str(r.errorCode),
    actor,
    issued: issuedOf(r),
    params: undefined,
  }
  if (PARAM_EVENTS.has(ev.name)) {
    // A denied call logs requestParameters as null: the call is still noted, with what is known.
    const p: Json = r.requestParameters ?? {}
    const resp: Json = r.responseElements?.accessKey ?? {}
    const facts = callFacts(ev.name, r.requestParameters, r.responseElements)
    ev.params = {
      accessKeyId: str(p.accessKeyId) ?? str(resp.accessKeyId),
      status: str(p.status),
      userName: str(p.userName),
      roleName: str(p.roleName),
      policyName: str(p.policyName),
      policyDocument: str(p.policyDocument),
      target: facts?.target,
      detail: facts?.detail,
    }
  }
  return ev
}
