// sts:GetCallerIdentity plus the access key the client signs with (never the secret).


import type {Clients} from './clients.js'
import {stsSdk} from './sdk.js'

export interface Identity {
  account: string
  arn: string
  userId: string
  accessKeyId: string
}

export async function getIdentity(clients: Clients, signal?: AbortSignal): Promise<Identity> {
  const {GetCallerIdentityCommand} = await stsSdk()
  const id = await clients.sts.send(new GetCallerIdentityCommand({}), {abortSignal: signal})
  const creds = await clients.sts.config.credentials()
  return {account: id.Account!, arn: id.Arn!, userId: id.UserId!, accessKeyId: creds.accessKeyId}
}
