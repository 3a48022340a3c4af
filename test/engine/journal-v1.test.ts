// Journals written before organization scope (format 1, committed under test/fixtures/journal-v1/) still
// read: `runs` lists them, `undo` judges a finished one by the account, and `--resume` finishes an
// interrupted one in the caller's account (the one account a format-1 run has) and then `undo` reverts it.
import {GetRolePolicyCommand, ListAccessKeysCommand} from '@aws-sdk/client-iam'
import {cpSync, mkdtempSync, readFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {runCli} from '../support/cli.js'
import {useSim} from '../support/sim.js'

const FIXTURE = 'test/fixtures/journal-v1'
const DONE = '20261201T202548Z-ec6c'
const KILLED = '20261201T202612Z-94ad'
const sim = await useSim({scenario: 'playbooks/scenarios/demo-account.yaml'})
const env = {AWS_ACCESS_KEY_ID: sim.rootCredentials.accessKeyId, AWS_SECRET_ACCESS_KEY: sim.rootCredentials.secretAccessKey}
const dir = mkdtempSync(join(tmpdir(), 'lockdown-v1-'))
cpSync(join(FIXTURE, 'runs'), join(dir, 'runs'), {recursive: true})
const cli = (args: string[]) => runCli([...args, '--endpoint', sim.endpoint, '--journal-dir', dir], env)
const revoked = (role: string) =>
  sim.clients.iam.send(new GetRolePolicyCommand({RoleName: role, PolicyName: 'LockdownRevokeOlderSessions'})).then(
    () => true,
    () => false,
  )
const keyStatus = async () => (await sim.clients.iam.send(new ListAccessKeysCommand({UserName: 'ci-deploy'}))).AccessKeyMetadata!.map((k) => k.Status)

describe('a journal of the single-account version (format 1)', () => {
  it('runs lists both, with their one account', async () => {
    const r = await cli(['runs', '--json'])
    expect(r.code, r.stderr).toBe(0)
    const byId = Object.fromEntries(r.json.runs.map((x: {runId: string}) => [x.runId, x]))
    expect(byId[DONE]).toMatchObject({status: 'done', planned: 3, applied: 3, accounts: 1})
    expect(byId[KILLED]).toMatchObject({status: 'interrupted', applied: 0, accounts: 1})
  })

  it('--resume finishes the killed one in the caller’s account, each change once; undo then restores the account', async () => {
    const before = await keyStatus()
    const resumed = await cli(['run', join(FIXTURE, 'playbook.yaml'), '--resume', KILLED, '--yes', '--json'])
    expect(resumed.code, resumed.stderr).toBe(0)
    expect(resumed.json.applied).toBe(3)
    expect(resumed.json.accounts).toEqual([expect.objectContaining({account: '111122223333', status: 'contained'})])
    expect(await revoked('app-web')).toBe(true)
    expect(await keyStatus()).not.toEqual(before)
    const journal = readFileSync(join(dir, 'runs', KILLED, 'journal.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l))
    expect(journal.filter((l) => l.type === 'applied')).toHaveLength(3)
    const undo = await cli(['undo', KILLED, '--yes', '--json'])
    expect(undo.code, undo.stderr).toBe(0)
    expect(undo.json.undone).toHaveLength(3)
    expect(await revoked('app-web')).toBe(false)
    expect(await keyStatus()).toEqual(before)
  })

  it('undo of the finished one reads it and judges by the account (nothing of that run is there: nothing to revert)', async () => {
    const undo = await cli(['undo', DONE, '--yes', '--json'])
    expect(undo.code, undo.stderr).toBe(0)
    expect(undo.json.undone).toEqual([])
    expect(undo.json.alreadyAsBefore).toHaveLength(3)
  })
})

