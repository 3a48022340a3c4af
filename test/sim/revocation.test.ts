// The semantics lockdown relies on: a DateLessThan aws:TokenIssueTime deny ends older sessions only;
// long-term keys are untouched; deactivating a key leaves its derived sessions alive until the user deny.
import {ListRolesCommand, PutRolePolicyCommand, PutUserPolicyCommand, SimulatePrincipalPolicyCommand, UpdateAccessKeyCommand} from '@aws-sdk/client-iam'
import {AssumeRoleCommand, GetCallerIdentityCommand, GetFederationTokenCommand, GetSessionTokenCommand, type Credentials} from '@aws-sdk/client-sts'
import {describe, expect, it} from 'vitest'

import {useSim} from '../support/sim.js'

const ACCT = '111122223333'
const revoke = (cutoff: Date) => JSON.stringify({Version: '2012-10-17', Statement: [{Effect: 'Deny', Action: '*', Resource: '*', Condition: {DateLessThan: {'aws:TokenIssueTime': cutoff.toISOString()}}}]})

describe('revoking sessions', async () => {
  const sim = await useSim({scenario: 'playbooks/scenarios/demo-account.yaml'})
  const ci = sim.clientsAs(sim.credentialsFor('ci-deploy'))
  const as = (c: Credentials) => sim.clientsAs({accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken!})

  it('denies role sessions issued before the cutoff, allows newer ones, and leaves long-term keys alone', async () => {
    // Issue a session ten minutes "ago" by moving the sim clock back.
    sim.setClockOffset(-600_000)
    const old = await ci.sts.send(new AssumeRoleCommand({RoleArn: `arn:aws:iam::${ACCT}:role/app-web`, RoleSessionName: 'attacker'})).finally(() => sim.setClockOffset(0))
    const oldClients = as(old.Credentials!)
    await expect(oldClients.iam.send(new ListRolesCommand({}))).resolves.toBeTruthy()

    await sim.clients.iam.send(new PutRolePolicyCommand({RoleName: 'app-web', PolicyName: 'AWSRevokeOlderSessions', PolicyDocument: revoke(new Date(Date.now() - 60_000))}))
    await expect(oldClients.iam.send(new ListRolesCommand({}))).rejects.toMatchObject({
      name: 'AccessDenied',
      message: `User: arn:aws:sts::${ACCT}:assumed-role/app-web/attacker is not authorized to perform: iam:ListRoles on resource: arn:aws:iam::${ACCT}:role/ with an explicit deny in an identity-based policy`,
    })
    // GetCallerIdentity is never denied, even for a revoked session.
    await expect(oldClients.sts.send(new GetCallerIdentityCommand({}))).resolves.toBeTruthy()
    const fresh = await ci.sts.send(new AssumeRoleCommand({RoleArn: `arn:aws:iam::${ACCT}:role/app-web`, RoleSessionName: 'legit'}))
    await expect(as(fresh.Credentials!).iam.send(new ListRolesCommand({}))).resolves.toBeTruthy()
    // ci-deploy's own long-term key carries no aws:TokenIssueTime: the role deny cannot touch it.
    await expect(ci.iam.send(new ListRolesCommand({}))).resolves.toBeTruthy()
  })

  it('lets SimulatePrincipalPolicy prove the deny with aws:TokenIssueTime context entries', async () => {
    const sim1 = (issued: string) =>
      sim.clients.iam.send(
        new SimulatePrincipalPolicyCommand({
          PolicySourceArn: `arn:aws:iam::${ACCT}:role/app-web`,
          ActionNames: ['iam:ListRoles', 'sts:AssumeRole'],
          ContextEntries: [{ContextKeyName: 'aws:TokenIssueTime', ContextKeyType: 'date', ContextKeyValues: [issued]}],
        }),
      )
    const before = await sim1(new Date(Date.now() - 3600_000).toISOString())
    expect(before.EvaluationResults?.map((r) => r.EvalDecision)).toEqual(['explicitDeny', 'explicitDeny'])
    expect(before.EvaluationResults?.[0]?.MatchedStatements?.[0]).toMatchObject({SourcePolicyId: 'AWSRevokeOlderSessions', SourcePolicyType: 'role'})
    const after = await sim1(new Date().toISOString())
    expect(after.EvaluationResults?.map((r) => r.EvalDecision)).toEqual(['allowed', 'allowed'])
    const noContext = await sim.clients.iam.send(new SimulatePrincipalPolicyCommand({PolicySourceArn: `arn:aws:iam::${ACCT}:role/app-web`, ActionNames: ['iam:DeleteRole']}))
    expect(noContext.EvaluationResults?.[0]).toMatchObject({EvalDecision: 'implicitDeny', MissingContextValues: ['aws:tokenissuetime']})
  })

  it('keeps GetSessionToken/GetFederationToken sessions alive after their key is deactivated, until a user deny lands', async () => {
    const creds = sim.credentialsFor('ci-legacy')
    const user = sim.clientsAs(creds)
    // ReadOnlyAccess does not include federation; grant it so the user can mint a federated session.
    await sim.clients.iam.send(new PutUserPolicyCommand({UserName: 'ci-legacy', PolicyName: 'federate', PolicyDocument: JSON.stringify({Version: '2012-10-17', Statement: [{Effect: 'Allow', Action: 'sts:GetFederationToken', Resource: '*'}]})}))
    sim.setClockOffset(-120_000)
    let st, fed
    try {
      st = await user.sts.send(new GetSessionTokenCommand({}))
      fed = await user.sts.send(new GetFederationTokenCommand({Name: 'legacy-fed', Policy: JSON.stringify({Version: '2012-10-17', Statement: [{Effect: 'Allow', Action: 'iam:List*', Resource: '*'}]})}))
    } finally {
      sim.setClockOffset(0)
    }
    await sim.clients.iam.send(new UpdateAccessKeyCommand({UserName: 'ci-legacy', AccessKeyId: creds.accessKeyId, Status: 'Inactive'}))
    await expect(user.iam.send(new ListRolesCommand({}))).rejects.toMatchObject({name: 'InvalidClientTokenId'})
    // Deactivating the key does not end what was derived from it.
    await expect(as(st.Credentials!).iam.send(new ListRolesCommand({}))).resolves.toBeTruthy()
    await expect(as(fed.Credentials!).iam.send(new ListRolesCommand({}))).resolves.toBeTruthy()
    await sim.clients.iam.send(new PutUserPolicyCommand({UserName: 'ci-legacy', PolicyName: 'AWSRevokeOlderSessions', PolicyDocument: revoke(new Date(Date.now() - 10_000))}))
    await expect(as(st.Credentials!).iam.send(new ListRolesCommand({}))).rejects.toMatchObject({name: 'AccessDenied'})
    await expect(as(fed.Credentials!).iam.send(new ListRolesCommand({}))).rejects.toMatchObject({name: 'AccessDenied'})
    // The user's other (active) long-term key is unaffected by the issue-time deny.
    const other = sim.clientsAs(sim.credentialsFor('ci-legacy'))
    await expect(other.iam.send(new ListRolesCommand({}))).resolves.toBeTruthy()
  })

  it('revokes one session by aws:userid and every hop of a chain by its own issue time', async () => {
    const a = await ci.sts.send(new AssumeRoleCommand({RoleArn: `arn:aws:iam::${ACCT}:role/app-web`, RoleSessionName: 'victim'}))
    const b = await ci.sts.send(new AssumeRoleCommand({RoleArn: `arn:aws:iam::${ACCT}:role/app-web`, RoleSessionName: 'bystander'}))
    const roleId = a.AssumedRoleUser!.AssumedRoleId!.split(':')[0]
    const chained = await as(a.Credentials!).sts.send(new AssumeRoleCommand({RoleArn: `arn:aws:iam::${ACCT}:role/app-data`, RoleSessionName: 'victim-data'}))
    await sim.clients.iam.send(
      new PutRolePolicyCommand({
        RoleName: 'app-web',
        PolicyName: 'RevokeOne',
        PolicyDocument: JSON.stringify({Version: '2012-10-17', Statement: [{Effect: 'Deny', Action: '*', Resource: '*', Condition: {StringLike: {'aws:userid': `${roleId}:victim`}}}]}),
      }),
    )
    await expect(as(a.Credentials!).iam.send(new ListRolesCommand({}))).rejects.toMatchObject({name: 'AccessDenied'})
    await expect(as(b.Credentials!).iam.send(new ListRolesCommand({}))).resolves.toBeTruthy()
    // The chained session is a session of app-data with its own issue time: app-web's deny does not reach it.
    await expect(as(chained.Credentials!).iam.send(new ListRolesCommand({}))).resolves.toBeTruthy()
    await sim.clients.iam.send(new PutRolePolicyCommand({RoleName: 'app-data', PolicyName: 'AWSRevokeOlderSessions', PolicyDocument: revoke(new Date(Date.now() + 1000))}))
    await expect(as(chained.Credentials!).iam.send(new ListRolesCommand({}))).rejects.toMatchObject({name: 'AccessDenied'})
  })

  it('revokes by aws:SourceIdentity, which survives the chain, and blocks the revoked session from chaining further', async () => {
    const web = await ci.sts.send(new AssumeRoleCommand({RoleArn: `arn:aws:iam::${ACCT}:role/app-web`, RoleSessionName: 'mallory-web', SourceIdentity: 'mallory'}))
    const data = await as(web.Credentials!).sts.send(new AssumeRoleCommand({RoleArn: `arn:aws:iam::${ACCT}:role/app-data`, RoleSessionName: 'mallory-data'}))
    const denySi = JSON.stringify({Version: '2012-10-17', Statement: [{Effect: 'Deny', Action: '*', Resource: '*', Condition: {StringEquals: {'aws:SourceIdentity': 'mallory'}}}]})
    await sim.clients.iam.send(new PutRolePolicyCommand({RoleName: 'app-web', PolicyName: 'DenyMallory', PolicyDocument: denySi}))
    await sim.clients.iam.send(new PutRolePolicyCommand({RoleName: 'app-data', PolicyName: 'DenyMallory', PolicyDocument: denySi}))
    await expect(as(data.Credentials!).iam.send(new ListRolesCommand({}))).rejects.toMatchObject({name: 'AccessDenied'})
    await expect(as(web.Credentials!).sts.send(new AssumeRoleCommand({RoleArn: `arn:aws:iam::${ACCT}:role/app-data`, RoleSessionName: 'again'}))).rejects.toMatchObject({name: 'AccessDenied'})
    const clean = await ci.sts.send(new AssumeRoleCommand({RoleArn: `arn:aws:iam::${ACCT}:role/app-web`, RoleSessionName: 'clean'}))
    await expect(as(clean.Credentials!).iam.send(new ListRolesCommand({}))).resolves.toBeTruthy()
  })

  it('shows the change in snapshot() diffs, with stable ordering and no secrets', () => {
    const a = JSON.stringify(sim.snapshot())
    expect(JSON.stringify(sim.snapshot())).toBe(a)
    const snap = JSON.parse(a) as {roles: Array<{name: string; inlinePolicies: Record<string, unknown>}>; sessions: Array<{sessionName: string; sourceIdentity?: string}>}
    expect(Object.keys(snap.roles.find((r) => r.name === 'app-web')!.inlinePolicies)).toEqual(['AWSRevokeOlderSessions', 'DenyMallory', 'RevokeOne', 'chain-to-data'])
    expect(snap.sessions.find((s) => s.sessionName === 'mallory-data')?.sourceIdentity).toBe('mallory')
    expect(a).not.toMatch(/secret|IQoJb3JpZ2luX2Vj/i)
  })
})

