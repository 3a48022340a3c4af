// A journal-tampering suite: torn tail, deleted lines, re-chained forgeries of `before` and `data`. The
// hash chain has no secret, so the forgeries here recompute it; none may make undo write what the run
// did not read. Undo checks each journaled change with its action's schema (exit 6, naming the line)
// and judges by the account (a change not marked as this run's is never reverted).
import {GetRoleCommand, ListAccessKeysCommand, UpdateAccessKeyCommand} from '@aws-sdk/client-iam'
import {appendFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {tmpdir} from 'node:os'
import {beforeEach, describe, expect, it} from 'vitest'

import {readJournal} from '../../src/engine/journal.js'
import {runCli} from '../support/cli.js'
import {rechain, type Entry} from '../support/journal.js'
import {useSim} from '../support/sim.js'

const ACCT = '111122223333'
const sim = await useSim({scenario: 'playbooks/scenarios/demo-account.yaml'})
const env = {AWS_ACCESS_KEY_ID: sim.rootCredentials.accessKeyId, AWS_SECRET_ACCESS_KEY: sim.rootCredentials.secretAccessKey}
let journalDir: string
const cli = (args: string[]) => runCli([...args, '--endpoint', sim.endpoint, '--journal-dir', journalDir], env)
const run = async (playbook: string) => {
  const r = await cli(['run', playbook, '--yes', '--json'])
  expect(r.code, r.stdout + r.stderr).toBe(0)
  return r.json as {runId: string; journal: string}
}
const undo = (runId: string, ...flags: string[]) => cli(['undo', runId, '--yes', '--json', ...flags])
const iamWrites = () => sim.records().filter((e) => e.eventSource === 'iam.amazonaws.com' && !/^(Get|List|Simulate)/.test(String(e.eventName))).length
const plan = (entries: Entry[]) => entries.find((e) => e.type === 'plan')!
const change = (entries: Entry[], step: string) => plan(entries).steps.find((s: Entry) => s.id === step).changes[0]
const keyStatus = async (user: string, key: string) => (await sim.clients.iam.send(new ListAccessKeysCommand({UserName: user}))).AccessKeyMetadata!.find((k) => k.AccessKeyId === key)!.Status

beforeEach(() => {
  journalDir = mkdtempSync(join(tmpdir(), 'lockdown-tamper-'))
})

describe('torn and shortened journals', () => {
  it('cuts a torn last line off (keeping a copy beside it) before appending, so the journal stays readable', async () => {
    const r = await run('test/fixtures/playbooks/contain-app-web.yaml')
    appendFileSync(r.journal, '{"seq":99,"type":"undo-int')
    const u = await undo(r.runId)
    expect(u.code).toBe(0)
    expect(u.json.notes.join('\n')).toMatch(/last line was torn/)
    const copies = readdirSync(dirname(r.journal)).filter((f) => f.startsWith('journal.jsonl.torn-'))
    expect(copies).toHaveLength(1)
    expect(readFileSync(join(dirname(r.journal), copies[0]), 'utf8')).toMatch(/"type":"undo-int$/)
    // The undo's own lines follow the cut, on lines of their own: the whole journal reads back.
    expect(readJournal(journalDir, r.runId).at(-1)).toMatchObject({type: 'undo-end', status: 'undone'})
    expect((await cli(['runs', '--json'])).json.runs[0]).toMatchObject({runId: r.runId, status: 'undone'})
  })

  it('refuses a journal with a line deleted and the chain left broken (exit 6), writing nothing', async () => {
    const r = await run('test/fixtures/playbooks/contain-app-web.yaml')
    const text = readFileSync(r.journal, 'utf8')
    const lines = text.split('\n')
    writeFileSync(r.journal, [...lines.slice(0, 2), ...lines.slice(3)].join('\n'))
    const writes = iamWrites()
    const u = await undo(r.runId)
    expect(u.code).toBe(6)
    expect(u.json.error.message).toMatch(/journal\.jsonl:3: journal hash chain broken/)
    expect(iamWrites()).toBe(writes)
    writeFileSync(r.journal, text)
    expect((await undo(r.runId)).code).toBe(0)
  })

  it('with lines deleted and the chain recomputed, still undoes what the account shows the run did', async () => {
    const before = sim.snapshot()
    const r = await run('test/fixtures/playbooks/contain-app-web.yaml')
    rechain(r.journal, (es) => es.filter((e) => !(e.step === 'key' && e.type !== 'plan')))
    const u = await undo(r.runId)
    expect(u.code).toBe(0)
    expect(u.json.undone.map((x: {step: string}) => x.step).sort()).toEqual(['contain', 'key'])
    const after = sim.snapshot() as {users: unknown[]; roles: unknown[]}
    expect({users: after.users, roles: after.roles}).toEqual({users: (before as typeof after).users, roles: (before as typeof after).roles})
  })
})

describe('re-chained forgeries', () => {
  it("of a revoke's before (an Allow policy) are refused, exit 6 naming the journal line; nothing is written", async () => {
    const r = await run('test/fixtures/playbooks/contain-app-web.yaml')
    const restore = rechain(r.journal, (es) => {
      change(es, 'contain').before = {policy: {Version: '2012-10-17', Statement: [{Sid: 'LockdownRevokeOlderSessions', Effect: 'Allow', Action: '*', Resource: '*'}]}}
      return es
    })
    const writes = iamWrites()
    const u = await undo(r.runId)
    expect(u.code).toBe(6)
    expect(u.json.error.message).toContain(`${r.journal}:2: step 'contain' change 0 (arn:aws:iam::${ACCT}:role/app-web): before.policy: expected a lockdown revocation document`)
    expect(iamWrites()).toBe(writes)
    restore()
    expect((await undo(r.runId)).code).toBe(0)
  })

  it("of a key change's data naming another key than its target are refused; nothing is written", async () => {
    const r = await run('test/fixtures/playbooks/contain-app-web.yaml')
    const restore = rechain(r.journal, (es) => {
      change(es, 'key').data.accessKeyId = 'AKIASIMANALYST000001'
      return es
    })
    const writes = iamWrites()
    const u = await undo(r.runId)
    expect(u.code).toBe(6)
    expect(u.json.error.message).toMatch(/does not name key AKIASIMANALYST000001/)
    expect(iamWrites()).toBe(writes)
    restore()
    expect((await undo(r.runId)).code).toBe(0)
  })

  it('of a consistent key change naming a key a person deactivated by hand never re-activate it', async () => {
    await sim.clients.iam.send(new UpdateAccessKeyCommand({UserName: 'analyst', AccessKeyId: 'AKIASIMANALYST000001', Status: 'Inactive'}))
    const r = await run('test/fixtures/playbooks/contain-app-web.yaml')
    const restore = rechain(r.journal, (es) => {
      const c = change(es, 'key')
      Object.assign(c, {target: `arn:aws:iam::${ACCT}:user/analyst/accesskey/AKIASIMANALYST000001`, principal: `arn:aws:iam::${ACCT}:user/analyst`})
      Object.assign(c.data, {userName: 'analyst', accessKeyId: 'AKIASIMANALYST000001'})
      return es
    })
    const u = await undo(r.runId)
    expect(u.code).toBe(6)
    expect(u.json.error.detail.drifted).toEqual([expect.objectContaining({step: 'key', target: `arn:aws:iam::${ACCT}:user/analyst/accesskey/AKIASIMANALYST000001`})])
    expect(await keyStatus('analyst', 'AKIASIMANALYST000001')).toBe('Inactive')
    restore()
    expect((await undo(r.runId)).code).toBe(0)
    expect(await keyStatus('analyst', 'AKIASIMANALYST000001')).toBe('Inactive')
    await sim.clients.iam.send(new UpdateAccessKeyCommand({UserName: 'analyst', AccessKeyId: 'AKIASIMANALYST000001', Status: 'Active'}))
  })

  it("of a break-glass grant's before (a trust admitting someone else) never restore it", async () => {
    const r = await run('test/fixtures/playbooks/grant-responder.yaml')
    const role = `arn:aws:iam::${ACCT}:role/lockdown/lockdown-break-glass`
    const trustBefore = (await sim.clients.iam.send(new GetRoleCommand({RoleName: 'lockdown-break-glass'}))).Role!.AssumeRolePolicyDocument
    const restore = rechain(r.journal, (es) => {
      const c = change(es, 'responders')
      const forged = JSON.parse(JSON.stringify(c.after.trust)) as Entry
      forged.Statement[0].Principal.AWS = [`arn:aws:iam::${ACCT}:user/analyst`]
      c.before = {exists: true, trust: forged, tags: {'lockdown:break-glass': 'true'}, maxSessionDuration: 3600, attached: [], permissions: null}
      c.data.existed = true
      return es
    })
    const u = await undo(r.runId)
    expect(u.code).toBe(6)
    expect(u.json.error.message).toContain('is not the one run')
    expect((await sim.clients.iam.send(new GetRoleCommand({RoleName: 'lockdown-break-glass'}))).Role!.AssumeRolePolicyDocument).toBe(trustBefore)
    restore()
    const again = await undo(r.runId)
    expect(again.code).toBe(0)
    expect(again.json.undone).toEqual([{step: 'responders', target: role}])
  })

  it("of a break-glass grant's data naming another role never delete that role", async () => {
    const r = await run('test/fixtures/playbooks/grant-responder.yaml')
    const restore = rechain(r.journal, (es) => {
      const c = change(es, 'responders')
      Object.assign(c, {target: `arn:aws:iam::${ACCT}:role/app-web`, principal: `arn:aws:iam::${ACCT}:role/app-web`})
      c.data.roleName = 'app-web'
      return es
    })
    const u = await undo(r.runId)
    expect(u.code).toBe(6)
    expect(u.json.error.detail.drifted).toEqual([expect.objectContaining({target: `arn:aws:iam::${ACCT}:role/app-web`})])
    expect((sim.snapshot() as {roles: {name: string}[]}).roles.map((x) => x.name)).toContain('app-web')
    restore()
    expect((await undo(r.runId)).code).toBe(0)
    expect(existsSync(r.journal)).toBe(true)
  })
})
