// IAM users and their access keys, as plain data. Pagination is followed here so callers see whole lists.
import type {IAMClient} from '@aws-sdk/client-iam'

import {allPages} from './paginate.js'
import {iamSdk} from './sdk.js'

export interface IamUser {
  name: string
  arn: string
  path: string
  userId: string
}

export interface AccessKey {
  userName: string
  accessKeyId: string
  status: 'Active' | 'Inactive'
  createDate: string
}

export interface KeyLastUsed {
  userName?: string
  /** ISO time, absent when never used. */
  lastUsedDate?: string
  serviceName?: string
  region?: string
}

type Opts = {signal?: AbortSignal}

export async function listUsers(iam: IAMClient, opts: Opts & {pathPrefix?: string} = {}): Promise<IamUser[]> {
  const {ListUsersCommand} = await iamSdk()
  return allPages(async (Marker) => {
    const r = await iam.send(new ListUsersCommand({Marker, PathPrefix: opts.pathPrefix}), {abortSignal: opts.signal})
    return {...r, items: (r.Users ?? []).map((u) => ({name: u.UserName!, arn: u.Arn!, path: u.Path ?? '/', userId: u.UserId!}))}
  })
}

export async function listUserTags(iam: IAMClient, userName: string, opts: Opts = {}): Promise<Record<string, string>> {
  const {ListUserTagsCommand} = await iamSdk()
  const tags = await allPages(async (Marker) => {
    const r = await iam.send(new ListUserTagsCommand({UserName: userName, Marker}), {abortSignal: opts.signal})
    return {...r, items: r.Tags ?? []}
  })
  return Object.fromEntries(tags.map((t) => [t.Key!, t.Value ?? '']))
}

export async function tagUser(iam: IAMClient, userName: string, tags: Record<string, string>, opts: Opts = {}): Promise<void> {
  const {TagUserCommand} = await iamSdk()
  await iam.send(new TagUserCommand({UserName: userName, Tags: Object.entries(tags).map(([Key, Value]) => ({Key, Value}))}), {abortSignal: opts.signal})
}

export async function untagUser(iam: IAMClient, userName: string, keys: string[], opts: Opts = {}): Promise<void> {
  const {UntagUserCommand} = await iamSdk()
  await iam.send(new UntagUserCommand({UserName: userName, TagKeys: keys}), {abortSignal: opts.signal})
}

export async function listAccessKeys(iam: IAMClient, userName: string, opts: Opts = {}): Promise<AccessKey[]> {
  const {ListAccessKeysCommand} = await iamSdk()
  return allPages(async (Marker) => {
    const r = await iam.send(new ListAccessKeysCommand({UserName: userName, Marker}), {abortSignal: opts.signal})
    const items = (r.AccessKeyMetadata ?? []).map((k) => ({userName, accessKeyId: k.AccessKeyId!, status: k.Status as AccessKey['status'], createDate: k.CreateDate!.toISOString()}))
    return {...r, items}
  })
}

export async function getAccessKeyLastUsed(iam: IAMClient, accessKeyId: string, opts: Opts = {}): Promise<KeyLastUsed> {
  const {GetAccessKeyLastUsedCommand} = await iamSdk()
  const r = await iam.send(new GetAccessKeyLastUsedCommand({AccessKeyId: accessKeyId}), {abortSignal: opts.signal})
  const u = r.AccessKeyLastUsed
  return {
    userName: r.UserName,
    lastUsedDate: u?.LastUsedDate?.toISOString(),
    serviceName: u?.ServiceName && u.ServiceName !== 'N/A' ? u.ServiceName : undefined,
    region: u?.Region && u.Region !== 'N/A' ? u.Region : undefined,
  }
}

export async function setAccessKeyStatus(
  iam: IAMClient,
  userName: string,
  accessKeyId: string,
  status: 'Active' | 'Inactive',
  opts: Opts = {},
): Promise<void> {
  const {UpdateAccessKeyCommand} = await iamSdk()
  await iam.send(new UpdateAccessKeyCommand({UserName: userName, AccessKeyId: accessKeyId, Status: status}), {abortSignal: opts.signal})
}
