// Roles only AWS may modify (issue 16): the roles IAM Identity Center provisions from permission sets, under
// `/aws-reserved/sso.amazonaws.com/`, and service-linked roles under `/aws-service-role/`. IAM refuses every
// write to them with UnmodifiableEntity (HTTP 400, "Cannot perform the operation on the protected role '…' -
// this role is only modifiable by AWS"), while they can still be read and assumed. The path decides, not the
// name: a customer role that merely looks like an Identity Center role is an ordinary role.
import {
  AttachRolePolicyCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  DetachRolePolicyCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  ListRolePoliciesCommand,
  PutRolePolicyCommand,
  UpdateAssumeRolePolicyCommand,
  UpdateRoleCommand,
  UpdateRoleDescriptionCommand,
} from '@aws-sdk/client-iam'
import {AssumeRoleCommand} from '@aws-sdk/client-sts'
import {describe, expect, it} from 'vitest'

import type {Scenario} from '../../src/sim/index.js'
import {useSim} from '../support/sim.js'

const ACCT = '111122223333'
const SSO = 'AWSReservedSSO_AdministratorAccess_073ae2cbd6a6a546'
const trust = {Version: '2012-10-17', Statement: [{Effect: 'Allow', Principal: {AWS: `arn:aws:iam::${ACCT}:root`}, Action: 'sts:AssumeRole'}]}
const deny = JSON.stringify({Version: '2012-10-17', Statement: [{Effect: 'Deny', Action: '*', Resource: '*'}]})
const scenario: Scenario = {
  account: {id: ACCT},
  organization: false,
  users: [{name: 'mallory', managedPolicies: ['arn:aws:iam::aws:policy/AdministratorAccess'], accessKeys: [{}]}],
  roles: [
    {name: SSO, path: '/aws-reserved/sso.amazonaws.com/', trust, inlinePolicies: {AwsSSOInlinePolicy: {Version: '2012-10-17', Statement: [{Effect: 'Allow', Action: 'iam:Get*', Resource: '*'}]}}, managedPolicies: ['arn:aws:iam::aws:policy/ReadOnlyAccess']},
    {name: 'AWSServiceRoleForSupport', path: '/aws-service-role/support.amazonaws.com/', trust, managedPolicies: ['arn:aws:iam::aws:policy/ReadOnlyAccess']},
    // Same kind of name, customer path: nothing protects it.
    {name: 'AWSReservedSSO_lookalike', trust},
  ],
}

describe('roles only AWS may modify', async () => {
  const sim = await useSim({scenario})
  const iam = sim.clients.iam
  const refused = (role: string) => ({name: 'UnmodifiableEntityException', message: `Cannot perform the operation on the protected role '${role}' - this role is only modifiable by AWS`, $metadata: expect.objectContaining({httpStatusCode: 400})})

  it('refuses every write to an Identity Center role with UnmodifiableEntity, and changes nothing', async () => {
    const writes = [
      new PutRolePolicyCommand({RoleName: SSO, PolicyName: 'lockdown-revoke', PolicyDocument: deny}),
      new DeleteRolePolicyCommand({RoleName: SSO, PolicyName: 'AwsSSOInlinePolicy'}),
      new AttachRolePolicyCommand({RoleName: SSO, PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess'}),
      new DetachRolePolicyCommand({RoleName: SSO, PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess'}),
      new UpdateAssumeRolePolicyCommand({RoleName: SSO, PolicyDocument: JSON.stringify(trust)}),
      new UpdateRoleCommand({RoleName: SSO, MaxSessionDuration: 7200}),
      new UpdateRoleDescriptionCommand({RoleName: SSO, Description: 'x'}),
      new DeleteRoleCommand({RoleName: SSO}),
    ]
    for (const w of writes) await expect(iam.send(w as never), w.constructor.name).rejects.toMatchObject(refused(SSO))
    // Reads still answer, and show nothing moved.
    expect((await iam.send(new ListRolePoliciesCommand({RoleName: SSO}))).PolicyNames).toEqual(['AwsSSOInlinePolicy'])
    await expect(iam.send(new GetRolePolicyCommand({RoleName: SSO, PolicyName: 'lockdown-revoke'}))).rejects.toMatchObject({name: 'NoSuchEntityException'})
    expect((await iam.send(new GetRoleCommand({RoleName: SSO}))).Role).toMatchObject({Path: '/aws-reserved/sso.amazonaws.com/', MaxSessionDuration: 3600})
  })

  it('refuses writes to a service-linked role the same way, and a missing role is still NoSuchEntity', async () => {
    await expect(iam.send(new PutRolePolicyCommand({RoleName: 'AWSServiceRoleForSupport', PolicyName: 'x', PolicyDocument: deny}))).rejects.toMatchObject(refused('AWSServiceRoleForSupport'))
    await expect(iam.send(new DetachRolePolicyCommand({RoleName: 'AWSServiceRoleForSupport', PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess'}))).rejects.toMatchObject(refused('AWSServiceRoleForSupport'))
    await expect(iam.send(new PutRolePolicyCommand({RoleName: 'AWSReservedSSO_missing', PolicyName: 'x', PolicyDocument: deny}))).rejects.toMatchObject({name: 'NoSuchEntityException'})
  })

  it('lets an Identity Center role be assumed (an attacker with its session works) while a look-alike name at / stays an ordinary, writable role', async () => {
    const creds = (await sim.clientsAs(sim.credentialsFor('mallory')).sts.send(new AssumeRoleCommand({RoleArn: `arn:aws:iam::${ACCT}:role/aws-reserved/sso.amazonaws.com/${SSO}`, RoleSessionName: 'mallory@example.com'}))).Credentials!
    const session = sim.clientsAs({accessKeyId: creds.AccessKeyId!, secretAccessKey: creds.SecretAccessKey!, sessionToken: creds.SessionToken!})
    expect((await session.iam.send(new GetRoleCommand({RoleName: SSO}))).Role?.RoleName).toBe(SSO)
    await iam.send(new PutRolePolicyCommand({RoleName: 'AWSReservedSSO_lookalike', PolicyName: 'x', PolicyDocument: deny}))
    expect((await iam.send(new ListRolePoliciesCommand({RoleName: 'AWSReservedSSO_lookalike'}))).PolicyNames).toEqual(['x'])
  })
})
