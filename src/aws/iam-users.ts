// IAM users and their access keys, as plain data. Pagination is followed here so callers see whole lists.
import {
  GetAccessKeyLastUsedCommand,
  ListAccessKeysCommand,
  ListUserTagsCommand,
  ListUsersCommand,
  UpdateAccessKeyCommand,
  type IAMClient,
} from '@aws-sdk/client-iam'

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
  const out: IamUser[] = []
  let marker: string | undefined
  do {
    const r = await iam.send(new ListUsersCommand({Marker: marker, PathPrefix: opts.pathPrefix}), {abortSignal: opts.signal})
    for (const u of r.Users ?? []) out.push({name: u.UserName!, arn: u.Arn!, path: u.Path ?? '/', userId: u.UserId!})
    marker = r.IsTruncated ? r.Marker : undefined
  } while (marker)
  return out
}

export async function listUserTags(iam: IAMClient, userName: string, opts: Opts = {}): Promise<Record<string, string>> {
  const tags: Record<string, string> = {}
  let marker: string | undefined
  do {
    const r = await iam.send(new ListUserTagsCommand({UserName: userName, Marker: marker}), {abortSignal: opts.signal})
    for (const t of r.Tags ?? []) tags[t.Key!] = t.Value ?? ''
    marker = r.IsTruncated ? r.Marker : undefined
  } while (marker)
  return tags
}

export async function listAccessKeys(iam: IAMClient, userName: string, opts: Opts = {}): Promise<AccessKey[]> {
  const out: AccessKey[] = []
  let marker: string | undefined
  do {
    const r = await iam.send(new ListAccessKeysCommand({UserName: userName, Marker: marker}), {abortSignal: opts.signal})
    for (const k of r.AccessKeyMetadata ?? []) {
      out.push({userName, accessKeyId: k.AccessKeyId!, status: k.Status as AccessKey['status'], createDate: k.CreateDate!.toISOString()})
    }
    marker = r.IsTruncated ? r.Marker : undefined
  } while (marker)
  return out
}

export async function getAccessKeyLastUsed(iam: IAMClient, accessKeyId: string, opts: Opts = {}): Promise<KeyLastUsed> {
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
  await iam.send(new UpdateAccessKeyCommand({UserName: userName, AccessKeyId: accessKeyId, Status: status}), {abortSignal: opts.signal})
}
