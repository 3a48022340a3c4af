// Undo and --resume judge by the account, not only by the journal: a journal that lost its tail still
// undoes everything the run did; a change whose apply failed half-way (the role made, a policy refused)
// is undone too; --resume marks a change the account shows applied instead of sending it again.
import {CreateAccessKeyCommand, CreatePolicyCommand, CreateUserCommand, DeletePolicyCommand, ListAccessKeysCommand, PutUserPolicyCommand} from '@aws-sdk/client-iam'
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {beforeEach, describe, expect, it} from 'vitest'

import {runPlaybook} from '../../src/engine/run.js'
import {runCli} from '../support/cli.js'
import {useSim} from '../support/sim.js'

const ACCT = '111122223333'
const PLAYBOOK = 'test/fixtures/playbooks/contain-app-web.yaml'
const sim = await useSim({scenario: 'playbooks/scenarios/demo-account.yaml'})
const env = {AWS_ACCESS_KEY_ID: sim.rootCredentials.accessKeyId, AWS_SECRET_ACCESS_KEY: sim.rootCredentials.secretAccessKey}
let journalDir: string
const cli = (args: string[]) => runCli([...args, '--endpoint', sim.endpoint, '--journal-dir', journalDir], env)
const rows = (path: string) => readFileSync(path, 'utf8').split('\n').filter(Boolean)
/** What undo must restore: policies, attachments, trust, tags and key states. */
const iamState = () => {
  const s = sim.snapshot() as {users: {name: string; inlinePolicies: unknown; tags: unknown; accessKeys: {id?: string; status: string}[]}[]; roles: unknown[]; policies: unknown}
  return {users: s.users.map((u) => [u.name, u.inlinePolicies, u.tags, u.accessKeys.map((k) => k.status)]), roles: s.roles, policies: s.policies}
}

beforeEach(() => {
  journalDir = mkdtempSync(join(tmpdir(), 'lockdown-judge-'))
})

describe('undo judges by the account', () => {
  it('undoes every change of a run whose journal lost everything after the plan (tail truncation)', async () => {
    const before = iamState()
    const r = await cli(['run', PLAYBOOK, '--yes', '--json'])
    expect(r.code).toBe(0)
    writeFileSync(r.json.journal, rows(r.json.journal).slice(0, 2).join('\n') + '\n')
    const u = await cli(['undo', r.json.runId, '--yes', '--json'])
    expect(u.code).toBe(0)
    expect(u.json.undone.map((x: {step: string}) => x.step).sort()).toEqual(['contain', 'key'])
    expect(iamState()).toEqual(before)
  })

  it('--resume marks a change the account shows applied (intent without outcome) instead of sending it again', async () => {
    const r = await cli(['run', PLAYBOOK, '--yes', '--json'])
    expect(r.code).toBe(0)
    // Cut the journal as a kill -9 would, after the key's write reached AWS but before its applied line.
    const lines = rows(r.json.journal)
    const keyApplied = lines.findIndex((l) => JSON.parse(l).type === 'applied' && JSON.parse(l).step === 'key')
    writeFileSync(r.json.journal, lines.slice(0, keyApplied).join('\n') + '\n')
    const updates = () => sim.records().filter((e) => e.eventName === 'UpdateAccessKey').length
    const sent = updates()
    const resumed = await cli(['run', PLAYBOOK, '--resume', r.json.runId, '--yes', '--json'])
    expect(resumed.code).toBe(0)
    expect(resumed.json).toMatchObject({status: 'done', applied: 0, alreadyApplied: 2})
    expect(updates()).toBe(sent)
    const found = rows(r.json.journal).map((l) => JSON.parse(l)).filter((l) => l.type === 'applied' && l.step === 'key')
    expect(found).toEqual([expect.objectContaining({found: true})])
    expect((await cli(['undo', r.json.runId, '--yes'])).code).toBe(0)
  })
})

