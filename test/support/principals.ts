// Test principals with exactly the policy a test needs, made through the real SDK as the account root.
import {CreateAccessKeyCommand, CreateUserCommand, PutUserPolicyCommand} from '@aws-sdk/client-iam'

import type {SimFixture} from './sim.js'

export type Statement = {Effect: 'Allow' | 'Deny'; Action: string | string[]; Resource: string | string[]}

/** Creates (or re-grants) a user holding `statements` as its one inline policy; returns its key. */
export async function userWith(sim: SimFixture, name: string, statements: Statement[]): Promise<{accessKeyId: string; secretAccessKey: string}> {
  await sim.clients.iam.send(new CreateUserCommand({UserName: name}))
  await sim.clients.iam.send(new PutUserPolicyCommand({UserName: name, PolicyName: 'test', PolicyDocument: JSON.stringify({Version: '2012-10-17', Statement: statements})}))
  const key = (await sim.clients.iam.send(new CreateAccessKeyCommand({UserName: name}))).AccessKey!
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
