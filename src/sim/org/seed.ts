// Seeding an organization: the top-level account becomes the management account, each member account is
// seeded from its own users/roles/policies, and every created (not invited) member gets the
// OrganizationAccountAccessRole AWS creates in it, trusting the management account.
import {newRoleId} from '../ids.js'
import {type ParsedScenario, type MemberAccountScenario, parseWhen} from '../scenario-schema.js'
import {seedAccount} from '../seed.js'
import type {Account, Role} from '../state.js'
import {FULL_AWS_ACCESS, type OrgAccount, type Organization, type OrgPolicy, type OrgUnit, allTargets, enableScps, ouIdOf, policyIdOf, rootIdOf} from './state.js'

export const ACCESS_ROLE = 'OrganizationAccountAccessRole'
const ADMIN = 'arn:aws:iam::aws:policy/AdministratorAccess'
/** When the management account made its organization, unless the scenario says when an account joined. */
const ORG_CREATED = Date.parse('2020-09-13T12:26:40Z')

const tagList = (t: Record<string, string>) => Object.entries(t).map(([Key, Value]) => ({Key, Value}))
export const defaultEmail = (id: string) => `aws+${id}@example.com`

export function seedWorld(s: ParsedScenario, now: number): {accounts: Account[]; org?: Organization} {
  const management = seedAccount(s, now)
  if (s.organization === false) return {accounts: [management]}
  const declared = s.organization
  const id = declared?.id ?? `o-${s.account.id.slice(0, 10)}`
  const rootId = rootIdOf(id)
  const org: Organization = {
    id,
    rootId,
    managementId: management.id,
    declared: declared !== undefined,
    rootTags: [],
    ous: new Map(),
    accounts: new Map(),
    policyTypes: new Set(),
    policies: new Map([[FULL_AWS_ACCESS.id, FULL_AWS_ACCESS]]),
    attachments: new Map(),
    delegatedAdmins: new Set(declared?.delegatedAdministrators ?? []),
    policyVersion: 0,
  }
  org.accounts.set(management.id, {id: management.id, name: s.account.alias ?? 'lockdown-sim', email: defaultEmail(management.id), parentId: rootId, state: 'ACTIVE', joinedMethod: 'CREATED', joinedAt: ORG_CREATED, tags: []})
  if (!declared) {
    org.attachments.set(rootId, new Set())
    org.attachments.set(management.id, new Set())
    return {accounts: [management], org}
  }

  // OU references are by name or id (checked when the scenario loaded); ids are the declared one or a stable one.
  const ouId = new Map(declared.ous.map((o) => [o.name, o.id ?? ouIdOf(id, o.name)]))
  const resolveOu = (ref: string | undefined) => (ref === undefined ? rootId : (ouId.get(ref) ?? ref))
  for (const o of declared.ous) {
    const ou: OrgUnit = {id: ouId.get(o.name)!, name: o.name, parentId: resolveOu(o.parent), tags: tagList(o.tags)}
    org.ous.set(ou.id, ou)
  }
  const accounts = [management]
  for (const m of declared.accounts) {
    const member: OrgAccount = {
      id: m.id,
      name: m.name ?? m.id,
      email: m.email ?? defaultEmail(m.id),
      parentId: resolveOu(m.ou),
      state: m.state,
      joinedMethod: m.invited ? 'INVITED' : 'CREATED',
      joinedAt: m.joinedAt === undefined ? ORG_CREATED : parseWhen(m.joinedAt, now),
      tags: tagList(m.tags),
    }
    org.accounts.set(m.id, member)
    accounts.push(seedMember(m, management.id, now))
  }
  for (const t of allTargets(org)) org.attachments.set(t, new Set())
  if (declared.policyTypes.includes('SERVICE_CONTROL_POLICY')) enableScps(org)
  // Targets were checked when the scenario loaded: 'root', an OU's name or id, an account id.
  const target = (ref: string) => (ref === 'root' ? rootId : (ouId.get(ref) ?? ref))
  declared.policies.forEach((p, i) => {
    const policy: OrgPolicy = {id: policyIdOf(id, i), name: p.name, description: p.description, type: 'SERVICE_CONTROL_POLICY', awsManaged: false, content: typeof p.content === 'string' ? p.content : JSON.stringify(p.content), tags: tagList(p.tags)}
    org.policies.set(policy.id, policy)
    for (const ref of p.targets) org.attachments.get(target(ref))!.add(policy.id)
  })
  return {accounts, org}
}

function seedMember(m: MemberAccountScenario, managementId: string, now: number): Account {
  const a = seedAccount({account: {id: m.id, alias: m.name, rootAccessKeyId: m.rootAccessKeyId, rootSecretAccessKey: m.rootSecretAccessKey}, policies: m.policies, users: m.users, roles: m.roles}, now)
  // A scenario may declare the access role itself (e.g. with less than admin): that one is the one there.
  if (!m.invited && !a.roles.has(ACCESS_ROLE)) a.roles.set(ACCESS_ROLE, accessRole(managementId, m.joinedAt === undefined ? ORG_CREATED : parseWhen(m.joinedAt, now)))
  return a
}

/** The role as Organizations creates it in an account it creates: the management account may assume it, with admin rights. */
function accessRole(managementId: string, createdAt: number): Role {
  const trust = {Version: '2012-10-17', Statement: [{Effect: 'Allow', Principal: {AWS: `arn:aws:iam::${managementId}:root`}, Action: 'sts:AssumeRole'}]}
  return {name: ACCESS_ROLE, id: newRoleId(), path: '/', createdAt, trust: JSON.stringify(trust), maxSessionDuration: 3600, tags: [], inline: new Map(), attached: new Set([ADMIN])}
}
