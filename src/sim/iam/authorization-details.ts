// iam:GetAccountAuthorizationDetails: every user, role and managed policy of the account with their inline
// policies, attachments and tags, in pages (MaxItems 1..1000, default 100; an opaque Marker). A tool that
// needs every role's tags and inline policies reads them in a few calls instead of three per role.
// The simulator has no groups: GroupDetailList is always empty (a Filter of Group is accepted, as in AWS).
import {validation} from '../errors.js'
import type {OpTable} from '../ops.js'
import type {Params} from '../protocol/form.js'
import {type Account, type ManagedPolicy, type Role, type User, attachmentCount, roleArn, userArn} from '../state.js'
import {paginate} from './shapes.js'

const ENTITY_TYPES = ['User', 'Role', 'Group', 'LocalManagedPolicy', 'AWSManagedPolicy'] as const
type EntityType = (typeof ENTITY_TYPES)[number]

/** AWS's enum check of the Filter list: one wrong member refuses the request, naming the whole list. */
function filterOf(p: Params): Set<EntityType> {
  if (p.Filter === undefined) return new Set(ENTITY_TYPES)
  const list = (Array.isArray(p.Filter) ? p.Filter : [p.Filter]).map(String)
  if (list.some((f) => !(ENTITY_TYPES as readonly string[]).includes(f))) {
    throw validation(
      `1 validation error detected: Value '[${list.join(', ')}]' at 'filter' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [${ENTITY_TYPES.join(', ')}]]`,
    )
  }
  // An empty Filter (`Filter=`) is no filter: every entity type.
  return list.length ? new Set(list as EntityType[]) : new Set(ENTITY_TYPES)
}

const inlineList = (m: Map<string, string>) => [...m.keys()].sort().map((name) => ({PolicyName: name, PolicyDocument: encodeURIComponent(m.get(name)!)}))

function attachedList(a: Account, arns: Set<string>) {
  return [...arns].flatMap((arn) => {
    const mp = a.policies.get(arn)
    return mp ? [{PolicyName: mp.name, PolicyArn: mp.arn}] : []
  })
}

const byName = <T extends {name: string}>(xs: Iterable<T>) => [...xs].sort((x, y) => (x.name.toLowerCase() < y.name.toLowerCase() ? -1 : 1))

const userDetail = (a: Account, u: User) => ({
  Path: u.path,
  UserName: u.name,
  UserId: u.id,
  Arn: userArn(a, u),
  CreateDate: new Date(u.createdAt),
  UserPolicyList: inlineList(u.inline),
  GroupList: [],
  AttachedManagedPolicies: attachedList(a, u.attached),
  Tags: u.tags,
})

const roleDetail = (a: Account, r: Role) => ({
  Path: r.path,
  RoleName: r.name,
  RoleId: r.id,
  Arn: roleArn(a, r),
  CreateDate: new Date(r.createdAt),
  // Policy documents come URL-encoded (RFC 3986), as from GetRole and GetRolePolicy.
  AssumeRolePolicyDocument: encodeURIComponent(r.trust),
  InstanceProfileList: [],
  RolePolicyList: inlineList(r.inline),
  AttachedManagedPolicies: attachedList(a, r.attached),
  Tags: r.tags,
  RoleLastUsed: r.lastUsed ? {LastUsedDate: new Date(r.lastUsed.at), Region: r.lastUsed.region} : {},
})

const policyDetail = (a: Account, mp: ManagedPolicy) => ({
  PolicyName: mp.name,
  PolicyId: mp.id,
  Arn: mp.arn,
  Path: mp.path,
  DefaultVersionId: mp.defaultVersion,
  AttachmentCount: attachmentCount(a, mp.arn),
  PermissionsBoundaryUsageCount: 0,
  IsAttachable: true,
  ...(mp.description !== undefined ? {Description: mp.description} : {}),
  CreateDate: new Date(mp.createdAt),
  UpdateDate: new Date(mp.updatedAt),
  PolicyVersionList: [...mp.versions].reverse().map((v) => ({Document: encodeURIComponent(v.document), VersionId: v.id, IsDefaultVersion: v.id === mp.defaultVersion, CreateDate: new Date(v.createdAt)})),
})

type Entry = {list: 'UserDetailList' | 'RoleDetailList' | 'Policies'; item: unknown}

export const authorizationDetailsOps: OpTable = {
  GetAccountAuthorizationDetails: {
    readOnly: true,
    handle(p, c) {
      const a = c.sim.account
      const want = filterOf(p)
      // One sequence over every entity type, paged as a whole: a page may end in the middle of the roles.
      const entries: Entry[] = []
      if (want.has('User')) for (const u of byName(a.users.values())) entries.push({list: 'UserDetailList', item: userDetail(a, u)})
      if (want.has('Role')) for (const r of byName(a.roles.values())) entries.push({list: 'RoleDetailList', item: roleDetail(a, r)})
      for (const mp of byName(a.policies.values())) {
        // AWS managed policies are listed only when something in the account uses them.
        const listed = mp.awsManaged ? want.has('AWSManagedPolicy') && attachmentCount(a, mp.arn) > 0 : want.has('LocalManagedPolicy')
        if (listed) entries.push({list: 'Policies', item: policyDetail(a, mp)})
      }
      const page = paginate(entries, p, 'Entries') as {Entries: Entry[]; IsTruncated: boolean; Marker?: string}
      const out: Record<string, unknown> = {UserDetailList: [], GroupDetailList: [], RoleDetailList: [], Policies: []}
      for (const e of page.Entries) (out[e.list] as unknown[]).push(e.item)
      return {...out, IsTruncated: page.IsTruncated, ...(page.Marker ? {Marker: page.Marker} : {})}
    },
  },
}
