// Test principals with exactly the policy a test needs, made through the real SDK as the account root.
import {CreateAccessKeyCommand, CreateUserCommand, PutUserPolicyCommand} from '@aws-sdk/client-iam'

import type {SimFixture} from './sim.js'

export type Statement = {Effect: 'Allow' | 'Deny'; Action: string | string[]; Resource: string | string[]}

/**
 * Creates (or re-grants) a user holding `statements` as its one inline policy; returns its key. The user is
 * made in the top-level account, or in `account` (a member of an organization scenario), by that account's root.
 */
export async function userWith(sim: SimFixture, name: string, statements: Statement[], opts: {account?: string} = {}): Promise<{accessKeyId: string; secretAccessKey: string}> {
  const iam = opts.account ? sim.clientsIn(opts.account).iam : sim.clients.iam
  await iam.send(new CreateUserCommand({UserName: name}))
  await iam.send(new PutUserPolicyCommand({UserName: name, PolicyName: 'test', PolicyDocument: JSON.stringify({Version: '2012-10-17', Statement: statements})}))
  const key = (await iam.send(new CreateAccessKeyCommand({UserName: name}))).AccessKey!
  return {accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey!}
}

/**
 * May do everything lockdown needs, but IAM refuses `denied` on `resource`: the permission preflight
 * (which simulates on "*") passes and the write fails at apply, as a resource-scoped deny does in AWS.
 */
export const refusedAt = (denied: string[], resource: string): Statement[] => [
  {Effect: 'Allow', Action: ['iam:*'], Resource: '*'},
  {Effect: 'Deny', Action: denied, Resource: resource},
]
