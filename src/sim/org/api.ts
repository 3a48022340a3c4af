// The Organizations read API, as AWS answers it: only the management account may call it (DescribeOrganization
// excepted: any member may), pages of at most 20 with NextToken, State and the legacy Status, AWS's errors,
// and throttling (TooManyRequestsException) when the faults ask for it.
import type {OpContext, OpTable} from '../ops.js'
import type {Params} from '../protocol/form.js'
import type {Tags} from '../state.js'
import {policyOps} from './policies.js'
import {ACCOUNT_ID, OU_ID, POLICY_ID, ROOT_ID, invalidInput, orgError, orgOf, page, required, rootShape} from './common.js'
import {type OrgAccount, type Organization, type OrgUnit, accountArn, legacyStatus, orgArn, ouArn, rootArn} from './state.js'

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
  if (!ACCOUNT_ID.test(id) && !ROOT_ID.test(id) && !OU_ID.test(id) && !POLICY_ID.test(id)) throw invalidInput('INVALID_PATTERN_TARGET_ID', 'You specified a policy target ID that doesn\'t match the required pattern.')
  const tags = ACCOUNT_ID.test(id) ? org.accounts.get(id)?.tags : id === org.rootId ? org.rootTags : POLICY_ID.test(id) ? org.policies.get(id)?.tags : org.ous.get(id)?.tags
  if (!tags) throw orgError('TargetNotFoundException', "We can't find a root, OU, account, or policy with the TargetId that you specified.")
  return tags
}

export const organizationsOps: OpTable = {
  ...policyOps,
  DescribeOrganization: {
    readOnly: true,
    handle(_p, c) {
      const org = orgOf(c, 'member')
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
      const org = orgOf(c, 'read')
      return page([rootShape(org)], p, 'Roots', 'ListRoots')
    },
  },
  ListOrganizationalUnitsForParent: {
    readOnly: true,
    handle(p, c) {
      const org = orgOf(c, 'read')
      const parent = parentOf(org, p)
      return page([...org.ous.values()].filter((o) => o.parentId === parent).map((o) => ouShape(org, o)), p, 'OrganizationalUnits', 'ListOrganizationalUnitsForParent')
    },
  },
  DescribeOrganizationalUnit: {
    readOnly: true,
    resource: (p, c) => resourceArn(c, String(p.OrganizationalUnitId ?? '')),
    handle(p, c) {
      const org = orgOf(c, 'read')
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
      const org = orgOf(c, 'read')
      const parent = parentOf(org, p)
      return page([...org.accounts.values()].filter((a) => a.parentId === parent).map((a) => accountShape(org, a)), p, 'Accounts', 'ListAccountsForParent')
    },
  },
  ListAccounts: {
    readOnly: true,
    handle(p, c) {
      const org = orgOf(c, 'read')
      return page([...org.accounts.values()].map((a) => accountShape(org, a)), p, 'Accounts', 'ListAccounts')
    },
  },
  ListParents: {
    readOnly: true,
    handle(p, c) {
      const org = orgOf(c, 'read')
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
      const org = orgOf(c, 'read')
      return {Account: accountShape(org, memberOf(org, p))}
    },
  },
  ListTagsForResource: {
    readOnly: true,
    resource: (p, c) => resourceArn(c, String(p.ResourceId ?? '')),
    handle(p, c) {
      const org = orgOf(c, 'read')
      return page(tagsOf(org, p), p, 'Tags', 'ListTagsForResource')
    },
  },
}
