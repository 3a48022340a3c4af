// Several accounts in one simulator (issue 15): per-account IAM state and credentials, the access role AWS
// creates in member accounts, cross-account AssumeRole evaluated and logged as AWS does, and per-account trails.
import {readFileSync} from 'node:fs'
import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join, relative} from 'node:path'
import {gunzipSync} from 'node:zlib'

import {LookupEventsCommand} from '@aws-sdk/client-cloudtrail'
import {CreateRoleCommand, GetRoleCommand, ListAttachedRolePoliciesCommand, ListUsersCommand} from '@aws-sdk/client-iam'
import {AssumeRoleCommand, GetCallerIdentityCommand, type Credentials} from '@aws-sdk/client-sts'
import {describe, expect, it} from 'vitest'

import {startSim} from '../../src/sim/index.js'
import {userWith} from '../support/principals.js'
import {useSim} from '../support/sim.js'

const SCENARIO = 'playbooks/scenarios/organization.yaml'
const MGMT = '111122223333'
const DEV = '222233334444'
const PROD = '333344445555'
const INVITED = '444455556666'
const SUSPENDED = '555566667777'
const accessRole = (acct: string) => `arn:aws:iam::${acct}:role/OrganizationAccountAccessRole`

describe('an organization in one simulator', async () => {
  const sim = await useSim({scenario: SCENARIO})
  const operator = sim.clientsAs(sim.credentialsFor('lockdown-operator'))
  const devCi = sim.clientsAs(sim.credentialsFor('dev-ci', DEV))
  const as = (c: Credentials) => sim.clientsAs({accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken!})

  it('gives each account its own IAM state, and credentials that act in their own account', async () => {
    const names = async (acct: string) => (await sim.clientsIn(acct).iam.send(new ListUsersCommand({}))).Users!.map((u) => u.UserName)
    expect(await names(MGMT)).toEqual(['lockdown-operator', 'responder'])
    expect(await names(DEV)).toEqual(['dev-ci'])
    expect(await names(PROD)).toEqual(['prod-deployer'])
    const me = await devCi.sts.send(new GetCallerIdentityCommand({}))
    expect(me).toMatchObject({Account: DEV, Arn: `arn:aws:iam::${DEV}:user/dev-ci`})
    // dev-ci may only assume app-ci: authorized by dev's policies, and named with dev's ARN.
    await expect(devCi.iam.send(new ListUsersCommand({}))).rejects.toMatchObject({
      name: 'AccessDenied',
      message: `User: arn:aws:iam::${DEV}:user/dev-ci is not authorized to perform: iam:ListUsers on resource: arn:aws:iam::${DEV}:user/ because no identity-based policy allows the iam:ListUsers action`,
    })
    // A user made in prod exists in prod only.
    await userWith(sim, 'probe', [{Effect: 'Allow', Action: 'iam:ListUsers', Resource: '*'}], {account: PROD})
    expect(await names(PROD)).toEqual(['probe', 'prod-deployer'])
    expect(await names(DEV)).toEqual(['dev-ci'])
  })

  it('creates OrganizationAccountAccessRole in created members (trusting the management account, admin) and none in invited ones', async () => {
    for (const acct of [DEV, PROD]) {
      const r = (await sim.clientsIn(acct).iam.send(new GetRoleCommand({RoleName: 'OrganizationAccountAccessRole'}))).Role!
      expect(r.Arn).toBe(accessRole(acct))
      expect(r.Path).toBe('/')
      expect(JSON.parse(decodeURIComponent(r.AssumeRolePolicyDocument!)).Statement[0].Principal).toEqual({AWS: `arn:aws:iam::${MGMT}:root`})
      const attached = await sim.clientsIn(acct).iam.send(new ListAttachedRolePoliciesCommand({RoleName: 'OrganizationAccountAccessRole'}))
      expect(attached.AttachedPolicies?.map((p) => p.PolicyArn)).toEqual(['arn:aws:iam::aws:policy/AdministratorAccess'])
    }
    await expect(sim.clientsIn(INVITED).iam.send(new GetRoleCommand({RoleName: 'OrganizationAccountAccessRole'}))).rejects.toMatchObject({name: 'NoSuchEntityException'})
    await expect(sim.clients.iam.send(new GetRoleCommand({RoleName: 'OrganizationAccountAccessRole'}))).rejects.toMatchObject({name: 'NoSuchEntityException'})
  })

  it('lets the management account enter a member through its access role: the session is in the member account', async () => {
    // As in AWS, the role's stock trust allows sts:AssumeRole only: a SourceIdentity needs sts:SetSourceIdentity there too.
    await expect(operator.sts.send(new AssumeRoleCommand({RoleArn: accessRole(PROD), RoleSessionName: 'lockdown-r1', SourceIdentity: 'lockdown-operator'}))).rejects.toMatchObject({
      name: 'AccessDenied',
      message: `User: arn:aws:iam::${MGMT}:user/lockdown-operator is not authorized to perform: sts:SetSourceIdentity on resource: ${accessRole(PROD)}`,
    })
    const r = await operator.sts.send(new AssumeRoleCommand({RoleArn: accessRole(PROD), RoleSessionName: 'lockdown-r1'}))
    expect(r.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${PROD}:assumed-role/OrganizationAccountAccessRole/lockdown-r1`)
    const inProd = as(r.Credentials!)
    expect(await inProd.sts.send(new GetCallerIdentityCommand({}))).toMatchObject({Account: PROD, Arn: r.AssumedRoleUser?.Arn})
    // Admin in prod, and prod's users, not the management account's.
    expect((await inProd.iam.send(new ListUsersCommand({}))).Users!.map((u) => u.UserName)).toContain('prod-deployer')
  })

  it('refuses entry into an invited account (no access role) and into a suspended one; a suspended account signs nothing', async () => {
    const responder = sim.clientsAs(sim.credentialsFor('responder'))
    await expect(responder.sts.send(new AssumeRoleCommand({RoleArn: accessRole(INVITED), RoleSessionName: 'x1'}))).rejects.toMatchObject({
      name: 'AccessDenied',
      message: `User: arn:aws:iam::${MGMT}:user/responder is not authorized to perform: sts:AssumeRole on resource: ${accessRole(INVITED)}`,
    })
    await expect(responder.sts.send(new AssumeRoleCommand({RoleArn: accessRole(SUSPENDED), RoleSessionName: 'x1'}))).rejects.toMatchObject({name: 'AccessDenied'})
    // The role is there (the account was created), yet the account lets nobody in.
    expect(sim.snapshot(SUSPENDED)).toMatchObject({roles: [{name: 'OrganizationAccountAccessRole'}]})
    await expect(sim.clientsIn(SUSPENDED).sts.send(new GetCallerIdentityCommand({}))).rejects.toMatchObject({name: 'InvalidClientTokenId'})
  })

  it('crosses accounts when the target trust AND the caller identity policy allow, and logs it in both trails with one sharedEventID', async () => {
    const ci = await devCi.sts.send(new AssumeRoleCommand({RoleArn: `arn:aws:iam::${DEV}:role/app-ci`, RoleSessionName: 'build-7'}))
    const r = await as(ci.Credentials!).sts.send(new AssumeRoleCommand({RoleArn: `arn:aws:iam::${PROD}:role/deploy-from-dev`, RoleSessionName: 'pivot'}))
    expect(r.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${PROD}:assumed-role/deploy-from-dev/pivot`)
    expect(await as(r.Credentials!).sts.send(new GetCallerIdentityCommand({}))).toMatchObject({Account: PROD})

    const find = (acct: string) => sim.records(acct).filter((e) => e.eventName === 'AssumeRole' && (e.requestParameters as {roleSessionName?: string})?.roleSessionName === 'pivot')
    const [inDev] = find(DEV)
    const [inProd] = find(PROD)
    expect(find(MGMT)).toEqual([])
    expect(inDev).toMatchObject({recipientAccountId: DEV, userIdentity: {type: 'AssumedRole', accountId: DEV, arn: `arn:aws:sts::${DEV}:assumed-role/app-ci/build-7`}})
    expect(inDev!.responseElements).toMatchObject({credentials: {accessKeyId: r.Credentials!.AccessKeyId}})
    expect(inProd).toMatchObject({recipientAccountId: PROD, userIdentity: {accountId: DEV}, resources: [{ARN: `arn:aws:iam::${PROD}:role/deploy-from-dev`, accountId: PROD}]})
    expect(inDev!.sharedEventID).toMatch(/^[0-9a-f-]{36}$/)
    expect(inProd!.sharedEventID).toBe(inDev!.sharedEventID)
    expect(inProd!.eventID).not.toBe(inDev!.eventID)

    // LookupEvents answers from the caller's account's trail: prod sees the pivot, the management account does not.
    const lookup = (acct: string) => sim.clientsIn(acct).cloudtrail().send(new LookupEventsCommand({LookupAttributes: [{AttributeKey: 'EventName', AttributeValue: 'AssumeRole'}]}))
    const prodEvents = (await lookup(PROD)).Events!.map((e) => JSON.parse(e.CloudTrailEvent!))
    expect(prodEvents.filter((e) => e.sharedEventID === inDev!.sharedEventID)).toHaveLength(1)
    const mgmtEvents = (await lookup(MGMT)).Events!.map((e) => JSON.parse(e.CloudTrailEvent!))
    expect(mgmtEvents.some((e) => e.sharedEventID === inDev!.sharedEventID)).toBe(false)
  })

  it('refuses a cross-account AssumeRole that the trust names when the caller has no identity policy for it (same account: trust alone is enough)', async () => {
    const trust = (principal: string) => JSON.stringify({Version: '2012-10-17', Statement: [{Effect: 'Allow', Principal: {AWS: principal}, Action: 'sts:AssumeRole'}]})
    const key = await userWith(sim, 'no-sts', [{Effect: 'Allow', Action: 'iam:GetUser', Resource: '*'}], {account: DEV})
    await sim.clientsIn(PROD).iam.send(new CreateRoleCommand({RoleName: 'trusts-no-sts', AssumeRolePolicyDocument: trust(`arn:aws:iam::${DEV}:user/no-sts`)}))
    await sim.clientsIn(DEV).iam.send(new CreateRoleCommand({RoleName: 'trusts-no-sts', AssumeRolePolicyDocument: trust(`arn:aws:iam::${DEV}:user/no-sts`)}))
    const c = sim.clientsAs(key)
    await expect(c.sts.send(new AssumeRoleCommand({RoleArn: `arn:aws:iam::${PROD}:role/trusts-no-sts`, RoleSessionName: 'x1'}))).rejects.toMatchObject({
      name: 'AccessDenied',
      message: `User: arn:aws:iam::${DEV}:user/no-sts is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::${PROD}:role/trusts-no-sts`,
    })
    await expect(c.sts.send(new AssumeRoleCommand({RoleArn: `arn:aws:iam::${DEV}:role/trusts-no-sts`, RoleSessionName: 'x1'}))).resolves.toMatchObject({AssumedRoleUser: {Arn: `arn:aws:sts::${DEV}:assumed-role/trusts-no-sts/x1`}})
    // An identity allow does not help against a trust that does not name the caller.
    const responder = sim.clientsAs(sim.credentialsFor('responder'))
    await expect(responder.sts.send(new AssumeRoleCommand({RoleArn: `arn:aws:iam::${PROD}:role/deploy-from-dev`, RoleSessionName: 'x1'}))).rejects.toMatchObject({name: 'AccessDenied'})
  })

  it('makes one account unreachable or failing through the faults', async () => {
    try {
      sim.setFaults({denyAssumeRoleInto: [PROD]})
      await expect(operator.sts.send(new AssumeRoleCommand({RoleArn: accessRole(PROD), RoleSessionName: 'x1'}))).rejects.toMatchObject({name: 'AccessDenied'})
      await expect(operator.sts.send(new AssumeRoleCommand({RoleArn: accessRole(DEV), RoleSessionName: 'x1'}))).resolves.toBeTruthy()
      sim.setFaults({denyAssumeRoleInto: [], failAssumeRoleInto: [DEV]})
      await expect(operator.sts.send(new AssumeRoleCommand({RoleArn: accessRole(DEV), RoleSessionName: 'x1'}))).rejects.toMatchObject({$metadata: {httpStatusCode: 500}})
    } finally {
      sim.setFaults({denyAssumeRoleInto: [], failAssumeRoleInto: []})
    }
  })
})

