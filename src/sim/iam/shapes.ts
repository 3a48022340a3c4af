// IAM response shapes (as the SDK models name them), AWS's pagination, tags and policy-document checks.
import {AwsError, limitExceeded, malformedPolicy, validation} from '../errors.js'
import type {Params} from '../protocol/form.js'
import {type Account, type ManagedPolicy, type Role, type Tags, type User, attachmentCount, roleArn, userArn} from '../state.js'

export const userShape = (a: Account, u: User, withTags = false) => ({
  Path: u.path,
  UserName: u.name,
  UserId: u.id,
  Arn: userArn(a, u),
  CreateDate: new Date(u.createdAt),
  ...(withTags && u.tags.length ? {Tags: u.tags} : {}),
})

export const roleShape = (a: Account, r: Role, withDetails = false) => ({
  Path: r.path,
  RoleName: r.name,
  RoleId: r.id,
  Arn: roleArn(a, r),
  CreateDate: new Date(r.createdAt),
  // AWS returns policy documents URL-encoded (RFC 3986); callers decode with decodeURIComponent.
  AssumeRolePolicyDocument: encodeURIComponent(r.trust),
  ...(r.description !== undefined ? {Description: r.description} : {}),
  MaxSessionDuration: r.maxSessionDuration,
  ...(withDetails && r.tags.length ? {Tags: r.tags} : {}),
  ...(withDetails ? {RoleLastUsed: r.lastUsed ? {LastUsedDate: new Date(r.lastUsed.at), Region: r.lastUsed.region} : {}} : {}),
})

export const policyShape = (a: Account, p: ManagedPolicy) => ({
  PolicyName: p.name,
  PolicyId: p.id,
  Arn: p.arn,
  Path: p.path,
  DefaultVersionId: p.defaultVersion,
  AttachmentCount: attachmentCount(a, p.arn),
  PermissionsBoundaryUsageCount: 0,
  IsAttachable: true,
  ...(p.description !== undefined ? {Description: p.description} : {}),
  CreateDate: new Date(p.createdAt),
  UpdateDate: new Date(p.updatedAt),
  ...(p.tags.length ? {Tags: p.tags} : {}),
})

/** AWS pages with an opaque Marker; MaxItems 1..1000, default 100. */
export function paginate<T>(items: T[], p: Params, key: string): Record<string, unknown> {
  const max = p.MaxItems === undefined ? 100 : Number(p.MaxItems)
  if (!Number.isInteger(max) || max < 1 || max > 1000) throw validation(`1 validation error detected: Value '${p.MaxItems}' at 'maxItems' failed to satisfy constraint: Member must have value between 1 and 1000`)
  let start = 0
  if (p.Marker !== undefined) {
    start = Number(Buffer.from(String(p.Marker), 'base64url').toString('utf8').replace(/^m:/, ''))
    if (!Number.isInteger(start) || start < 0) throw new AwsError('InvalidInput', 'Invalid Marker.', 400)
  }
  const page = items.slice(start, start + max)
  const truncated = start + max < items.length
  return {[key]: page, IsTruncated: truncated, ...(truncated ? {Marker: Buffer.from(`m:${start + max}`).toString('base64url')} : {})}
}

export function pathOf(p: Params, field = 'Path'): string {
  const path = p[field] === undefined ? '/' : String(p[field])
  if (!/^\/([\x21-\x7e]*\/)?$/.test(path)) throw validation(`The specified value for ${field.charAt(0).toLowerCase() + field.slice(1)} is invalid. It must begin and end with / and contain only alphanumeric characters and/or / characters.`)
  return path
}

export function byPrefix<T extends {path: string; name: string}>(items: Iterable<T>, prefix: unknown): T[] {
  const pre = prefix === undefined ? '/' : String(prefix)
  return [...items].filter((x) => x.path.startsWith(pre)).sort((x, y) => (x.name.toLowerCase() < y.name.toLowerCase() ? -1 : 1))
}

export function tagsOf(p: Params): Tags {
  const list = Array.isArray(p.Tags) ? p.Tags : []
  return list.map((t: Params) => ({Key: String(t.Key), Value: String(t.Value ?? '')}))
}

