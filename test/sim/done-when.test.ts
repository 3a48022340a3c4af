// The acceptance path in one story, through the SDK only: create a role, assume it, get denied
// after a revocation policy lands, and find every step (and the link between them) in LookupEvents.
import {LookupEventsCommand} from '@aws-sdk/client-cloudtrail'
import {CreateRoleCommand, ListRolesCommand, PutRolePolicyCommand} from '@aws-sdk/client-iam'
import {AssumeRoleCommand} from '@aws-sdk/client-sts'
import {describe, expect, it} from 'vitest'

import {useSim} from '../support/sim.js'

describe('done when', async () => {
  const sim = await useSim({scenario: 'playbooks/scenarios/demo-account.yaml'})
  const acct = sim.accountId

  it('create role → assume → revoke → denied → all of it in LookupEvents', async () => {
    await sim.clients.iam.send(
      new CreateRoleCommand({
        RoleName: 'incident-target',
        AssumeRolePolicyDocument: JSON.stringify({Version: '2012-10-17', Statement: [{Effect: 'Allow', Principal: {AWS: `arn:aws:iam::${acct}:user/ci-deploy`}, Action: 'sts:AssumeRole'}]}),
      }),
    )
    await sim.clients.iam.send(new PutRolePolicyCommand({RoleName: 'incident-target', PolicyName: 'read', PolicyDocument: JSON.stringify({Version: '2012-10-17', Statement: [{Effect: 'Allow', Action: 'iam:List*', Resource: '*'}]})}))
    const ci = sim.clientsAs(sim.credentialsFor('ci-deploy'))
    sim.setClockOffset(-5_000)
    const r = await ci.sts.send(new AssumeRoleCommand({RoleArn: `arn:aws:iam::${acct}:role/incident-target`, RoleSessionName: 'suspect'})).finally(() => sim.setClockOffset(0))
    const s = sim.clientsAs({accessKeyId: r.Credentials!.AccessKeyId!, secretAccessKey: r.Credentials!.SecretAccessKey!, sessionToken: r.Credentials!.SessionToken!})
    await s.iam.send(new ListRolesCommand({}))
    const cutoff = new Date(Date.now() - 1000).toISOString()
    await sim.clients.iam.send(
      new PutRolePolicyCommand({
        RoleName: 'incident-target',
        PolicyName: 'AWSRevokeOlderSessions',
        PolicyDocument: JSON.stringify({Version: '2012-10-17', Statement: [{Effect: 'Deny', Action: '*', Resource: '*', Condition: {DateLessThan: {'aws:TokenIssueTime': cutoff}}}]}),
      }),
    )
    await expect(s.iam.send(new ListRolesCommand({}))).rejects.toMatchObject({name: 'AccessDenied'})

    const ct = sim.clients.cloudtrail()
    const assume = await ct.send(new LookupEventsCommand({LookupAttributes: [{AttributeKey: 'EventName', AttributeValue: 'AssumeRole'}]}))
    const issued = JSON.parse(assume.Events![0]!.CloudTrailEvent!)
    const keyId = issued.responseElements.credentials.accessKeyId
    expect(keyId).toBe(r.Credentials!.AccessKeyId)
    const used = await ct.send(new LookupEventsCommand({LookupAttributes: [{AttributeKey: 'AccessKeyId', AttributeValue: keyId}]}))
    expect(used.Events!.map((e) => [e.EventName, JSON.parse(e.CloudTrailEvent!).errorCode ?? 'ok'])).toEqual([
      ['ListRoles', 'AccessDenied'],
      ['ListRoles', 'ok'],
    ])
    const denied = JSON.parse(used.Events![0]!.CloudTrailEvent!)
    expect(denied.userIdentity.principalId).toBe(issued.responseElements.assumedRoleUser.assumedRoleId)
    const writes = await ct.send(new LookupEventsCommand({LookupAttributes: [{AttributeKey: 'ResourceName', AttributeValue: 'incident-target'}]}))
    expect(writes.Events!.map((e) => e.EventName)).toEqual(['PutRolePolicy', 'PutRolePolicy', 'CreateRole'])
  })
})
