// What every Organizations operation shares: the organization the caller may see (management account only,
// unless the operation says otherwise), AWS's JSON errors with their Reason, paging, and throttling.
import {AwsError} from '../errors.js'
import type {OpContext} from '../ops.js'
import type {Params} from '../protocol/form.js'
import {type Organization, rootArn} from './state.js'

export const ACCOUNT_ID = /^\d{12}$/
export const ROOT_ID = /^r-[0-9a-z]{4,32}$/
export const OU_ID = /^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$/
export const POLICY_ID = /^p-[0-9a-zA-Z_]{8,128}$/

export function orgError(code: string, message: string, fields?: Record<string, string>, status = 400): AwsError {
  const e = new AwsError(code, message, status)
  if (fields) e.fields = fields
  return e
}
export const invalidInput = (reason: string, message: string) => orgError('InvalidInputException', message, {Reason: reason})

/** Sliding one-second window per account, as AWS's per-account request quota. */
const windows = new WeakMap<object, number[]>()
export function throttle(c: OpContext): void {
  const f = c.sim.faults
  const tooMany = () => orgError('TooManyRequestsException', 'You have sent too many requests in too short a period of time. The quota helps protect against denial-of-service attacks. Try again later.', {Type: 'AccountLimitExceeded'})
  if (f.organizationsThrottle > 0) {
    f.organizationsThrottle--
    throw tooMany()
  }
  if (f.organizationsRate <= 0) return
  const now = Date.now()
  const recent = (windows.get(c.sim) ?? []).filter((t) => now - t < 1000)
  windows.set(c.sim, recent)
  if (recent.length >= f.organizationsRate) throw tooMany()
  recent.push(now)
}

/** The organization the caller's account is in; `management` also requires the caller to be its management account. */
/**
 * Who may call: 'member' any account of the organization (DescribeOrganization), 'read' the management
 * account or a delegated administrator (the read API), 'management' the management account alone (policies).
 */
export function orgOf(c: OpContext, who: 'member' | 'read' | 'management' = 'management'): Organization {
  throttle(c)
  const org = c.sim.world?.org
  if (!org) throw orgError('AWSOrganizationsNotInUseException', 'Your account is not a member of an organization.')
  const id = c.sim.account.id
  const allowed = who === 'member' || id === org.managementId || (who === 'read' && org.delegatedAdmins.has(id))
  if (!allowed) throw orgError('AccessDeniedException', "You don't have permissions to access this resource.", undefined, 400)
  return org
}

/** AWS's paging: MaxResults 1–20, an opaque NextToken that only the same operation accepts. */
export function page<T>(items: T[], p: Params, key: string, op: string): Record<string, unknown> {
  const max = p.MaxResults === undefined ? 20 : Number(p.MaxResults)
  if (!Number.isInteger(max) || max < 1) throw invalidInput('MIN_VALUE_EXCEEDED', 'You provided a value that is too small for MaxResults.')
  if (max > 20) throw invalidInput('MAX_VALUE_EXCEEDED', 'You provided a value that is too large for MaxResults.')
  let start = 0
  if (p.NextToken !== undefined && p.NextToken !== null) {
    const m = /^([A-Za-z]+):(\d+)$/.exec(Buffer.from(String(p.NextToken), 'base64url').toString('utf8'))
    if (!m || m[1] !== op) throw invalidInput('INVALID_NEXT_TOKEN', 'You specified an invalid value for nextToken. You must get the value from the response to a previous call to the API.')
    start = Number(m[2])
  }
  const next = start + max < items.length ? Buffer.from(`${op}:${start + max}`).toString('base64url') : undefined
  return {[key]: items.slice(start, start + max), ...(next ? {NextToken: next} : {})}
}

export function required(v: unknown, field: string): string {
  if (v === undefined || v === null || v === '') throw invalidInput('INPUT_REQUIRED', `You must specify a value for ${field}.`)
  return String(v)
}


export const rootShape = (org: Organization) => ({Id: org.rootId, Arn: rootArn(org), Name: 'Root', PolicyTypes: [...org.policyTypes].map((Type) => ({Type, Status: 'ENABLED'}))})
