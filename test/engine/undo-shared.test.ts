// Undo never reopens what someone else closed: run A and run B both contain app-web and ci-deploy's
// key; undo A leaves B's revocation and B's hold on the key in force. Every other change is judged by
// the account: drift is listed and left alone (exit 6) unless --force; another account's credentials
// are refused before any call (exit 3).
import {GetRolePolicyCommand, ListAccessKeysCommand, UpdateAssumeRolePolicyCommand} from '@aws-sdk/client-iam'
import {AssumeRoleCommand, type Credentials} from '@aws-sdk/client-sts'
import {mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {runCli} from '../support/cli.js'
import {useSim} from '../support/sim.js'

const ACCT = '111122223333'
const KEY = 'AKIASIMCILEGACY00001'
const sim = await useSim({scenario: 'playbooks/scenarios/demo-account.yaml'})
const other = await useSim({scenario: 'playbooks/scenarios/stale-keys.yaml'})
const env = (s = sim) => ({AWS_ACCESS_KEY_ID: s.rootCredentials.accessKeyId, AWS_SECRET_ACCESS_KEY: s.rootCredentials.secretAccessKey})
const journalDir = mkdtempSync(join(tmpdir(), 'lockdown-undo-shared-'))
const cli = (args: string[], s = sim) => runCli([...args, '--endpoint', s.endpoint, '--journal-dir', journalDir], env(s))
const ci = sim.clientsAs(sim.credentialsFor('ci-deploy'))
const as = (c: Credentials) => sim.clientsAs({accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken!})
const webSession = async (name: string) => as((await ci.sts.send(new AssumeRoleCommand({RoleArn: `arn:aws:iam::${ACCT}:role/app-web`, RoleSessionName: name}))).Credentials!)
const works = (c: ReturnType<typeof as>) => c.sts.send(new AssumeRoleCommand({RoleArn: `arn:aws:iam::${ACCT}:role/app-data`, RoleSessionName: 'probe'})).then(() => 'ok', (e: Error) => e.name)
const keyStatus = async () => (await sim.clients.iam.send(new ListAccessKeysCommand({UserName: 'ci-legacy'}))).AccessKeyMetadata!.find((k) => k.AccessKeyId === KEY)!.Status
const revokeSids = async () =>
  sim.clients.iam
    .send(new GetRolePolicyCommand({RoleName: 'app-web', PolicyName: 'LockdownRevokeOlderSessions'}))
    .then((r) => (JSON.parse(decodeURIComponent(r.PolicyDocument!)) as {Statement: {Sid: string}[]}).Statement.map((s) => s.Sid))
    .catch(() => [] as string[])
/** aws:TokenIssueTime has whole seconds: a session counts as issued after a cutoff only from the next second. */
const nextSecond = () => new Promise((r) => setTimeout(r, 1020 - (Date.now() % 1000)))
const compact = (runId: string) => runId.replace('-', '')

describe('undo of an older run', () => {
  it("leaves a newer run's revocation and its hold on a key in force", async () => {
    const early = await webSession('early')
    await nextSecond()
    const a = await cli(['run', 'test/fixtures/playbooks/contain-app-web.yaml', '--yes', '--json'])
    expect(a.code).toBe(0)
    await nextSecond()
    const between = await webSession('between') // issued after A's cutoff: A alone does not deny it
    expect(await works(between)).toBe('ok')
    await nextSecond()
    const b = await cli(['run', 'test/fixtures/playbooks/contain-app-web.yaml', '--yes', '--json'])
    expect(b.code).toBe(0)
    // B holds the key too, although A already deactivated it.
    expect(b.json.applied).toBe(2)
    expect(await works(between)).toBe('AccessDenied')
    expect(await revokeSids()).toEqual([`LockdownRevokeOlderSessionsRun${compact(a.json.runId)}`, `LockdownRevokeOlderSessionsRun${compact(b.json.runId)}`])

    const undoA = await cli(['undo', a.json.runId, '--yes', '--json'])
    expect(undoA.code).toBe(0)
    expect(undoA.json.undone).toHaveLength(2)
    expect(undoA.json.undone.find((u: {step: string}) => u.step === 'key').note).toContain(`kept Inactive: run(s) ${b.json.runId}`)
    // B's containment stands: both sessions stay denied, the key stays off.
    expect(await revokeSids()).toEqual([`LockdownRevokeOlderSessionsRun${compact(b.json.runId)}`])
    expect(await works(between)).toBe('AccessDenied')
    expect(await works(early)).toBe('AccessDenied')
    expect(await keyStatus()).toBe('Inactive')

    const undoB = await cli(['undo', b.json.runId, '--yes', '--json'])
    expect(undoB.code).toBe(0)
    expect(await revokeSids()).toEqual([])
    expect(await works(between)).toBe('ok')
    expect(await keyStatus()).toBe('Active')
  })
})

describe('undo judges by the account', () => {
  it('lists a change edited since the run as drift (before/now/after), leaves it, exit 6; --force overrides', async () => {
    const g = await cli(['run', 'test/fixtures/playbooks/grant-responder.yaml', '--yes', '--json'])
    expect(g.code).toBe(0)
    // A person widens the trust of the grant by hand.
    const widened = {
      Version: '2012-10-17',
      Statement: [{Effect: 'Allow', Principal: {AWS: [`arn:aws:iam::${ACCT}:user/responder`, `arn:aws:iam::${ACCT}:user/analyst`]}, Action: 'sts:AssumeRole'}],
    }
    await sim.clients.iam.send(new UpdateAssumeRolePolicyCommand({RoleName: 'lockdown-break-glass', PolicyDocument: JSON.stringify(widened)}))
    const snapshot = sim.snapshot()
    const u = await cli(['undo', g.json.runId, '--yes', '--json'])
    expect(u.code).toBe(6)
    expect(u.json.error.next).toContain(`lockdown undo ${g.json.runId} --force`)
    const [drift] = u.json.error.detail.drifted
    expect(drift).toMatchObject({step: 'responders', target: `arn:aws:iam::${ACCT}:role/lockdown/lockdown-break-glass`, before: {exists: false}})
    expect(drift.now.trust).toEqual(widened)
    expect(drift.after.trust.Statement[0].Sid).toBe('LockdownBreakGlass')
    expect(sim.snapshot()).toEqual(snapshot)

    const forced = await cli(['undo', g.json.runId, '--yes', '--force', '--json'])
    expect(forced.code).toBe(0)
    expect((sim.snapshot() as {roles: {name: string}[]}).roles.map((r) => r.name)).not.toContain('lockdown-break-glass')
  })

  it('refuses credentials for another account than the run was made in (exit 3), before any change', async () => {
    const r = await cli(['run', 'test/fixtures/playbooks/contain-app-web.yaml', '--yes', '--json'])
    expect(r.code).toBe(0)
    const here = sim.snapshot()
    const there = other.snapshot()
    const u = await cli(['undo', r.json.runId, '--yes', '--json'], other)
    expect(u.code).toBe(3)
    expect(u.json.error.message).toBe(`run ${r.json.runId} was made in account ${ACCT}; these credentials are for account 444455556666`)
    expect(other.records().filter((e) => e.eventSource === 'iam.amazonaws.com')).toEqual([])
    expect(other.snapshot()).toEqual(there)
    expect(sim.snapshot()).toEqual(here)
    expect((await cli(['undo', r.json.runId, '--yes', '--json'])).code).toBe(0)
  })
})
