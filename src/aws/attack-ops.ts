// The calls a drill's attacker makes with stolen credentials, through the real SDK like any client:
// probes (read APIs called again and again) and persistence moves (backdoor keys, inline policies).



import type {Clients} from './clients.js'
import type {SessionCredentials} from './sts-sessions.js'
import {iamSdk, stsSdk} from './sdk.js'

/** Read calls an attacker repeats; sts:GetCallerIdentity is left out because no policy can deny it. */
export const PROBE_ACTIONS = ['iam:GetUser', 'iam:ListRoles', 'iam:ListUsers'] as const
export type ProbeAction = (typeof PROBE_ACTIONS)[number]

export interface CallOutcome {
  ok: boolean
  /** AWS error code when refused (AccessDenied, InvalidClientTokenId, ExpiredToken, …). */
  error?: string
}

export async function probe(clients: Clients, action: ProbeAction, signal?: AbortSignal): Promise<CallOutcome> {
  const {GetUserCommand, ListRolesCommand, ListUsersCommand} = await iamSdk()
  try {
    if (action === 'iam:GetUser') await clients.iam.send(new GetUserCommand({}), {abortSignal: signal})
    else if (action === 'iam:ListRoles') await clients.iam.send(new ListRolesCommand({MaxItems: 1}), {abortSignal: signal})
    else await clients.iam.send(new ListUsersCommand({MaxItems: 1}), {abortSignal: signal})
    return {ok: true}
  } catch (error) {
    return {ok: false, error: (error as {name?: string}).name ?? 'Error'}
  }
}

export async function createAccessKey(clients: Clients, userName: string): Promise<{accessKeyId: string; secretAccessKey: string}> {
  const {CreateAccessKeyCommand} = await iamSdk()
  const r = await clients.iam.send(new CreateAccessKeyCommand({UserName: userName}))
  return {accessKeyId: r.AccessKey!.AccessKeyId!, secretAccessKey: r.AccessKey!.SecretAccessKey!}
}

export async function putRolePolicyAs(clients: Clients, roleName: string, policyName: string, document: object): Promise<void> {
  const {PutRolePolicyCommand} = await iamSdk()
  await clients.iam.send(new PutRolePolicyCommand({RoleName: roleName, PolicyName: policyName, PolicyDocument: JSON.stringify(document)}))
}

export async function getSessionToken(clients: Clients): Promise<SessionCredentials> {
  const {GetSessionTokenCommand} = await stsSdk()
  const c = (await clients.sts.send(new GetSessionTokenCommand({}))).Credentials!
  return {accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken!, expiration: c.Expiration!.toISOString()}
}
