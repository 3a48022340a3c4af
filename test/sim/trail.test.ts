// The trail: records in AWS's schema (compared with real CloudTrail records), LookupEvents filters, paging,
// ordering and throttling, and delivery as gzipped log files in the S3 key layout.
import {readFileSync, mkdtempSync, readdirSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, relative} from 'node:path'
import {gunzipSync} from 'node:zlib'

import {CloudTrailClient, DescribeTrailsCommand, LookupEventsCommand, paginateLookupEvents} from '@aws-sdk/client-cloudtrail'
import {CreateUserCommand, ListRolesCommand, ListUsersCommand} from '@aws-sdk/client-iam'
import {DescribeOrganizationCommand, ListAccountsCommand} from '@aws-sdk/client-organizations'
import {AssumeRoleCommand, GetCallerIdentityCommand} from '@aws-sdk/client-sts'
import {afterAll, describe, expect, it} from 'vitest'

import {startSim} from '../../src/sim/index.js'
import {useSim} from '../support/sim.js'

const ACCT = '111122223333'
type Rec = Record<string, any>

function realRecords(): Rec[] {
  const dir = '/work/shared/cloudtrail/stratus-red-team/detonation-logs'
  return readdirSync(dir).flatMap((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as Rec[])
}

describe('trail records', async () => {
  const trailDir = mkdtempSync(join(tmpdir(), 'sim-trail-'))
  const sim = await useSim({scenario: 'playbooks/scenarios/demo-account.yaml', trailDir})
  const ci = sim.clientsAs(sim.credentialsFor('ci-deploy'))
  const assumed = await ci.sts.send(new AssumeRoleCommand({RoleArn: `arn:aws:iam::${ACCT}:role/app-web`, RoleSessionName: 'trail-1', SourceIdentity: 'dev@example.com', DurationSeconds: 900}))
  const session = sim.clientsAs({accessKeyId: assumed.Credentials!.AccessKeyId!, secretAccessKey: assumed.Credentials!.SecretAccessKey!, sessionToken: assumed.Credentials!.SessionToken!})
  await session.iam.send(new ListRolesCommand({}))
  await session.iam.send(new ListUsersCommand({})).catch(() => undefined)
  const byKey = (keyId: string, name: string) => sim.records().find((r) => (r.userIdentity as Rec).accessKeyId === keyId && r.eventName === name) as Rec

  it('writes AssumeRole as AWS does: key id, expiry and assumed-role user, never the secret or token', () => {
    const rec = byKey('AKIASIMCIDEPLOY00001', 'AssumeRole')
    const real = realRecords().find((r) => r.eventName === 'AssumeRole' && r.userIdentity.type === 'IAMUser')!
    // Same top-level fields as the real record, except TLS details (the simulator speaks plain HTTP on loopback).
    expect(Object.keys(rec).sort()).toEqual(Object.keys(real).filter((k) => k !== 'tlsDetails').sort())
    expect(Object.keys(rec.userIdentity).sort()).toEqual(Object.keys(real.userIdentity).sort())
    expect(Object.keys(rec.responseElements.credentials).sort()).toEqual(['accessKeyId', 'expiration'])
    expect(rec.responseElements.credentials.accessKeyId).toBe(assumed.Credentials!.AccessKeyId)
    expect(rec.responseElements.credentials.expiration).toMatch(/^[A-Z][a-z]{2} \d{1,2}, \d{4}, \d{1,2}:\d{2}:\d{2} [AP]M$/)
    expect(rec.responseElements.assumedRoleUser).toEqual({assumedRoleId: assumed.AssumedRoleUser!.AssumedRoleId, arn: assumed.AssumedRoleUser!.Arn})
    expect(rec.responseElements.sourceIdentity).toBe('dev@example.com')
    expect(rec.requestParameters).toEqual({roleArn: `arn:aws:iam::${ACCT}:role/app-web`, roleSessionName: 'trail-1', sourceIdentity: 'dev@example.com', durationSeconds: 900})
    expect(rec.resources).toEqual([{ARN: `arn:aws:iam::${ACCT}:role/app-web`, accountId: ACCT, type: 'AWS::IAM::Role'}])
    expect(rec).toMatchObject({eventSource: 'sts.amazonaws.com', eventType: 'AwsApiCall', managementEvent: true, readOnly: true, recipientAccountId: ACCT, eventCategory: 'Management', awsRegion: 'us-east-1'})
    expect(Number(rec.eventVersion)).toBeGreaterThanOrEqual(1.09)
    const text = JSON.stringify(sim.records())
    expect(text).not.toContain(assumed.Credentials!.SecretAccessKey!)
    expect(text).not.toContain(assumed.Credentials!.SessionToken!)
  })

  it('attributes session calls with sessionContext like real AssumedRole records', () => {
    const rec = byKey(assumed.Credentials!.AccessKeyId!, 'ListRoles')
    const real = realRecords().find((r) => r.userIdentity.type === 'AssumedRole')!
    expect(Object.keys(rec.userIdentity).sort()).toEqual(Object.keys(real.userIdentity).sort())
    expect(Object.keys(rec.userIdentity.sessionContext.sessionIssuer).sort()).toEqual(Object.keys(real.userIdentity.sessionContext.sessionIssuer).sort())
    expect(rec.userIdentity).toMatchObject({
      type: 'AssumedRole',
      principalId: assumed.AssumedRoleUser!.AssumedRoleId,
      arn: assumed.AssumedRoleUser!.Arn,
      accountId: ACCT,
      accessKeyId: assumed.Credentials!.AccessKeyId,
      sessionContext: {sessionIssuer: {type: 'Role', arn: `arn:aws:iam::${ACCT}:role/app-web`, userName: 'app-web'}, attributes: {mfaAuthenticated: 'false'}, sourceIdentity: 'dev@example.com'},
    })
    expect(rec.userIdentity.sessionContext.attributes.creationDate).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)
    expect(rec.eventTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)
    expect(rec.requestParameters).toBeNull()
    expect(rec.responseElements).toBeNull()
  })

  it('logs GetSessionToken sessions as the IAM user with session attributes, and federated users with their issuer', async () => {
    const analyst = sim.clientsAs(sim.credentialsFor('analyst'))
    const {Credentials: c} = await analyst.sts.send(new (await import('@aws-sdk/client-sts')).GetSessionTokenCommand({}))
    await sim.clientsAs({accessKeyId: c!.AccessKeyId!, secretAccessKey: c!.SecretAccessKey!, sessionToken: c!.SessionToken!}).sts.send(new GetCallerIdentityCommand({}))
    const rec = byKey(c!.AccessKeyId!, 'GetCallerIdentity')
    expect(rec.userIdentity).toMatchObject({type: 'IAMUser', userName: 'analyst', arn: `arn:aws:iam::${ACCT}:user/analyst`, sessionContext: {sessionIssuer: {}, attributes: {mfaAuthenticated: 'false'}}})
    expect(rec.userIdentity.principalId).toMatch(/^AIDA/)
    const issued = byKey(sim.credentialsFor('analyst').accessKeyId, 'GetSessionToken')
    expect(issued.responseElements).toEqual({credentials: {accessKeyId: c!.AccessKeyId, expiration: expect.any(String)}})
  })

  it('records denials with errorCode and errorMessage', () => {
    const rec = byKey(assumed.Credentials!.AccessKeyId!, 'ListUsers')
    expect(rec.errorCode).toBe('AccessDenied')
    expect(rec.errorMessage).toContain('is not authorized to perform: iam:ListUsers')
    expect(rec.responseElements).toBeNull()
  })

  it('delivers log files as gzipped {"Records":[…]} under AWSLogs/<account>/CloudTrail/<region>/yyyy/mm/dd/', () => {
    const files = sim.flushTrail()
    expect(files.length).toBeGreaterThan(0)
    const rel = relative(trailDir, files[0]!)
    expect(rel).toMatch(new RegExp(`^AWSLogs/${ACCT}/CloudTrail/us-east-1/\\d{4}/\\d{2}/\\d{2}/${ACCT}_CloudTrail_us-east-1_\\d{8}T\\d{4}Z_[0-9A-F]{16}\\.json\\.gz$`))
    const body = JSON.parse(gunzipSync(readFileSync(files[0]!)).toString()) as {Records: Rec[]}
    expect(body.Records.some((r) => r.eventName === 'AssumeRole')).toBe(true)
  })
})

