// STS through the SDK: trust policies, MFA by real TOTP, duration limits, role chaining, SourceIdentity,
// session tags, ExternalId, GetSessionToken and GetFederationToken.
import {CreateRoleCommand, GetRoleCommand, ListRolesCommand, PutRolePolicyCommand} from '@aws-sdk/client-iam'
import {AssumeRoleCommand, GetCallerIdentityCommand, GetFederationTokenCommand, GetSessionTokenCommand, type Credentials} from '@aws-sdk/client-sts'
import {describe, expect, it} from 'vitest'

import {totp} from '../../src/sim/index.js'
import {useSim} from '../support/sim.js'

const SEED = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP'
const ACCT = '111122223333'

describe('STS', async () => {
  const sim = await useSim({scenario: 'playbooks/scenarios/demo-account.yaml'})
  const ci = sim.clientsAs(sim.credentialsFor('ci-deploy'))
  const responder = sim.clientsAs(sim.credentialsFor('responder'))
  const as = (c: Credentials) => sim.clientsAs({accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken!})

  it('assumes a role the trust policy allows, with AWS-shaped ids and a default one-hour session', async () => {
    const before = Date.now()
    const r = await ci.sts.send(new AssumeRoleCommand({RoleArn: `arn:aws:iam::${ACCT}:role/app-web`, RoleSessionName: 'deploy-1'}))
    expect(r.Credentials?.AccessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/)
    expect(r.Credentials?.SessionToken).toBeTruthy()
    expect(r.Credentials!.Expiration!.getTime() - before).toBeGreaterThan(3590_000)
    expect(r.Credentials!.Expiration!.getTime() - before).toBeLessThan(3610_000)
    expect(r.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${ACCT}:assumed-role/app-web/deploy-1`)
    expect(r.AssumedRoleUser?.AssumedRoleId).toMatch(/^AROA[A-Z2-7]{17}:deploy-1$/)
    const id = await as(r.Credentials!).sts.send(new GetCallerIdentityCommand({}))
    expect(id).toMatchObject({Arn: r.AssumedRoleUser?.Arn, UserId: r.AssumedRoleUser?.AssumedRoleId})
    // The session acts with the role's permissions.
    await expect(as(r.Credentials!).iam.send(new ListRolesCommand({}))).resolves.toBeTruthy()
    const lastUsed = await sim.clients.iam.send(new GetRoleCommand({RoleName: 'app-web'}))
    expect(lastUsed.Role?.RoleLastUsed?.LastUsedDate).toBeInstanceOf(Date)
  })

  it('refuses principals the trust policy does not name, and root', async () => {
    const analyst = sim.clientsAs(sim.credentialsFor('analyst'))
    await expect(analyst.sts.send(new AssumeRoleCommand({RoleArn: `arn:aws:iam::${ACCT}:role/app-web`, RoleSessionName: 'x1'}))).rejects.toMatchObject({
      name: 'AccessDenied',
      message: `User: arn:aws:iam::${ACCT}:user/analyst is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::${ACCT}:role/app-web`,
      $metadata: {httpStatusCode: 403},
    })
    await expect(sim.clients.sts.send(new AssumeRoleCommand({RoleArn: `arn:aws:iam::${ACCT}:role/app-web`, RoleSessionName: 'root'}))).rejects.toMatchObject({name: 'AccessDenied'})
    await expect(ci.sts.send(new AssumeRoleCommand({RoleArn: `arn:aws:iam::${ACCT}:role/missing`, RoleSessionName: 'x1'}))).rejects.toMatchObject({name: 'AccessDenied'})
  })

  it('bounds DurationSeconds by MaxSessionDuration and caps role chaining at one hour', async () => {
    const long = await ci.sts.send(new AssumeRoleCommand({RoleArn: `arn:aws:iam::${ACCT}:role/app-web`, RoleSessionName: 'long', DurationSeconds: 14400}))
    expect(long.Credentials!.Expiration!.getTime() - Date.now()).toBeGreaterThan(14000_000)
    await expect(ci.sts.send(new AssumeRoleCommand({RoleArn: `arn:aws:iam::${ACCT}:role/app-web`, RoleSessionName: 'toolong', DurationSeconds: 14401}))).rejects.toMatchObject({
      name: 'ValidationError',
      message: 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
    })
    const web = as(long.Credentials!)
    await expect(web.sts.send(new AssumeRoleCommand({RoleArn: `arn:aws:iam::${ACCT}:role/app-data`, RoleSessionName: 'chain', DurationSeconds: 7200}))).rejects.toMatchObject({
      name: 'ValidationError',
      message: 'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.',
    })
    const data = await web.sts.send(new AssumeRoleCommand({RoleArn: `arn:aws:iam::${ACCT}:role/app-data`, RoleSessionName: 'chain'}))
    expect(data.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${ACCT}:assumed-role/app-data/chain`)
  })

  it('requires a current TOTP code of the caller’s own device when the trust policy demands MFA', async () => {
    const arn = `arn:aws:iam::${ACCT}:role/break-glass`
    const serial = `arn:aws:iam::${ACCT}:mfa/responder`
    await expect(responder.sts.send(new AssumeRoleCommand({RoleArn: arn, RoleSessionName: 'no-mfa'}))).rejects.toMatchObject({name: 'AccessDenied'})
    const wrong = totp(SEED, Date.now()) === '000000' ? '111111' : '000000'
    await expect(responder.sts.send(new AssumeRoleCommand({RoleArn: arn, RoleSessionName: 'bad', SerialNumber: serial, TokenCode: wrong}))).rejects.toMatchObject({
      name: 'AccessDenied',
      message: expect.stringContaining('MultiFactorAuthentication failed'),
    })
    await expect(ci.sts.send(new AssumeRoleCommand({RoleArn: arn, RoleSessionName: 'other', SerialNumber: serial, TokenCode: totp(SEED, Date.now())}))).rejects.toMatchObject({name: 'AccessDenied'})
    const ok = await responder.sts.send(new AssumeRoleCommand({RoleArn: arn, RoleSessionName: 'inc-1', SerialNumber: serial, TokenCode: totp(SEED, Date.now()), SourceIdentity: 'alice'}))
    expect(ok.SourceIdentity).toBe('alice')
    const rec = sim.records().findLast((r) => r.eventName === 'AssumeRole' && !r.errorCode)!
    expect(rec.requestParameters).toMatchObject({roleArn: arn, roleSessionName: 'inc-1', serialNumber: serial})
    expect(JSON.stringify(rec)).not.toContain('tokenCode')
    const used = sim.records().findLast((r) => (r.userIdentity as {accessKeyId?: string}).accessKeyId === ok.Credentials?.AccessKeyId)
    expect(used).toBeUndefined()
    await as(ok.Credentials!).sts.send(new GetCallerIdentityCommand({}))
    const after = sim.records().findLast((r) => (r.userIdentity as {accessKeyId?: string}).accessKeyId === ok.Credentials?.AccessKeyId)!
    expect(after.userIdentity).toMatchObject({type: 'AssumedRole', sessionContext: {attributes: {mfaAuthenticated: 'true'}, sourceIdentity: 'alice'}})
  })

  it('carries SourceIdentity and transitive session tags along a role chain, and refuses changing it', async () => {
    const web = await ci.sts.send(
      new AssumeRoleCommand({RoleArn: `arn:aws:iam::${ACCT}:role/app-web`, RoleSessionName: 'si', SourceIdentity: 'deployer', Tags: [{Key: 'incident', Value: 'INC-7'}], TransitiveTagKeys: ['incident']}),
    )
    const webClients = as(web.Credentials!)
    const data = await webClients.sts.send(new AssumeRoleCommand({RoleArn: `arn:aws:iam::${ACCT}:role/app-data`, RoleSessionName: 'si-data'}))
    expect(data.SourceIdentity).toBe('deployer')
    await as(data.Credentials!).sts.send(new GetCallerIdentityCommand({}))
    const rec = sim.records().findLast((r) => (r.userIdentity as {accessKeyId?: string}).accessKeyId === data.Credentials?.AccessKeyId)!
    expect((rec.userIdentity as {sessionContext: {sourceIdentity: string}}).sessionContext.sourceIdentity).toBe('deployer')
    await expect(webClients.sts.send(new AssumeRoleCommand({RoleArn: `arn:aws:iam::${ACCT}:role/app-data`, RoleSessionName: 'si-x', SourceIdentity: 'someone-else'}))).rejects.toMatchObject({name: 'AccessDenied'})
    // The transitive tag is visible to policies in the chained session as aws:PrincipalTag/incident.
    await sim.clients.iam.send(
      new PutRolePolicyCommand({
        RoleName: 'app-data',
        PolicyName: 'tag-gate',
        PolicyDocument: JSON.stringify({Version: '2012-10-17', Statement: [{Effect: 'Deny', Action: 'iam:GetRole', Resource: '*', Condition: {StringEquals: {'aws:PrincipalTag/incident': 'INC-7'}}}]}),
      }),
    )
    await expect(as(data.Credentials!).iam.send(new GetRoleCommand({RoleName: 'app-data'}))).rejects.toMatchObject({name: 'AccessDenied'})
    const untagged = await webClients.sts.send(new AssumeRoleCommand({RoleArn: `arn:aws:iam::${ACCT}:role/app-data`, RoleSessionName: 'plain', Tags: [{Key: 'incident', Value: 'none'}]}))
    await expect(as(untagged.Credentials!).iam.send(new GetRoleCommand({RoleName: 'app-data'}))).resolves.toBeTruthy()
  })

  it('applies same-account trust as AWS: an account-root principal needs an identity allow, a named user does not', async () => {
    const trustRoot = JSON.stringify({Version: '2012-10-17', Statement: [{Effect: 'Allow', Principal: {AWS: `arn:aws:iam::${ACCT}:root`}, Action: 'sts:AssumeRole'}]})
    const trustNamed = JSON.stringify({Version: '2012-10-17', Statement: [{Effect: 'Allow', Principal: {AWS: `arn:aws:iam::${ACCT}:user/analyst`}, Action: 'sts:AssumeRole'}]})
    await sim.clients.iam.send(new CreateRoleCommand({RoleName: 'acct-trust', AssumeRolePolicyDocument: trustRoot}))
    await sim.clients.iam.send(new CreateRoleCommand({RoleName: 'named-trust', AssumeRolePolicyDocument: trustNamed}))
    // analyst (SecurityAudit) has no sts:AssumeRole; ci-deploy has it in an inline policy.
    const analyst = sim.clientsAs(sim.credentialsFor('analyst'))
    await expect(analyst.sts.send(new AssumeRoleCommand({RoleArn: `arn:aws:iam::${ACCT}:role/acct-trust`, RoleSessionName: 'a1'}))).rejects.toMatchObject({name: 'AccessDenied'})
    await expect(ci.sts.send(new AssumeRoleCommand({RoleArn: `arn:aws:iam::${ACCT}:role/acct-trust`, RoleSessionName: 'c1'}))).resolves.toBeTruthy()
    await expect(analyst.sts.send(new AssumeRoleCommand({RoleArn: `arn:aws:iam::${ACCT}:role/named-trust`, RoleSessionName: 'a2'}))).resolves.toBeTruthy()
  })

  it('bounds a role session by its AssumeRole session policy', async () => {
    const r = await ci.sts.send(
      new AssumeRoleCommand({RoleArn: `arn:aws:iam::${ACCT}:role/app-web`, RoleSessionName: 'scoped', Policy: JSON.stringify({Version: '2012-10-17', Statement: [{Effect: 'Allow', Action: 'iam:ListRoles', Resource: '*'}]})}),
    )
    expect(r.PackedPolicySize).toBeGreaterThan(0)
    const s = as(r.Credentials!)
    await expect(s.iam.send(new ListRolesCommand({}))).resolves.toBeTruthy()
    await expect(s.iam.send(new GetRoleCommand({RoleName: 'app-web'}))).rejects.toMatchObject({name: 'AccessDenied', message: expect.stringContaining('because no session policy allows the iam:GetRole action')})
  })

  it('evaluates sts:ExternalId in the trust policy', async () => {
    await sim.clients.iam.send(
      new CreateRoleCommand({
        RoleName: 'vendor',
        AssumeRolePolicyDocument: JSON.stringify({Version: '2012-10-17', Statement: [{Effect: 'Allow', Principal: {AWS: `arn:aws:iam::${ACCT}:user/ci-deploy`}, Action: 'sts:AssumeRole', Condition: {StringEquals: {'sts:ExternalId': 'abc-123'}}}]}),
      }),
    )
    await expect(ci.sts.send(new AssumeRoleCommand({RoleArn: `arn:aws:iam::${ACCT}:role/vendor`, RoleSessionName: 'vendor-1'}))).rejects.toMatchObject({name: 'AccessDenied'})
    await expect(ci.sts.send(new AssumeRoleCommand({RoleArn: `arn:aws:iam::${ACCT}:role/vendor`, RoleSessionName: 'vendor-1', ExternalId: 'wrong'}))).rejects.toMatchObject({name: 'AccessDenied'})
    await expect(ci.sts.send(new AssumeRoleCommand({RoleArn: `arn:aws:iam::${ACCT}:role/vendor`, RoleSessionName: 'vendor-1', ExternalId: 'abc-123'}))).resolves.toBeTruthy()
  })

  it('issues GetSessionToken (with MFA) and GetFederationToken sessions for IAM users only', async () => {
    const serial = `arn:aws:iam::${ACCT}:mfa/responder`
    const st = await responder.sts.send(new GetSessionTokenCommand({SerialNumber: serial, TokenCode: totp(SEED, Date.now())}))
    expect(st.Credentials!.Expiration!.getTime() - Date.now()).toBeGreaterThan(43000_000)
    const stClients = as(st.Credentials!)
    expect((await stClients.sts.send(new GetCallerIdentityCommand({}))).Arn).toBe(`arn:aws:iam::${ACCT}:user/responder`)
    // With an MFA-backed session the responder meets break-glass's MFA condition without a code.
    await expect(stClients.sts.send(new AssumeRoleCommand({RoleArn: `arn:aws:iam::${ACCT}:role/break-glass`, RoleSessionName: 'via-session'}))).resolves.toBeTruthy()
    await expect(stClients.sts.send(new GetSessionTokenCommand({}))).rejects.toMatchObject({name: 'AccessDenied'})

    const fed = await responder.sts.send(new GetFederationTokenCommand({Name: 'contractor', Policy: JSON.stringify({Version: '2012-10-17', Statement: [{Effect: 'Allow', Action: 'iam:ListRoles', Resource: '*'}]})}))
    expect(fed.FederatedUser).toEqual({FederatedUserId: `${ACCT}:contractor`, Arn: `arn:aws:sts::${ACCT}:federated-user/contractor`})
    const fc = as(fed.Credentials!)
    expect((await fc.sts.send(new GetCallerIdentityCommand({}))).UserId).toBe(`${ACCT}:contractor`)
    await expect(fc.iam.send(new ListRolesCommand({}))).resolves.toBeTruthy()
    // The session policy bounds the admin user's permissions.
    await expect(fc.iam.send(new GetRoleCommand({RoleName: 'app-web'}))).rejects.toMatchObject({name: 'AccessDenied', message: expect.stringContaining('session policy')})
    const bare = await responder.sts.send(new GetFederationTokenCommand({Name: 'nobody'}))
    await expect(as(bare.Credentials!).iam.send(new ListRolesCommand({}))).rejects.toMatchObject({name: 'AccessDenied'})
  })
})
