// The account's roles and users with their tags and inline policies, from iam:GetAccountAuthorizationDetails:
// pages of up to 1,000 principals, each with everything a plan asks of it. Listing the roles and then reading
// each one's tags, inline policy names and documents was three or more round trips per role.
import type {IAMClient, RoleDetail, UserDetail} from '@aws-sdk/client-iam'

import {decodePolicy, type IamRole} from './iam-roles.js'
import type {IamUser} from './iam-users.js'
import {allPages} from './paginate.js'
import type {PolicyDocument} from './policies/document.js'
import {iamSdk} from './sdk.js'

export interface PrincipalDetails {
  tags: Record<string, string>
  /** Inline policies by name, decoded. */
  inline: Map<string, PolicyDocument>
}
export type RoleWithDetails = IamRole & PrincipalDetails
export type UserWithDetails = IamUser & PrincipalDetails

type Opts = {signal?: AbortSignal}

const tagsOf = (tags: {Key?: string; Value?: string}[] | undefined) => Object.fromEntries((tags ?? []).map((t) => [t.Key!, t.Value ?? '']))

function inlineOf(list: {PolicyName?: string; PolicyDocument?: string}[] | undefined): Map<string, PolicyDocument> {
  const out = new Map<string, PolicyDocument>()
  for (const p of list ?? []) {
    const doc = decodePolicy(p.PolicyDocument)
    if (p.PolicyName && doc) out.set(p.PolicyName, doc)
  }
  return out
}

const toRole = (x: RoleDetail): RoleWithDetails => ({
  name: x.RoleName!,
  arn: x.Arn!,
  path: x.Path ?? '/',
  roleId: x.RoleId!,
  trust: decodePolicy(x.AssumeRolePolicyDocument) ?? {Version: '2012-10-17', Statement: []},
  tags: tagsOf(x.Tags),
  inline: inlineOf(x.RolePolicyList),
})

const toUser = (x: UserDetail): UserWithDetails => ({name: x.UserName!, arn: x.Arn!, path: x.Path ?? '/', userId: x.UserId!, tags: tagsOf(x.Tags), inline: inlineOf(x.UserPolicyList)})

/** Every role and/or user of the account with tags and inline policies; only the kinds asked for are read. */
export async function authorizationDetails(iam: IAMClient, want: {roles: boolean; users: boolean}, opts: Opts = {}): Promise<{roles: RoleWithDetails[]; users: UserWithDetails[]}> {
  const Filter = [...(want.roles ? ['Role' as const] : []), ...(want.users ? ['User' as const] : [])]
  if (!Filter.length) return {roles: [], users: []}
  const {GetAccountAuthorizationDetailsCommand} = await iamSdk()
  const pages = await allPages(async (Marker) => {
    const r = await iam.send(new GetAccountAuthorizationDetailsCommand({Filter, Marker, MaxItems: 1000}), {abortSignal: opts.signal})
    return {...r, items: [{roles: (r.RoleDetailList ?? []).map(toRole), users: (r.UserDetailList ?? []).map(toUser)}]}
  })
  return {roles: pages.flatMap((p) => p.roles), users: pages.flatMap((p) => p.users)}
}
