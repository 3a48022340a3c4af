// One writer per journal directory: a lock file names the pid and run; a second writer is refused
// (exit 3) while that process lives, and a lock left by a dead process is taken over with a note. Two
// runs from two machines (two journal directories) on the same target still merge in AWS: each run's
// part stays, the later cutoff wins, and undo of one leaves the other.
import {GetRolePolicyCommand} from '@aws-sdk/client-iam'
import {spawn} from 'node:child_process'
import {existsSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {hostname, tmpdir} from 'node:os'
import {join} from 'node:path'
import {beforeEach, describe, expect, it} from 'vitest'

import {readRevokeParts, readRevokeSpec} from '../../src/aws/policies/revoke.js'
import {runPlaybook, type RunOptions} from '../../src/engine/run.js'
import {runCli} from '../support/cli.js'
import {useSim} from '../support/sim.js'

const PLAYBOOK = 'test/fixtures/playbooks/revoke-app-web.yaml'
const sim = await useSim({scenario: 'playbooks/scenarios/demo-account.yaml'})
const env = {AWS_ACCESS_KEY_ID: sim.rootCredentials.accessKeyId, AWS_SECRET_ACCESS_KEY: sim.rootCredentials.secretAccessKey}
let journalDir: string
const cli = (args: string[], dir = journalDir) => runCli([...args, '--endpoint', sim.endpoint, '--journal-dir', dir], env)
const policy = async () =>
  sim.clients.iam
    .send(new GetRolePolicyCommand({RoleName: 'app-web', PolicyName: 'LockdownRevokeOlderSessions'}))
    .then((r) => JSON.parse(decodeURIComponent(r.PolicyDocument!)))
    .catch(() => undefined)
const engine = (dir: string): RunOptions => ({file: PLAYBOOK, journalDir: dir, quiet: true, aws: {endpoint: sim.endpoint, region: sim.region, credentials: sim.rootCredentials}})
const cutoffOf = (journal: string) => readFileSync(journal, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)).find((l) => l.type === 'applied').result.cutoff as string

beforeEach(() => {
  journalDir = mkdtempSync(join(tmpdir(), 'lockdown-lock-'))
})

describe('the journal lock', () => {
  it('refuses a second writer while the first lives (exit 3), takes a dead one over with a note, and is gone after', async () => {
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], {stdio: 'ignore'})
    await new Promise((r) => holder.once('spawn', r))
    const lock = join(journalDir, 'lock')
    writeFileSync(lock, JSON.stringify({pid: holder.pid, host: hostname(), runId: '20261201T000000Z-abcd', at: '2026-12-01T00:00:00.000Z'}))
    const before = sim.snapshot()
    const refused = await cli(['run', PLAYBOOK, '--yes', '--json'])
    expect(refused.code).toBe(3)
    expect(refused.json.error.message).toContain(`is in use by run 20261201T000000Z-abcd (pid ${holder.pid} on ${hostname()}`)
    expect(sim.snapshot()).toEqual(before)

    holder.kill('SIGKILL')
    await new Promise((r) => holder.once('exit', r))
    const r = await cli(['run', PLAYBOOK, '--yes', '--json'])
    expect(r.code).toBe(0)
    expect(r.json.notes).toEqual([`took over the journal lock of run 20261201T000000Z-abcd (pid ${holder.pid} is no longer running, since 2026-12-01T00:00:00.000Z)`])
    expect(existsSync(lock)).toBe(false)
    expect((await cli(['undo', r.json.runId, '--yes'])).code).toBe(0)
    expect(existsSync(lock)).toBe(false)
  })

  it('lets only one of two concurrent runs write to the same journal directory', async () => {
    const outcomes = await Promise.allSettled([runPlaybook(engine(journalDir)), runPlaybook(engine(journalDir))])
    const refused = outcomes.filter((o) => o.status === 'rejected') as PromiseRejectedResult[]
    expect(refused).toHaveLength(1)
    expect(refused[0].reason).toMatchObject({exitCode: 3})
    expect(String(refused[0].reason.message)).toMatch(/is in use by run/)
    const done = outcomes.find((o) => o.status === 'fulfilled') as PromiseFulfilledResult<{runId: string}>
    expect((await cli(['undo', done.value.runId, '--yes'])).code).toBe(0)
  })
})

describe('two machines, one target', () => {
  it('merge in AWS: both runs keep their part, the later cutoff wins, undo of one leaves the other', async () => {
    const [a, b] = await Promise.all([runPlaybook(engine(mkdtempSync(join(tmpdir(), 'lockdown-m1-')))), runPlaybook(engine(mkdtempSync(join(tmpdir(), 'lockdown-m2-'))))])
    expect([a.status, b.status]).toEqual(['done', 'done'])
    const doc = await policy()
    expect(readRevokeParts(doc).map((p) => p.run).sort()).toEqual([a.runId, b.runId].sort())
    const later = [cutoffOf(a.journal), cutoffOf(b.journal)].sort().at(-1)
    expect(readRevokeSpec(doc).allBefore).toBe(later)

    const undoA = await cli(['undo', a.runId, '--yes'], a.journal.split('/runs/')[0])
    expect(undoA.code).toBe(0)
    expect(readRevokeParts(await policy()).map((p) => p.run)).toEqual([b.runId])
    expect((await cli(['undo', b.runId, '--yes'], b.journal.split('/runs/')[0])).code).toBe(0)
    expect(await policy()).toBeUndefined()
  })
})
