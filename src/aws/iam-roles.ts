// IAM roles as plain data: listing with trust policies, tags, last use. Pagination is followed here.
import {GetRoleCommand, ListRolesCommand, ListRoleTagsCommand, type IAMClient} from '@aws-sdk/client-iam'

import {parsePolicy, type PolicyDocument} from './policies/document.js'

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

export async function listRoles(iam: IAMClient, opts: Opts & {pathPrefix?: string} = {}): Promise<IamRole[]> {
  const out: IamRole[] = []
  let marker: string | undefined
  do {
    const r = await iam.send(new ListRolesCommand({Marker: marker, PathPrefix: opts.pathPrefix}), {abortSignal: opts.signal})
    for (const x of r.Roles ?? []) {
      out.push({
        name: x.RoleName!,
        arn: x.Arn!,
        path: x.Path ?? '/',
        roleId: x.RoleId!,
        trust: decodePolicy(x.AssumeRolePolicyDocument) ?? {Version: '2012-10-17', Statement: []},
        maxSessionDuration: x.MaxSessionDuration,
      })
    }
    marker = r.IsTruncated ? r.Marker : undefined
  } while (marker)
  return out
}

export async function listRoleTags(iam: IAMClient, roleName: string, opts: Opts = {}): Promise<Record<string, string>> {
  const tags: Record<string, string> = {}
  let marker: string | undefined
  do {
    const r = await iam.send(new ListRoleTagsCommand({RoleName: roleName, Marker: marker}), {abortSignal: opts.signal})
    for (const t of r.Tags ?? []) tags[t.Key!] = t.Value ?? ''
    marker = r.IsTruncated ? r.Marker : undefined
  } while (marker)
  return tags
}

export async function getRoleLastUsed(iam: IAMClient, roleName: string, opts: Opts = {}): Promise<{at?: string; region?: string}> {
  const r = await iam.send(new GetRoleCommand({RoleName: roleName}), {abortSignal: opts.signal})
  return {at: r.Role?.RoleLastUsed?.LastUsedDate?.toISOString(), region: r.Role?.RoleLastUsed?.Region}
}
