// One CloudTrail record per request, in AWS's schema (checked field by field against real records in
// shared/cloudtrail): userIdentity by credential type, camelCase requestParameters, responseElements
// without secrets, dates inside responseElements in CloudTrail's "Aug 1, 2024, 11:45:22 AM" form.
import {randomUUID} from 'node:crypto'

import {isoSeconds, trailDate} from './clock.js'
import {type Caller, callerArn, callerUserId} from './identity.js'
import {type Account, roleArn, userArn} from './state.js'

/** Never written to the trail: AWS omits secrets (and we also omit session tokens and one-time codes). */
const SECRET_FIELDS = new Set(['SecretAccessKey', 'SessionToken', 'Base32StringSeed', 'QRCodePNG', 'AuthenticationCode1', 'AuthenticationCode2', 'TokenCode'])

/** Query parameters arrive as strings; CloudTrail shows these as the numbers and booleans AWS parsed. */
const NUMERIC = new Set(['DurationSeconds', 'MaxSessionDuration', 'MaxItems', 'MaxResults'])
const BOOLEAN = new Set(['SetAsDefault', 'OnlyAttached'])

export function typedParams(p: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {...p}
  for (const k of Object.keys(out)) {
    if (NUMERIC.has(k) && typeof out[k] === 'string' && /^\d+$/.test(out[k] as string)) out[k] = Number(out[k])
    if (BOOLEAN.has(k) && (out[k] === 'true' || out[k] === 'false')) out[k] = out[k] === 'true'
  }
  return out
}

export function camel(v: unknown, dates = true): unknown {
  if (v instanceof Date) return dates ? trailDate(v) : v.toISOString()
  if (Array.isArray(v)) return v.map((x) => camel(x, dates))
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {}
    for (const [k, x] of Object.entries(v)) {
      if (SECRET_FIELDS.has(k) || x === undefined) continue
      out[k.charAt(0).toLowerCase() + k.slice(1)] = camel(x, dates)
    }
    return out
  }
  return v
}

export function userIdentity(a: Account, c: Caller | undefined, keyId: string): Record<string, unknown> {
  if (!c) return {type: 'Unknown', accountId: a.id, accessKeyId: keyId}
  const base = {accountId: a.id, accessKeyId: keyId}
  if (c.kind === 'root') return {type: 'Root', principalId: a.id, arn: callerArn(a, c), ...base}
  if (c.kind === 'user') return {type: 'IAMUser', principalId: c.user.id, arn: callerArn(a, c), ...base, userName: c.user.name}
  const s = c.session
  const attributes = {creationDate: isoSeconds(s.issuedAt), mfaAuthenticated: String(s.mfa)}
  let issuer: Record<string, unknown> = {}
  let type = 'AssumedRole'
  let extra: Record<string, unknown> = {}
  if (s.kind === 'role') {
    const r = a.roles.get(s.roleName!)
    issuer = {type: 'Role', principalId: s.roleId, arn: r ? roleArn(a, r) : `arn:aws:iam::${a.id}:role/${s.roleName}`, accountId: a.id, userName: s.roleName}
  } else if (s.kind === 'federated') {
    const u = a.users.get(s.userName!)
    issuer = {type: 'IAMUser', principalId: s.userId, arn: u ? userArn(a, u) : `arn:aws:iam::${a.id}:user/${s.userName}`, accountId: a.id, userName: s.userName}
    type = 'FederatedUser'
  } else if (s.kind === 'user') {
    // GetSessionToken sessions are logged as the IAM user itself, with an empty issuer (as real records show).
    type = 'IAMUser'
    extra = {userName: s.userName}
  } else {
    type = 'Root'
    issuer = {}
  }
  const sessionContext: Record<string, unknown> = {sessionIssuer: issuer, webIdFederationData: {}, attributes}
  if (s.sourceIdentity) sessionContext.sourceIdentity = s.sourceIdentity
  return {type, principalId: type === 'Root' ? a.id : callerUserId(a, c), arn: callerArn(a, c), ...base, ...extra, sessionContext}
}

export interface RecordInput {
  account: Account
  caller?: Caller
  keyId: string
  time: number
  service: string
  eventName: string
  region: string
  sourceIp: string
  userAgent: string
  requestParameters: unknown
  responseElements: unknown
  error?: {code: string; message: string}
  requestId: string
  readOnly: boolean
  resources?: Array<{ARN: string; accountId: string; type: string}>
}

export function buildRecord(i: RecordInput): Record<string, unknown> {
  const r: Record<string, unknown> = {
    eventVersion: '1.09',
    userIdentity: userIdentity(i.account, i.caller, i.keyId),
    eventTime: isoSeconds(i.time),
    eventSource: `${i.service}.amazonaws.com`,
    eventName: i.eventName,
    awsRegion: i.region,
    sourceIPAddress: i.sourceIp,
    userAgent: i.userAgent,
  }
  if (i.error) {
    r.errorCode = i.error.code
    r.errorMessage = i.error.message
  }
  r.requestParameters = i.requestParameters ?? null
  r.responseElements = i.error ? null : (i.responseElements ?? null)
  r.requestID = i.requestId
  r.eventID = randomUUID()
  r.readOnly = i.readOnly
  if (i.resources?.length) r.resources = i.resources
  r.eventType = 'AwsApiCall'
  r.managementEvent = true
  r.recipientAccountId = i.account.id
  r.eventCategory = 'Management'
  return r
}

/** LookupEvents' `Username`: the IAM user name, the role session name, or "root". */
export function lookupUsername(c: Caller | undefined): string | undefined {
  if (!c) return undefined
  if (c.kind === 'root') return 'root'
  if (c.kind === 'user') return c.user.name
  const s = c.session
  return s.kind === 'role' ? s.sessionName : s.kind === 'federated' ? s.federatedName : s.kind === 'user' ? s.userName : 'root'
}