describe('a change whose apply failed half-way', () => {
  it('is undone: the break-glass role created before AttachRolePolicy failed is removed', async () => {
    const before = iamState()
    const policyArn = (await sim.clients.iam.send(new CreatePolicyCommand({PolicyName: 'bg-extra', PolicyDocument: JSON.stringify({Version: '2012-10-17', Statement: [{Effect: 'Allow', Action: 'iam:GetUser', Resource: '*'}]})}))).Policy!.Arn!
    const file = join(journalDir, 'grant.yaml')
    writeFileSync(
      file,
      `version: 1\nname: grant\nincident: INC-HALF\nsteps:\n  - id: responders\n    action: break-glass\n    with: {responders: ["arn:aws:iam::${ACCT}:user/responder"], duration: 1h, policies: ["arn:aws:iam::aws:policy/SecurityAudit", "${policyArn}"]}\n`,
    )
    // The policy exists when planned and is gone when applied: the role is created, then AttachRolePolicy fails.
    const failed = await runPlaybook({
      file,
      journalDir,
      quiet: true,
      aws: {endpoint: sim.endpoint, region: sim.region, credentials: sim.rootCredentials},
      confirm: async () => {
        await sim.clients.iam.send(new DeletePolicyCommand({PolicyArn: policyArn}))
        return true
      },
    }).catch((e: {exitCode: number; detail: {runId: string}}) => e)
    expect((failed as {exitCode: number}).exitCode).toBe(4)
    const runId = (failed as {detail: {runId: string}}).detail.runId
    expect((sim.snapshot() as {roles: {name: string}[]}).roles.map((r) => r.name)).toContain('lockdown-break-glass')
    const writes = readFileSync(join(journalDir, 'runs', runId, 'journal.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)).filter((l) => l.type === 'write')
    expect(writes.map((w) => w.op)).toEqual(['CreateRole lockdown-break-glass', 'AttachRolePolicy arn:aws:iam::aws:policy/SecurityAudit', `AttachRolePolicy ${policyArn}`])

    const u = await cli(['undo', runId, '--yes', '--json'])
    expect(u.code).toBe(0)
    expect(u.json.undone).toEqual([{step: 'responders', target: `arn:aws:iam::${ACCT}:role/lockdown/lockdown-break-glass`}])
    expect(iamState()).toEqual(before)
  })

  it('plan refuses a policy ARN the account does not have (exit 2) before creating anything', async () => {
    const before = sim.snapshot()
    const r = await cli(['breakglass', 'grant', '--incident', 'INC-MISSING', '--responder', `arn:aws:iam::${ACCT}:user/responder`, '--policy', `arn:aws:iam::${ACCT}:policy/no-such-policy`, '--yes', '--json'])
    expect(r.code).toBe(2)
    expect(r.json.error.message).toContain(`no managed policy arn:aws:iam::${ACCT}:policy/no-such-policy in this account`)
    expect(sim.snapshot()).toEqual(before)
  })
})

describe('a responder who may not tag users', () => {
  it('still deactivates the key (containment first); undo finds no record of the hold: drift, exit 6, --force re-activates', async () => {
    await sim.clients.iam.send(new CreateUserCommand({UserName: 'no-tags'}))
    await sim.clients.iam.send(
      new PutUserPolicyCommand({
        UserName: 'no-tags',
        PolicyName: 'keys',
        PolicyDocument: JSON.stringify({Version: '2012-10-17', Statement: [{Effect: 'Allow', Action: ['sts:GetCallerIdentity', 'iam:List*', 'iam:Get*', 'iam:UpdateAccessKey'], Resource: '*'}]}),
      }),
    )
    const k = (await sim.clients.iam.send(new CreateAccessKeyCommand({UserName: 'no-tags'}))).AccessKey!
    const as = {AWS_ACCESS_KEY_ID: k.AccessKeyId!, AWS_SECRET_ACCESS_KEY: k.SecretAccessKey!}
    const file = join(journalDir, 'key.yaml')
    writeFileSync(file, 'version: 1\nname: key\nincident: INC-TAGS\nsteps:\n  - id: key\n    action: deactivate-keys\n    with: {keys: [AKIASIMCILEGACY00002], settle: 0s}\n')
    const status = async () => (await sim.clients.iam.send(new ListAccessKeysCommand({UserName: 'ci-legacy'}))).AccessKeyMetadata!.find((x) => x.AccessKeyId === 'AKIASIMCILEGACY00002')!.Status
    const r = await runCli(['run', file, '--yes', '--json', '--endpoint', sim.endpoint, '--journal-dir', journalDir], as)
    expect(r.code, r.stdout).toBe(0)
    expect(await status()).toBe('Inactive')
    const u = await runCli(['undo', r.json.runId, '--yes', '--json', '--endpoint', sim.endpoint, '--journal-dir', journalDir], as)
    expect(u.code).toBe(6)
    expect(u.json.error.detail.drifted).toEqual([expect.objectContaining({step: 'key', now: {status: 'Inactive', heldBy: []}})])
    expect(await status()).toBe('Inactive')
    const forced = await runCli(['undo', r.json.runId, '--yes', '--force', '--json', '--endpoint', sim.endpoint, '--journal-dir', journalDir], as)
    expect(forced.code).toBe(0)
    expect(await status()).toBe('Active')
  })
})
