// Starting sessions: AssumeRole with MFA and SourceIdentity (break-glass), and finding the caller's MFA
// device. Credentials are returned to the caller only; nothing here logs them.



import type {Clients} from './clients.js'
import {allPages} from './paginate.js'
import {iamSdk, stsSdk} from './sdk.js'

export interface SessionCredentials {
  accessKeyId: string
  secretAccessKey: string
  sessionToken: string
  expiration: string
}

export async function assumeRole(
  clients: Clients,
  req: {roleArn: string; sessionName: string; sourceIdentity?: string; serialNumber?: string; tokenCode?: string; durationSeconds?: number; externalId?: string},
  opts: {signal?: AbortSignal} = {},
): Promise<{credentials: SessionCredentials; assumedRoleArn: string; assumedRoleId: string}> {
  const {AssumeRoleCommand} = await stsSdk()
  const r = await clients.sts.send(
    new AssumeRoleCommand({
      RoleArn: req.roleArn,
      RoleSessionName: req.sessionName,
      SourceIdentity: req.sourceIdentity,
      SerialNumber: req.serialNumber,
      TokenCode: req.tokenCode,
      DurationSeconds: req.durationSeconds,
      ExternalId: req.externalId,
    }),
    {abortSignal: opts.signal},
  )
  const c = r.Credentials!
  return {
    credentials: {accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken!, expiration: c.Expiration!.toISOString()},
    assumedRoleArn: r.AssumedRoleUser!.Arn!,
    assumedRoleId: r.AssumedRoleUser!.AssumedRoleId!,
  }
}

/** Serial numbers of the user's MFA devices (virtual and hardware). */
export async function listMfaSerials(clients: Clients, userName: string, opts: {signal?: AbortSignal} = {}): Promise<string[]> {
  const {ListMFADevicesCommand} = await iamSdk()
  return allPages(async (Marker) => {
    const r = await clients.iam.send(new ListMFADevicesCommand({UserName: userName, Marker}), {abortSignal: opts.signal})
    return {...r, items: (r.MFADevices ?? []).map((d) => d.SerialNumber!)}
  })
}
