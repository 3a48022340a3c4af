// revoke-sessions proven in the simulated account through the real SDK: sessions issued before the
// revocation are denied (along the chain), new ones work, keys are untouched, undo restores the state.
import {CreateRoleCommand, GetUserCommand, ListRolesCommand, PutRolePolicyCommand, TagRoleCommand} from '@aws-sdk/client-iam'
import {AssumeRoleCommand, GetSessionTokenCommand, type Credentials} from '@aws-sdk/client-sts'
import {mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {runCli} from '../support/cli.js'
import {useSim} from '../support/sim.js'

const ACCT = '111122223333'
const sim = await useSim({scenario: 'playbooks/scenarios/demo-account.yaml'})
const journalDir = mkdtempSync(join(tmpdir(), 'lockdown-revoke-'))
const env = {AWS_ACCESS_KEY_ID: sim.rootCredentials.accessKeyId, AWS_SECRET_ACCESS_KEY: sim.rootCredentials.secretAccessKey}
const cli = (args: string[]) => runCli([...args, '--endpoint', sim.endpoint, '--journal-dir', journalDir], env)
const ci = sim.clientsAs(sim.credentialsFor('ci-deploy'))
const as = (c: Credentials) => sim.clientsAs({accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken!})
const assume = async (from: ReturnType<typeof as>, role: string, name: string) =>
  as((await from.sts.send(new AssumeRoleCommand({RoleArn: `arn:aws:iam::${ACCT}:role/${role}`, RoleSessionName: name}))).Credentials!)
const works = (p: Promise<unknown>) => p.then(() => 'ok', (e: Error) => e.name)
/** What undo must restore: every policy and attachment (sessions and last-use dates legitimately move on). */
const policies = () => {
  const s = sim.snapshot() as {users: {name: string; inlinePolicies: unknown; attachedPolicies: unknown}[]; roles: {name: string; inlinePolicies: unknown; attachedPolicies: unknown; trust: unknown}[]; policies: unknown}
  return {users: s.users.map((u) => [u.name, u.inlinePolicies, u.attachedPolicies]), roles: s.roles.map((r) => [r.name, r.inlinePolicies, r.attachedPolicies, r.trust]), policies: s.policies}
}
const tick = () => new Promise((r) => setTimeout(r, 20))
/** aws:TokenIssueTime has whole seconds (as in AWS): a session counts as issued after a cutoff only from the next second. */
const nextSecond = () => new Promise((r) => setTimeout(r, 1020 - (Date.now() % 1000)))

describe('revoke-sessions', () => {
  it('denies every session issued before the cutoff along the chain, keeps new sessions and keys working, and undo restores', async () => {
    const web = await assume(ci, 'app-web', 'deploy-1')
    const data = await assume(web, 'app-data', 'chained-1')
    const userSession = as((await ci.sts.send(new GetSessionTokenCommand({}))).Credentials!)
    expect(await works(web.iam.send(new ListRolesCommand({})))).toBe('ok')
    expect(await works(data.iam.send(new ListRolesCommand({})))).toBe('ok')
    expect(await works(userSession.iam.send(new GetUserCommand({})))).toBe('ok')
    const before = policies()
    await tick()

    const plan = await cli(['plan', 'test/fixtures/playbooks/revoke-chain.yaml', '--json'])
    expect(plan.code).toBe(0)
    const summaries = plan.json.steps[0].changes.map((c: {summary: string}) => c.summary)
    expect(summaries).toEqual(
      expect.arrayContaining([
        expect.stringContaining('revoke sessions of role app-web issued before now'),
        expect.stringContaining('revoke sessions of role app-data issued before now (the moment of apply) (chain app-web → app-data)'),
        expect.stringContaining('revoke sessions of user ci-deploy'),
      ]),
    )
    expect(plan.json.steps[0].notes.join('\n')).toMatch(/app-web: users ci-deploy can assume it again with their long-term keys/)

    const run = await cli(['run', 'test/fixtures/playbooks/revoke-chain.yaml', '--yes', '--json'])
    expect(run.code).toBe(0)
    expect(run.json.status).toBe('done')
    expect(run.json.checks.filter((c: {name: string; ok: boolean}) => c.name === 'sessions denied before cutoff' && c.ok)).toHaveLength(3)

    expect(await works(web.iam.send(new ListRolesCommand({})))).toBe('AccessDenied')
    expect(await works(data.iam.send(new ListRolesCommand({})))).toBe('AccessDenied')
    expect(await works(userSession.iam.send(new GetUserCommand({})))).toBe('AccessDenied')
    await nextSecond()
    const fresh = await assume(ci, 'app-web', 'deploy-2')
    expect(await works(fresh.iam.send(new ListRolesCommand({})))).toBe('ok')
    expect(await works(ci.iam.send(new GetUserCommand({})))).toBe('ok') // the long-term key is untouched

    // Running again keeps the later cutoff and never moves it earlier.
    const again = await cli(['run', 'test/fixtures/playbooks/revoke-chain.yaml', '--yes', '--json'])
    expect(again.code).toBe(0)
    expect(await works(fresh.iam.send(new ListRolesCommand({})))).toBe('AccessDenied')
    await cli(['undo', again.json.runId, '--yes'])

    const undo = await cli(['undo', run.json.runId, '--yes', '--json'])
    expect(undo.code).toBe(0)
    expect(policies()).toEqual(before)
    expect(await works(web.iam.send(new ListRolesCommand({})))).toBe('ok')
    expect(await works(data.iam.send(new ListRolesCommand({})))).toBe('ok')
  })

  it('revokes a single session by name and leaves the rest of the role working', async () => {
    await nextSecond()
    const attacker = await assume(ci, 'app-web', 'attacker')
    const legit = await assume(ci, 'app-web', 'legit')
    await tick()
    const run = await cli(['run', 'test/fixtures/playbooks/revoke-one-session.yaml', '--yes', '--json'])
    expect(run.code).toBe(0)
    expect(run.json.checks.every((c: {ok: boolean}) => c.ok)).toBe(true)
    expect(await works(attacker.iam.send(new ListRolesCommand({})))).toBe('AccessDenied')
    expect(await works(legit.iam.send(new ListRolesCommand({})))).toBe('ok')
    await cli(['undo', run.json.runId, '--yes'])
    expect(await works(attacker.iam.send(new ListRolesCommand({})))).toBe('ok')
  })

  it('revokes by source identity across the chain: SourceIdentity survives role chaining', async () => {
    await nextSecond()
    const web = as((await ci.sts.send(new AssumeRoleCommand({RoleArn: `arn:aws:iam::${ACCT}:role/app-web`, RoleSessionName: 'si-web', SourceIdentity: 'mallory'}))).Credentials!)
    const data = await assume(web, 'app-data', 'si-data')
    const other = await assume(ci, 'app-web', 'not-mallory')
    await tick()
    const run = await cli(['run', 'test/fixtures/playbooks/revoke-source-identity.yaml', '--yes', '--json'])
    expect(run.code).toBe(0)
    expect(run.json.checks.every((c: {ok: boolean}) => c.ok)).toBe(true)
    expect(await works(web.iam.send(new ListRolesCommand({})))).toBe('AccessDenied')
    expect(await works(data.iam.send(new ListRolesCommand({})))).toBe('AccessDenied')
    expect(await works(other.iam.send(new ListRolesCommand({})))).toBe('ok')
    await cli(['undo', run.json.runId, '--yes'])
    expect(await works(web.iam.send(new ListRolesCommand({})))).toBe('ok')
  })

  it('never targets break-glass, service-linked or Identity Center roles, and says why', async () => {
    const trust = JSON.stringify({Version: '2012-10-17', Statement: [{Effect: 'Allow', Principal: {AWS: `arn:aws:iam::${ACCT}:root`}, Action: 'sts:AssumeRole'}]})
    await sim.clients.iam.send(new CreateRoleCommand({RoleName: 'AWSReservedSSO_Admin_0123', Path: '/aws-reserved/sso.amazonaws.com/', AssumeRolePolicyDocument: trust}))
    await sim.clients.iam.send(new CreateRoleCommand({RoleName: 'AWSServiceRoleForSupport', Path: '/aws-service-role/support.amazonaws.com/', AssumeRolePolicyDocument: trust}))
    await sim.clients.iam.send(new TagRoleCommand({RoleName: 'break-glass', Tags: [{Key: 'lockdown:break-glass', Value: 'true'}]}))
    const r = await cli(['plan', 'test/fixtures/playbooks/revoke-everything.yaml', '--json'])
    expect(r.code).toBe(0)
    const reasons = Object.fromEntries(r.json.steps[0].skipped.map((s: {target: string; reason: string}) => [s.target.split('/').pop(), s.reason]))
    expect(reasons['break-glass']).toMatch(/break-glass role .* is never revoked/)
    expect(reasons.AWSServiceRoleForSupport).toMatch(/service-linked roles cannot be changed/)
    expect(reasons.AWSReservedSSO_Admin_0123).toMatch(/permission set/)
    const targets = r.json.steps[0].changes.map((c: {target: string}) => c.target.split('/').pop()).sort()
    expect(targets).toEqual(['app-data', 'app-web'])
  })

  it('refuses at plan time (exit 3) when the deny would not fit the inline budget, and managed mode works instead', async () => {
    const big = {Version: '2012-10-17', Statement: Array.from({length: 1}, () => ({Effect: 'Allow', Action: 'iam:GetUser', Resource: `arn:aws:iam::${ACCT}:user/${'x'.repeat(10050)}`}))}
    await sim.clients.iam.send(new PutRolePolicyCommand({RoleName: 'app-data', PolicyName: 'huge', PolicyDocument: JSON.stringify(big)}))
    const r = await cli(['plan', 'test/fixtures/playbooks/revoke-data.yaml', '--json'])
    expect(r.code).toBe(3)
    expect(r.json.error.message).toMatch(/role app-data: \d+ of 10240 characters/)
    expect(r.json.error.next).toContain('policyMode: managed')

    const session = await assume(await assume(ci, 'app-web', 'web-1'), 'app-data', 'data-1')
    await tick()
    const managed = await cli(['run', 'test/fixtures/playbooks/revoke-data.yaml', '--set', 'mode=managed', '--yes', '--json'])
    expect(managed.code).toBe(0)
    expect(await works(session.iam.send(new ListRolesCommand({})))).toBe('AccessDenied')
    const before = (sim.snapshot() as {policies: unknown[]}).policies.length
    await cli(['undo', managed.json.runId, '--yes'])
    expect((sim.snapshot() as {policies: unknown[]}).policies.length).toBe(before - 1)
    expect(await works(session.iam.send(new ListRolesCommand({})))).toBe('ok')
  })
})