describe('eventual consistency', async () => {
  const sim = await useSim({scenario: 'playbooks/scenarios/demo-account.yaml', faults: {consistencyDelayMs: 2000}})
  const ci = sim.clientsAs(sim.credentialsFor('ci-deploy'))

  it('shows a new policy to reads at once but enforces it only after the delay', async () => {
    const r = await ci.sts.send(new AssumeRoleCommand({RoleArn: `arn:aws:iam::${ACCT}:role/app-web`, RoleSessionName: 'ec'}))
    const s = sim.clientsAs({accessKeyId: r.Credentials!.AccessKeyId!, secretAccessKey: r.Credentials!.SecretAccessKey!, sessionToken: r.Credentials!.SessionToken!})
    // Generous delay: the checks below must land inside it even on a loaded 2-core box.
    await sim.clients.iam.send(new PutRolePolicyCommand({RoleName: 'app-web', PolicyName: 'AWSRevokeOlderSessions', PolicyDocument: revoke(new Date(Date.now() + 5000))}))
    const putDone = Date.now() // the server recorded the change before this
    const snap = sim.snapshot() as {roles: Array<{name: string; inlinePolicies: Record<string, unknown>}>}
    expect(Object.keys(snap.roles.find((x) => x.name === 'app-web')!.inlinePolicies)).toContain('AWSRevokeOlderSessions')
    await expect(s.iam.send(new ListRolesCommand({}))).resolves.toBeTruthy()
    await new Promise((res) => setTimeout(res, Math.max(0, putDone + 2100 - Date.now())))
    await expect(s.iam.send(new ListRolesCommand({}))).rejects.toMatchObject({name: 'AccessDenied'})
  })
})