describe('LookupEvents', async () => {
  const sim = await useSim({scenario: 'playbooks/scenarios/demo-account.yaml'})
  // The SDK's own client (its paginator wants one), not lockdown's lazily loaded one.
  const ct = new CloudTrailClient({endpoint: sim.endpoint, region: sim.region, credentials: sim.rootCredentials, maxAttempts: 1})
  afterAll(() => ct.destroy())
  for (let i = 0; i < 12; i++) await sim.clients.iam.send(new CreateUserCommand({UserName: `u${i}`}))
  const ci = sim.clientsAs(sim.credentialsFor('ci-deploy'))
  await ci.sts.send(new GetCallerIdentityCommand({}))

  it('returns newest first with the CloudTrailEvent JSON string, filtered by every attribute kind', async () => {
    const all = await ct.send(new LookupEventsCommand({MaxResults: 50}))
    const times = all.Events!.map((e) => e.EventTime!.getTime())
    expect([...times].sort((a, b) => b - a)).toEqual(times)
    expect(all.Events![0]).toMatchObject({EventName: 'GetCallerIdentity', Username: 'ci-deploy', AccessKeyId: 'AKIASIMCIDEPLOY00001', EventSource: 'sts.amazonaws.com', ReadOnly: 'true'})
    expect(JSON.parse(all.Events![0]!.CloudTrailEvent!)).toMatchObject({eventName: 'GetCallerIdentity', eventID: all.Events![0]!.EventId})
    const checks: Array<[string, string, (e: any) => boolean]> = [
      ['EventName', 'CreateUser', (e) => e.EventName === 'CreateUser'],
      ['Username', 'ci-deploy', (e) => e.Username === 'ci-deploy'],
      ['AccessKeyId', 'AKIASIMCIDEPLOY00001', (e) => e.AccessKeyId === 'AKIASIMCIDEPLOY00001'],
      ['EventSource', 'iam.amazonaws.com', (e) => e.EventSource === 'iam.amazonaws.com'],
      ['ReadOnly', 'false', (e) => e.ReadOnly === 'false'],
      ['ResourceType', 'AWS::IAM::User', (e) => e.Resources.some((r: any) => r.ResourceType === 'AWS::IAM::User')],
      ['ResourceName', 'u3', (e) => e.Resources.some((r: any) => r.ResourceName === 'u3')],
      ['EventId', all.Events![3]!.EventId!, (e) => e.EventId === all.Events![3]!.EventId],
    ]
    for (const [key, value, pred] of checks) {
      const r = await ct.send(new LookupEventsCommand({LookupAttributes: [{AttributeKey: key as 'EventName', AttributeValue: value}]}))
      expect(r.Events!.length, key).toBeGreaterThan(0)
      expect(r.Events!.every(pred), key).toBe(true)
    }
    await expect(ct.send(new LookupEventsCommand({LookupAttributes: [{AttributeKey: 'EventName', AttributeValue: 'a'}, {AttributeKey: 'Username', AttributeValue: 'b'}]}))).rejects.toMatchObject({name: 'InvalidLookupAttributesException'})
    await expect(ct.send(new LookupEventsCommand({MaxResults: 51}))).rejects.toMatchObject({name: 'InvalidMaxResultsException'})
  })

  it('pages with NextToken and honours StartTime/EndTime', async () => {
    const names: string[] = []
    for await (const page of paginateLookupEvents({client: ct, pageSize: 5}, {LookupAttributes: [{AttributeKey: 'EventName', AttributeValue: 'CreateUser'}]})) {
      expect(page.Events!.length).toBeLessThanOrEqual(5)
      names.push(...page.Events!.map((e) => JSON.parse(e.CloudTrailEvent!).requestParameters.userName))
    }
    expect(names).toHaveLength(12)
    expect(new Set(names).size).toBe(12)
    const future = await ct.send(new LookupEventsCommand({StartTime: new Date(Date.now() + 60_000)}))
    expect(future.Events).toEqual([])
    const past = await ct.send(new LookupEventsCommand({EndTime: new Date(Date.now() - 3600_000)}))
    expect(past.Events).toEqual([])
    const window = await ct.send(new LookupEventsCommand({StartTime: new Date(Date.now() - 60_000), EndTime: new Date(Date.now() + 1000)}))
    expect(window.Events!.length).toBeGreaterThan(10)
  })

  it('keeps regions apart: STS calls in eu-west-1 are found only there', async () => {
    const stsEu = new (await import('@aws-sdk/client-sts')).STSClient({endpoint: sim.endpoint, region: 'eu-west-1', credentials: sim.credentialsFor('ci-deploy'), maxAttempts: 1})
    await stsEu.send(new GetCallerIdentityCommand({}))
    const inEu = await sim.clients.cloudtrail('eu-west-1').send(new LookupEventsCommand({}))
    expect(inEu.Events!.map((e) => e.EventName)).toEqual(['GetCallerIdentity'])
    expect(JSON.parse(inEu.Events![0]!.CloudTrailEvent!).awsRegion).toBe('eu-west-1')
    stsEu.destroy()
  })

  it('answers DescribeTrails and the Organizations calls', async () => {
    expect((await ct.send(new DescribeTrailsCommand({}))).trailList?.[0]).toMatchObject({IsMultiRegionTrail: true, HomeRegion: 'us-east-1'})
    const org = await sim.clients.organizations.send(new DescribeOrganizationCommand({}))
    expect(org.Organization?.MasterAccountId).toBe(ACCT)
    const accts = await sim.clients.organizations.send(new ListAccountsCommand({}))
    expect(accts.Accounts?.map((a) => a.Id)).toEqual([ACCT])
    expect(accts.Accounts?.[0]?.JoinedTimestamp).toBeInstanceOf(Date)
  })
})

describe('LookupEvents rate limit', () => {
  it('answers a third request within one second with ThrottlingException', async () => {
    const sim = await startSim({scenario: 'playbooks/scenarios/empty-account.yaml'})
    const ct = new CloudTrailClient({endpoint: sim.endpoint, region: sim.region, credentials: sim.rootCredentials, maxAttempts: 1})
    try {
      // Sent together so they land within one second even on a loaded machine.
      const results = await Promise.allSettled([1, 2, 3, 4].map(() => ct.send(new LookupEventsCommand({}))))
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(2)
      for (const r of results.filter((x) => x.status === 'rejected')) expect((r as PromiseRejectedResult).reason).toMatchObject({name: 'ThrottlingException'})
      await new Promise((r) => setTimeout(r, 1050))
      await expect(ct.send(new LookupEventsCommand({}))).resolves.toBeTruthy()
    } finally {
      ct.destroy()
      await sim.stop()
    }
  })
})
