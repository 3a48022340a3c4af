// IAM roles as plain data: listing with trust policies, tags, last use. Pagination is followed here.
import type {IAMClient, Role} from '@aws-sdk/client-iam'

import {allPages} from './paginate.js'

import {parsePolicy, type PolicyDocument} from './policies/document.js'
import {isNoSuchEntity} from './errors.js'
import {iamSdk} from './sdk.js'

export interface IamRole {
  name: string
  arn: string
  path: string
  roleId: string
  trust: PolicyDocument
  maxSessionDuration?: number
}

type Opts = {signal?: AbortSignal}

/** IAM returns policy documents URL-encoded; the SDK leaves them so. */
export function decodePolicy(text: string | undefined): PolicyDocument | undefined {
  return text ? parsePolicy(decodeURIComponent(text)) : undefined
}

function toRole(x: Role): IamRole {
  return {
    name: x.RoleName!,
    arn: x.Arn!,
    path: x.Path ?? '/',
    roleId: x.RoleId!,
    trust: decodePolicy(x.AssumeRolePolicyDocument) ?? {Version: '2012-10-17', Statement: []},
    maxSessionDuration: x.MaxSessionDuration,
  }
}

/** Pages of 1,000 (IAM's maximum): an account of 1,000 roles is one round trip, not ten. */
export async function listRoles(iam: IAMClient, opts: Opts & {pathPrefix?: string} = {}): Promise<IamRole[]> {
  const {ListRolesCommand} = await iamSdk()
  return allPages(async (Marker) => {
    const r = await iam.send(new ListRolesCommand({Marker, PathPrefix: opts.pathPrefix, MaxItems: 1000}), {abortSignal: opts.signal})
    return {...r, items: (r.Roles ?? []).map(toRole)}
  })
}

export async function listRoleTags(iam: IAMClient, roleName: string, opts: Opts = {}): Promise<Record<string, string>> {
  const {ListRoleTagsCommand} = await iamSdk()
  const tags = await allPages(async (Marker) => {
    const r = await iam.send(new ListRoleTagsCommand({RoleName: roleName, Marker}), {abortSignal: opts.signal})
    return {...r, items: r.Tags ?? []}
  })
  return Object.fromEntries(tags.map((t) => [t.Key!, t.Value ?? '']))
}


export interface RoleDetail extends IamRole {
  tags: Record<string, string>
  lastUsed?: {at?: string; region?: string}
}

/** The role with its tags and last use, or undefined when it does not exist. */
export async function getRole(iam: IAMClient, roleName: string, opts: Opts = {}): Promise<RoleDetail | undefined> {
  const {GetRoleCommand} = await iamSdk()
  try {
    const r = await iam.send(new GetRoleCommand({RoleName: roleName}), {abortSignal: opts.signal})
    const x = r.Role!
    return {...toRole(x), tags: await listRoleTags(iam, roleName, opts), lastUsed: {at: x.RoleLastUsed?.LastUsedDate?.toISOString(), region: x.RoleLastUsed?.Region}}
  } catch (error) {
    if (isNoSuchEntity(error)) return undefined
    throw error
  }
}

export async function createRole(
  iam: IAMClient,
  role: {name: string; path: string; trust: PolicyDocument; maxSessionDuration: number; tags: Record<string, string>; description?: string},
  opts: Opts = {},
): Promise<string> {
  const {CreateRoleCommand} = await iamSdk()
  const r = await iam.send(
    new CreateRoleCommand({
      RoleName: role.name,
      Path: role.path,
      AssumeRolePolicyDocument: JSON.stringify(role.trust),
      MaxSessionDuration: role.maxSessionDuration,
      Description: role.description,
      Tags: Object.entries(role.tags).map(([Key, Value]) => ({Key, Value})),
    }),
    {abortSignal: opts.signal},
  )
  return r.Role!.Arn!
}

export async function updateRole(
  iam: IAMClient,
  roleName: string,
  change: {trust?: PolicyDocument; maxSessionDuration?: number; tags?: Record<string, string>; untag?: string[]},
  opts: Opts = {},
): Promise<void> {
  const {TagRoleCommand, UntagRoleCommand, UpdateAssumeRolePolicyCommand, UpdateRoleCommand} = await iamSdk()
  if (change.trust) await iam.send(new UpdateAssumeRolePolicyCommand({RoleName: roleName, PolicyDocument: JSON.stringify(change.trust)}), {abortSignal: opts.signal})
  if (change.maxSessionDuration) await iam.send(new UpdateRoleCommand({RoleName: roleName, MaxSessionDuration: change.maxSessionDuration}), {abortSignal: opts.signal})
  if (change.untag?.length) await iam.send(new UntagRoleCommand({RoleName: roleName, TagKeys: change.untag}), {abortSignal: opts.signal})
  if (change.tags && Object.keys(change.tags).length) {
    await iam.send(new TagRoleCommand({RoleName: roleName, Tags: Object.entries(change.tags).map(([Key, Value]) => ({Key, Value}))}), {abortSignal: opts.signal})
  }
}

export async function deleteRole(iam: IAMClient, roleName: string, opts: Opts = {}): Promise<void> {
  const {DeleteRoleCommand} = await iamSdk()
  try {
    await iam.send(new DeleteRoleCommand({RoleName: roleName}), {abortSignal: opts.signal})
  } catch (error) {
    if (!isNoSuchEntity(error)) throw error
  }
}
