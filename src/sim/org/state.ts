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
}

/** Root ids are r- plus 4-32 lowercase letters or digits; derived from the org id so a scenario's ids are stable. */
export function rootIdOf(orgId: string): string {
  return `r-${stableId(orgId, 'root', 4)}`
}

/** ou-<root suffix>-<8 letters or digits>, as AWS shapes them; stable for a given org and name. */
export function ouIdOf(orgId: string, name: string): string {
  return `ou-${rootIdOf(orgId).slice(2)}-${stableId(orgId, `ou/${name}`, 8)}`
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