export function applyTags(existing: Tags, add: Tags): Tags {
  const m = new Map(existing.map((t) => [t.Key, t]))
  for (const t of add) m.set(t.Key, t)
  if (m.size > 50) throw limitExceeded('The number of tags has reached the maximum limit.')
  return [...m.values()]
}

export function removeTags(existing: Tags, keys: unknown): Tags {
  const drop = new Set((Array.isArray(keys) ? keys : []).map(String))
  return existing.filter((t) => !drop.has(t.Key))
}

export const nonWhitespaceLength = (doc: string) => doc.replace(/\s/g, '').length

const OPERATORS = new Set(
  [
    'StringEquals', 'StringNotEquals', 'StringEqualsIgnoreCase', 'StringNotEqualsIgnoreCase', 'StringLike', 'StringNotLike',
    'NumericEquals', 'NumericNotEquals', 'NumericLessThan', 'NumericLessThanEquals', 'NumericGreaterThan', 'NumericGreaterThanEquals',
    'DateEquals', 'DateNotEquals', 'DateLessThan', 'DateLessThanEquals', 'DateGreaterThan', 'DateGreaterThanEquals',
    'Bool', 'BinaryEquals', 'IpAddress', 'NotIpAddress', 'ArnEquals', 'ArnLike', 'ArnNotEquals', 'ArnNotLike', 'Null',
  ].map((o) => o.toLowerCase()),
)

/** IAM refuses unknown condition operators and unprefixed actions at write time (the evaluator would ignore them). */
function checkStatementDetail(s: any): void {
  for (const key of ['Action', 'NotAction']) {
    const list = s[key] === undefined ? [] : Array.isArray(s[key]) ? s[key] : [s[key]]
    for (const a of list) {
      if (typeof a !== 'string' || (a !== '*' && !/^[a-z0-9-]+:[\w*?-]+$/i.test(a))) throw malformedPolicy('Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.')
    }
  }
  for (const op of Object.keys(s.Condition ?? {})) {
    const base = op.replace(/^(ForAllValues|ForAnyValue):/i, '').replace(/IfExists$/i, '')
    if (!OPERATORS.has(base.toLowerCase())) throw malformedPolicy(`Invalid Condition type : ${op}.`)
  }
}

/** Parse and check a policy document the way IAM does at write time; returns canonical JSON text as given. */
export function checkPolicyDocument(text: unknown, kind: 'identity' | 'trust' = 'identity'): string {
  if (typeof text !== 'string' || !text.trim()) throw validation('1 validation error detected: Value null at \'policyDocument\' failed to satisfy constraint: Member must not be null')
  let doc: any
  try {
    doc = JSON.parse(text)
  } catch {
    throw malformedPolicy('Syntax errors in policy.')
  }
  const st = doc?.Statement
  const statements = Array.isArray(st) ? st : st ? [st] : []
  if (!doc || typeof doc !== 'object' || !statements.length) throw malformedPolicy('Syntax errors in policy.')
  for (const s of statements) {
    if (s?.Effect !== 'Allow' && s?.Effect !== 'Deny') throw malformedPolicy('Syntax errors in policy.')
    if (s.Action === undefined && s.NotAction === undefined) throw malformedPolicy('Policy statement must contain actions.')
    if (kind === 'identity' && s.Resource === undefined && s.NotResource === undefined) throw malformedPolicy('Policy statement must contain resources.')
    if (kind === 'identity' && s.Principal !== undefined) throw malformedPolicy('Policy document should not specify a principal.')
    if (kind === 'trust' && s.Principal === undefined && s.NotPrincipal === undefined) throw malformedPolicy('Missing required field Principal')
    checkStatementDetail(s)
  }
  return text
}

/** AWS's name check for users, roles, policies: 1..64 (roles 64, users 64, policies 128) of [\w+=,.@-]. */
export function checkName(v: unknown, field: string, max = 64): string {
  const s = String(v ?? '')
  if (!s || s.length > max || !/^[\w+=,.@-]+$/.test(s)) {
    throw validation(`1 validation error detected: Value '${s}' at '${field}' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+`)
  }
  return s
}
