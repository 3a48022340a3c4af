// The Organizations read API, as AWS answers it: only the management account may call it (DescribeOrganization
// excepted: any member may), pages of at most 20 with NextToken, State and the legacy Status, AWS's errors,
// and throttling (TooManyRequestsException) when the faults ask for it.
import {AwsError} from '../errors.js'
import type {OpContext, OpTable} from '../ops.js'
import type {Params} from '../protocol/form.js'
import type {Tags} from '../state.js'
import {type OrgAccount, type Organization, type OrgUnit, accountArn, legacyStatus, orgArn, ouArn, rootArn} from './state.js'

const ACCOUNT_ID = /^\d{12}$/
const ROOT_ID = /^r-[0-9a-z]{4,32}$/
const OU_ID = /^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$/

function orgError(code: string, message: string, fields?: Record<string, string>, status = 400): AwsError {
  const e = new AwsError(code, message, status)
  if (fields) e.fields = fields
  return e
}
const invalidInput = (reason: string, message: string) => orgError('InvalidInputException', message, {Reason: reason})

/** Sliding one-second window per account, as AWS's per-account request quota. */
const windows = new WeakMap<object, number[]>()
function throttle(c: OpContext): void {
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
function orgOf(c: OpContext, management = true): Organization {
  throttle(c)
  const org = c.sim.world?.org
  if (!org) throw orgError('AWSOrganizationsNotInUseException', 'Your account is not a member of an organization.')
  if (management && c.sim.account.id !== org.managementId) throw orgError('AccessDeniedException', "You don't have permissions to access this resource.", undefined, 400)
  return org
}

/** AWS's paging: MaxResults 1–20, an opaque NextToken that only the same operation accepts. */
function page<T>(items: T[], p: Params, key: string, op: string): Record<string, unknown> {
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

function required(v: unknown, field: string): string {
  if (v === undefined || v === null || v === '') throw invalidInput('INPUT_REQUIRED', `You must specify a value for ${field}.`)
  return String(v)
}

function parentOf(org: Organization, p: Params): string {
  const id = required(p.ParentId, 'ParentId')
  if (!ROOT_ID.test(id) && !OU_ID.test(id)) throw invalidInput('INVALID_PATTERN', 'You specified an invalid value for ParentId.')
  if (id !== org.rootId && !org.ous.has(id)) throw orgError('ParentNotFoundException', "We can't find a root or OU with the ParentId that you specified.")
  return id
}

function memberOf(org: Organization, p: Params): OrgAccount {
  const id = required(p.AccountId, 'AccountId')
  if (!ACCOUNT_ID.test(id)) throw invalidInput('INVALID_PATTERN', 'You specified an invalid value for AccountId.')
  const a = org.accounts.get(id)
  if (!a) throw orgError('AccountNotFoundException', "You specified an account that doesn't exist.")
  return a
}

const accountShape = (org: Organization, a: OrgAccount) => ({
  Id: a.id,
  Arn: accountArn(org, a.id),
  Email: a.email,
  Name: a.name,
  Status: legacyStatus(a.state),
  State: a.state,
  JoinedMethod: a.joinedMethod,
  JoinedTimestamp: a.joinedAt / 1000,
})
const ouShape = (org: Organization, ou: OrgUnit) => ({Id: ou.id, Arn: ouArn(org, ou), Name: ou.name})
const rootShape = (org: Organization) => ({Id: org.rootId, Arn: rootArn(org), Name: 'Root', PolicyTypes: []})

/** The ARN IAM authorizes a call on, for the operations that name one resource. */
function resourceArn(c: OpContext, id: string): string {
  const org = c.sim.world?.org
  if (!org) return '*'
  if (ACCOUNT_ID.test(id)) return accountArn(org, id)
  if (id === org.rootId) return rootArn(org)
  const ou = org.ous.get(id)
  return ou ? ouArn(org, ou) : '*'
}

function tagsOf(org: Organization, p: Params): Tags {
  const id = required(p.ResourceId, 'ResourceId')
  if (!ACCOUNT_ID.test(id) && !ROOT_ID.test(id) && !OU_ID.test(id)) throw invalidInput('INVALID_PATTERN_TARGET_ID', 'You specified a policy target ID that doesn\'t match the required pattern.')
  const tags = ACCOUNT_ID.test(id) ? org.accounts.get(id)?.tags : id === org.rootId ? org.rootTags : org.ous.get(id)?.tags
  if (!tags) throw orgError('TargetNotFoundException', "We can't find a root, OU, account, or policy with the TargetId that you specified.")
  return tags
}

export const organizationsOps: OpTable = {
  DescribeOrganization: {
    readOnly: true,
    handle(_p, c) {
      const org = orgOf(c, false)
      return {
        Organization: {
          Id: org.id,
          Arn: orgArn(org),
          FeatureSet: 'ALL',
          MasterAccountArn: accountArn(org, org.managementId),
          MasterAccountId: org.managementId,
          MasterAccountEmail: org.accounts.get(org.managementId)!.email,
          AvailablePolicyTypes: [{Type: 'SERVICE_CONTROL_POLICY', Status: 'ENABLED'}],
        },
      }
    },
  },
  ListRoots: {
    readOnly: true,
    handle: (p, c) => {
      const org = orgOf(c)
      return page([rootShape(org)], p, 'Roots', 'ListRoots')
    },
  },
  ListOrganizationalUnitsForParent: {
    readOnly: true,
    handle(p, c) {
      const org = orgOf(c)
      const parent = parentOf(org, p)
      return page([...org.ous.values()].filter((o) => o.parentId === parent).map((o) => ouShape(org, o)), p, 'OrganizationalUnits', 'ListOrganizationalUnitsForParent')
    },
  },
  DescribeOrganizationalUnit: {
    readOnly: true,
    resource: (p, c) => resourceArn(c, String(p.OrganizationalUnitId ?? '')),
    handle(p, c) {
      const org = orgOf(c)
      const id = required(p.OrganizationalUnitId, 'OrganizationalUnitId')
      if (!OU_ID.test(id)) throw invalidInput('INVALID_PATTERN', 'You specified an invalid value for OrganizationalUnitId.')
      const ou = org.ous.get(id)
      if (!ou) throw orgError('OrganizationalUnitNotFoundException', "We can't find an OU with the OrganizationalUnitId that you specified.")
      return {OrganizationalUnit: ouShape(org, ou)}
    },
  },
  ListAccountsForParent: {
    readOnly: true,
    handle(p, c) {
      const org = orgOf(c)
      const parent = parentOf(org, p)
      return page([...org.accounts.values()].filter((a) => a.parentId === parent).map((a) => accountShape(org, a)), p, 'Accounts', 'ListAccountsForParent')
    },
  },
  ListAccounts: {
    readOnly: true,
    handle(p, c) {
      const org = orgOf(c)
      return page([...org.accounts.values()].map((a) => accountShape(org, a)), p, 'Accounts', 'ListAccounts')
    },
  },
  ListParents: {
    readOnly: true,
    handle(p, c) {
      const org = orgOf(c)
      const id = required(p.ChildId, 'ChildId')
      if (!ACCOUNT_ID.test(id) && !OU_ID.test(id)) throw invalidInput('INVALID_PATTERN', 'You specified an invalid value for ChildId.')
      const parentId = ACCOUNT_ID.test(id) ? org.accounts.get(id)?.parentId : org.ous.get(id)?.parentId
      if (!parentId) throw orgError('ChildNotFoundException', "We can't find an organizational unit (OU) or AWS account with the ChildId that you specified.")
      return page([{Id: parentId, Type: parentId === org.rootId ? 'ROOT' : 'ORGANIZATIONAL_UNIT'}], p, 'Parents', 'ListParents')
    },
  },
  DescribeAccount: {
    readOnly: true,
    resource: (p, c) => resourceArn(c, String(p.AccountId ?? '')),
    handle(p, c) {
      const org = orgOf(c)
      return {Account: accountShape(org, memberOf(org, p))}
    },
  },
  ListTagsForResource: {
    readOnly: true,
    resource: (p, c) => resourceArn(c, String(p.ResourceId ?? '')),
    handle(p, c) {
      const org = orgOf(c)
      return page(tagsOf(org, p), p, 'Tags', 'ListTagsForResource')
    },
  },
}
