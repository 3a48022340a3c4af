// SigV4 and credential checks: wrong secret, unknown key, inactive key, expired session; last-used tracking.
import {GetAccessKeyLastUsedCommand, IAMClient, ListUsersCommand, UpdateAccessKeyCommand} from '@aws-sdk/client-iam'
import {GetCallerIdentityCommand, GetSessionTokenCommand, STSClient} from '@aws-sdk/client-sts'
import {CloudTrailClient, DescribeTrailsCommand} from '@aws-sdk/client-cloudtrail'
import {describe, expect, it} from 'vitest'

import {useSim} from '../support/sim.js'

describe('signature and credential checks', async () => {
  const sim = await useSim({scenario: 'playbooks/scenarios/demo-account.yaml'})
  const raw = (accessKeyId: string, secretAccessKey: string, sessionToken?: string) =>
    new STSClient({endpoint: sim.endpoint, region: sim.region, credentials: {accessKeyId, secretAccessKey, sessionToken}, maxAttempts: 1})

  it('accepts a seeded user key and names the caller', async () => {
    // The scenario seeds last use two days ago; this call moves it to now.
    const seeded = await sim.clients.iam.send(new GetAccessKeyLastUsedCommand({AccessKeyId: 'AKIASIMCIDEPLOY00001'}))
    expect(seeded.AccessKeyLastUsed?.ServiceName).toBe('sts')
    expect(Date.now() - seeded.AccessKeyLastUsed!.LastUsedDate!.getTime()).toBeGreaterThan(47 * 3600_000)
    const id = await sim.clientsAs(sim.credentialsFor('ci-deploy')).sts.send(new GetCallerIdentityCommand({}))
    expect(id).toMatchObject({Account: '111122223333', Arn: 'arn:aws:iam::111122223333:user/ci-deploy'})
    expect(id.UserId).toMatch(/^AIDA/)
  })

  it('rejects a wrong secret with SignatureDoesNotMatch (Query and JSON protocols)', async () => {
    await expect(raw('AKIASIMCIDEPLOY00001', 'wrong-secret-wrong-secret-wrong-secret00').send(new GetCallerIdentityCommand({}))).rejects.toMatchObject({
      name: 'SignatureDoesNotMatch',
      $metadata: {httpStatusCode: 403},
    })
    const ct = new CloudTrailClient({endpoint: sim.endpoint, region: sim.region, credentials: {accessKeyId: 'AKIASIMCIDEPLOY00001', secretAccessKey: 'nope-nope-nope-nope'}, maxAttempts: 1})
    await expect(ct.send(new DescribeTrailsCommand({}))).rejects.toMatchObject({name: 'InvalidSignatureException'})
    const unknown = new CloudTrailClient({endpoint: sim.endpoint, region: sim.region, credentials: {accessKeyId: 'AKIAUNKNOWNKEY000000', secretAccessKey: 'x'.repeat(40)}, maxAttempts: 1})
    await expect(unknown.send(new DescribeTrailsCommand({}))).rejects.toMatchObject({name: 'UnrecognizedClientException', $metadata: {httpStatusCode: 403}})
    // Requests that fail signature checks name nobody: they are answered but not written to the trail.
    expect(sim.records().some((r) => r.errorCode === 'SignatureDoesNotMatch' || r.errorCode === 'InvalidClientTokenId')).toBe(false)
  })

  it('rejects an unknown key with InvalidClientTokenId', async () => {
    await expect(raw('AKIAUNKNOWNKEY000000', 'x'.repeat(40)).send(new GetCallerIdentityCommand({}))).rejects.toMatchObject({
      name: 'InvalidClientTokenId',
      message: 'The security token included in the request is invalid.',
    })
  })

  it('rejects an inactive key as AWS does, and accepts it again once reactivated', async () => {
    const creds = sim.credentialsFor('analyst')
    await sim.clients.iam.send(new UpdateAccessKeyCommand({UserName: 'analyst', AccessKeyId: creds.accessKeyId, Status: 'Inactive'}))
    await expect(raw(creds.accessKeyId, creds.secretAccessKey).send(new GetCallerIdentityCommand({}))).rejects.toMatchObject({name: 'InvalidClientTokenId'})
    await sim.clients.iam.send(new UpdateAccessKeyCommand({UserName: 'analyst', AccessKeyId: creds.accessKeyId, Status: 'Active'}))
    await expect(raw(creds.accessKeyId, creds.secretAccessKey).send(new GetCallerIdentityCommand({}))).resolves.toMatchObject({Arn: 'arn:aws:iam::111122223333:user/analyst'})
  })

  it('rejects an expired session with ExpiredToken, and a session key without its token', async () => {
    const user = sim.clientsAs(sim.credentialsFor('analyst'))
    const {Credentials: c} = await user.sts.send(new GetSessionTokenCommand({DurationSeconds: 900}))
    const session = raw(c!.AccessKeyId!, c!.SecretAccessKey!, c!.SessionToken!)
    await expect(session.send(new GetCallerIdentityCommand({}))).resolves.toBeTruthy()
    await expect(raw(c!.AccessKeyId!, c!.SecretAccessKey!).send(new GetCallerIdentityCommand({}))).rejects.toMatchObject({name: 'InvalidClientTokenId'})
    sim.setClockOffset(901_000)
    try {
      await expect(session.send(new GetCallerIdentityCommand({}))).rejects.toMatchObject({name: 'ExpiredToken', message: 'The security token included in the request is expired'})
    } finally {
      sim.setClockOffset(0)
    }
  })

  it('records when and where a key was last used', async () => {
    const creds = sim.credentialsFor('ci-legacy')
    const before = await sim.clients.iam.send(new GetAccessKeyLastUsedCommand({AccessKeyId: creds.accessKeyId}))
    expect(before.UserName).toBe('ci-legacy')
    expect(before.AccessKeyLastUsed?.LastUsedDate).toBeUndefined()
    expect(before.AccessKeyLastUsed?.ServiceName).toBe('N/A')
    await new IAMClient({endpoint: sim.endpoint, region: 'us-east-1', credentials: creds, maxAttempts: 1}).send(new ListUsersCommand({}))
    const after = await sim.clients.iam.send(new GetAccessKeyLastUsedCommand({AccessKeyId: creds.accessKeyId}))
    expect(after.AccessKeyLastUsed).toMatchObject({ServiceName: 'iam', Region: 'us-east-1'})
    expect(Math.abs(after.AccessKeyLastUsed!.LastUsedDate!.getTime() - Date.now())).toBeLessThan(5000)
  })
})
