// The organization as Organizations sees it: one root, a tree of OUs, the accounts in it (each with its
// State), and tags on any of them. The accounts' IAM state lives in each account's SimCore, not here.
import {createHash} from 'node:crypto'

import type {Tags} from '../state.js'

export type AccountState = 'ACTIVE' | 'SUSPENDED' | 'PENDING_CLOSURE' | 'CLOSED'

export interface OrgAccount {
  id: string
  name: string
  email: string
  /** The root's or an OU's id. */
  parentId: string
  state: AccountState
  joinedMethod: 'CREATED' | 'INVITED'
  joinedAt: number
  tags: Tags
}

export interface OrgUnit {
  id: string
  name: string
  parentId: string
  tags: Tags
}

export type PolicyType = 'SERVICE_CONTROL_POLICY'

/** An Organizations policy (only SCPs here): its document as sent, and where it is attached. */
export interface OrgPolicy {
  id: string
  name: string
  description: string
  type: PolicyType
  awsManaged: boolean
  content: string
  tags: Tags
}

export const FULL_AWS_ACCESS_ID = 'p-FullAWSAccess'
export const FULL_AWS_ACCESS: OrgPolicy = {
  id: FULL_AWS_ACCESS_ID,
  name: 'FullAWSAccess',
  description: 'Allows access to every operation',
  type: 'SERVICE_CONTROL_POLICY',
  awsManaged: true,
  content: JSON.stringify({Version: '2012-10-17', Statement: [{Effect: 'Allow', Action: '*', Resource: '*'}]}),
  tags: [],
}

export interface Organization {
  id: string
  rootId: string
  managementId: string
  /** Declared in the scenario (`organization:`): trail files go to the organization trail's layout. */
  declared: boolean
  rootTags: Tags
  ous: Map<string, OrgUnit>
  /** Insertion order = the order ListAccounts answers in (management first, then as declared). */
  accounts: Map<string, OrgAccount>
  /** Policy types enabled on the root. */
  policyTypes: Set<PolicyType>
  policies: Map<string, OrgPolicy>
  /** Target id (root, OU or account) → attached policy ids, in attachment order. */
  attachments: Map<string, Set<string>>
  /** Member accounts registered as delegated administrators: they may call the read API too. */
  delegatedAdmins: Set<string>
  /** Bumped on every policy or attachment change: authorization caches key on it. */
  policyVersion: number
}

/** Root ids are r- plus 4-32 lowercase letters or digits; derived from the org id so a scenario's ids are stable. */
export function rootIdOf(orgId: string): string {
  return `r-${stableId(orgId, 'root', 4)}`
}

/** ou-<root suffix>-<8 letters or digits>, as AWS shapes them; stable for a given org and name. */
export function ouIdOf(orgId: string, name: string): string {
  return `ou-${rootIdOf(orgId).slice(2)}-${stableId(orgId, `ou/${name}`, 8)}`
}

/** p- plus 8 lowercase letters or digits; a scenario's policies keep their ids from run to run. */
export function policyIdOf(orgId: string, n: number | string): string {
  return `p-${stableId(orgId, `policy/${n}`, 8)}`
}

function stableId(seed: string, what: string, n: number): string {
  const hex = createHash('sha256').update(`${seed}\u0000${what}`).digest('hex')
  return BigInt(`0x${hex}`).toString(36).slice(0, n).padStart(n, '0')
}

export const orgArn = (o: Organization) => `arn:aws:organizations::${o.managementId}:organization/${o.id}`
export const rootArn = (o: Organization) => `arn:aws:organizations::${o.managementId}:root/${o.id}/${o.rootId}`
export const ouArn = (o: Organization, ou: OrgUnit) => `arn:aws:organizations::${o.managementId}:ou/${o.id}/${ou.id}`
export const accountArn = (o: Organization, id: string) => `arn:aws:organizations::${o.managementId}:account/${o.id}/${id}`

/** The legacy `Status` has no CLOSED: a closed account reads SUSPENDED there. */
export const legacyStatus = (s: AccountState) => (s === 'CLOSED' ? 'SUSPENDED' : s)

/** The OU path from the root to an account's parent, e.g. `o-…/r-…/ou-…/ou-…/` (aws:PrincipalOrgPaths' shape). */
export function orgPath(o: Organization, parentId: string): string {
  const ids: string[] = []
  for (let cur: string | undefined = parentId; cur && cur !== o.rootId; cur = o.ous.get(cur)?.parentId) ids.unshift(cur)
  return `${o.id}/${o.rootId}/${ids.map((i) => `${i}/`).join('')}`
}

export const policyArn = (o: Organization, p: OrgPolicy) =>
  p.awsManaged ? `arn:aws:organizations::aws:policy/service_control_policy/${p.id}` : `arn:aws:organizations::${o.managementId}:policy/${o.id}/service_control_policy/${p.id}`

/** Every target a policy can be attached to: the root, each OU, each account. */
export function allTargets(o: Organization): string[] {
  return [o.rootId, ...o.ous.keys(), ...o.accounts.keys()]
}

/** Enabling SCPs attaches FullAWSAccess everywhere, so nothing is denied until a policy says so. */
export function enableScps(o: Organization): void {
  o.policyTypes.add('SERVICE_CONTROL_POLICY')
  for (const t of allTargets(o)) o.attachments.set(t, new Set([FULL_AWS_ACCESS_ID]))
  o.policyVersion++
}

/** Disabling SCPs detaches every SCP from every target. */
export function disableScps(o: Organization): void {
  o.policyTypes.delete('SERVICE_CONTROL_POLICY')
  for (const t of allTargets(o)) o.attachments.set(t, new Set())
  o.policyVersion++
}

/**
 * The SCPs that bound a principal of `accountId`, one level each from the root down to the account
 * (iam-simulate's order), or undefined where none apply: the management account, or SCPs not enabled.
 */
export function scpLevels(o: Organization | undefined, accountId: string): Array<{orgIdentifier: string; policies: Array<{name: string; policy: unknown}>}> | undefined {
  if (!o || accountId === o.managementId || !o.policyTypes.has('SERVICE_CONTROL_POLICY')) return undefined
  const acct = o.accounts.get(accountId)
  if (!acct) return undefined
  const path: string[] = []
  for (let cur: string | undefined = acct.parentId; cur; cur = cur === o.rootId ? undefined : o.ous.get(cur)?.parentId) path.unshift(cur)
  return [...path, accountId].map((target) => ({
    orgIdentifier: target,
    policies: [...(o.attachments.get(target) ?? [])].map((id) => o.policies.get(id)!).map((p) => ({name: p.awsManaged ? p.name : p.id, policy: JSON.parse(p.content)})),
  }))
}