describe('organization trail delivery', () => {
  it('writes every account under AWSLogs/<org id>/<account>/CloudTrail/<region>/yyyy/mm/dd/', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lockdown-orgtrail-'))
    const sim = await startSim({scenario: SCENARIO, trailDir: dir})
    try {
      const sts = async (creds: {accessKeyId: string; secretAccessKey: string}) => {
        const {STSClient} = await import('@aws-sdk/client-sts')
        const c = new STSClient({endpoint: sim.endpoint, region: sim.region, credentials: creds, maxAttempts: 1})
        await c.send(new GetCallerIdentityCommand({}))
        c.destroy()
      }
      await sts(sim.rootCredentials)
      await sts(sim.credentialsFor('dev-ci', DEV))
      const files = sim.flushTrail().map((f) => relative(dir, f))
      const d = new Date()
      const ymd = `${d.getUTCFullYear()}/${String(d.getUTCMonth() + 1).padStart(2, '0')}/${String(d.getUTCDate()).padStart(2, '0')}`
      expect(files.sort()).toEqual([
        expect.stringMatching(new RegExp(`^AWSLogs/o-a1b2c3d4e5/${MGMT}/CloudTrail/us-east-1/${ymd}/${MGMT}_CloudTrail_us-east-1_\\d{8}T\\d{4}Z_[0-9A-F]{16}\\.json\\.gz$`)),
        expect.stringMatching(new RegExp(`^AWSLogs/o-a1b2c3d4e5/${DEV}/CloudTrail/us-east-1/${ymd}/${DEV}_CloudTrail_us-east-1_`)),
      ])
      const dev = JSON.parse(gunzipSync(readFileSync(join(dir, files.find((f) => f.includes(`/${DEV}/`))!))).toString())
      expect(dev.Records.map((r: {recipientAccountId: string; eventName: string}) => [r.recipientAccountId, r.eventName])).toEqual([[DEV, 'GetCallerIdentity']])
    } finally {
      await sim.stop()
      await rm(dir, {recursive: true, force: true})
    }
  })
})
