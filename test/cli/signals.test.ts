// SIGINT/SIGTERM in the middle of `lockdown run --yes`: the command cancels the call in flight, journals
// it, says how far it got and how to resume (with the --set flags it was started with) or undo, and exits
// 130; in the middle of `lockdown undo`, it stops between changes and names the same command to finish.
// A real child process, because signals are what is under test.
import {CreateAccessKeyCommand, CreateUserCommand, ListAccessKeysCommand} from '@aws-sdk/client-iam'
import {spawn} from 'node:child_process'
import {existsSync, mkdtempSync, readFileSync, readdirSync} from 'node:fs'
import {createServer} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {runCli} from '../support/cli.js'
import {useSim} from '../support/sim.js'

const USERS = 20
const sim = await useSim({scenario: 'playbooks/scenarios/empty-account.yaml'})
for (let i = 0; i < USERS; i++) {
  const name = `sig-${String(i).padStart(2, '0')}`
  await sim.clients.iam.send(new CreateUserCommand({UserName: name}))
  await sim.clients.iam.send(new CreateAccessKeyCommand({UserName: name}))
}
const env = {AWS_ACCESS_KEY_ID: sim.rootCredentials.accessKeyId, AWS_SECRET_ACCESS_KEY: sim.rootCredentials.secretAccessKey}
const PLAYBOOK = 'test/fixtures/playbooks/signal-keys.yaml'
const lines = (path: string) => (existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter((l) => l.endsWith('}')).map((l) => JSON.parse(l)) : [])

async function interruptRun(signal: NodeJS.Signals) {
  const journalDir = mkdtempSync(join(tmpdir(), 'lockdown-signal-'))
  sim.setFaults({latencyMs: 80})
  const args = ['run', PLAYBOOK, '--set', 'prefix=sig', '--yes', '--concurrency', '1', '--journal-dir', journalDir, '--endpoint', sim.endpoint]
  const child = spawn(process.execPath, ['bin/dev.js', ...args], {env: {...process.env, ...env}, stdio: ['ignore', 'pipe', 'pipe']})
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d) => (stdout += d))
  child.stderr.on('data', (d) => (stderr += d))
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)))
  let journal = ''
  const deadline = Date.now() + 25_000
  while (Date.now() < deadline) {
    const runs = existsSync(join(journalDir, 'runs')) ? readdirSync(join(journalDir, 'runs')) : []
    if (runs[0]) journal = join(journalDir, 'runs', runs[0], 'journal.jsonl')
    if (journal && lines(journal).filter((l) => l.type === 'applied').length >= 3) break
    await new Promise((r) => setTimeout(r, 20))
  }
  const sentAt = Date.now()
  child.kill(signal)
  const code = await exited
  sim.setFaults({latencyMs: 0})
  return {code, stdout, stderr, journal, journalDir, stoppedInMs: Date.now() - sentAt}
}

describe('an interrupted run', () => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`${signal}: journals the call in flight, names resume and undo, exits 130`, async () => {
      const r = await interruptRun(signal)
      expect(r.code, r.stderr).toBe(130)
      expect(r.stoppedInMs).toBeLessThan(5000)
      const journal = lines(r.journal)
      const runId = journal[0].runId as string
      const applied = journal.filter((l) => l.type === 'applied').length
      expect(applied).toBeGreaterThanOrEqual(3)
      expect(applied).toBeLessThan(USERS)
      // Every intent has its outcome on disk (applied, or failed for the cancelled call), and no end line.
      for (const intent of journal.filter((l) => l.type === 'intent')) {
        expect(journal.some((l) => (l.type === 'applied' || l.type === 'failed') && l.index === intent.index)).toBe(true)
      }
      expect(journal.some((l) => l.type === 'end')).toBe(false)
      const resume = `lockdown run ${PLAYBOOK} --set prefix=sig --concurrency 1 --journal-dir ${r.journalDir} --endpoint ${sim.endpoint} --resume ${runId} --yes`
      const undo = `lockdown undo ${runId} --journal-dir ${r.journalDir} --endpoint ${sim.endpoint}`
      expect(r.stderr).toContain(`interrupted after ${applied}/${USERS} changes; resume: ${resume}; undo: ${undo}`)

      // The resume command it printed finishes the run without applying anything twice.
      const resumed = await runCli([...resume.split(' ').slice(1), '--json'], env)
      expect(resumed.code, resumed.stdout).toBe(0)
      // Changes applied before the signal are marked (alreadyApplied), not counted again.
      expect(resumed.json).toMatchObject({status: 'done', applied: USERS - applied, alreadyApplied: applied})
      expect(resumed.json.changes).toHaveLength(USERS)
      expect(resumed.json.changes.filter((c: {alreadyApplied: boolean}) => c.alreadyApplied)).toHaveLength(applied)
      const all = lines(r.journal)
      for (let i = 0; i < USERS; i++) expect(all.filter((l) => l.type === 'applied' && l.index === i)).toHaveLength(1)
      const undone = await runCli([...undo.split(' ').slice(1), '--yes', '--json'], env)
      expect(undone.code, undone.stdout).toBe(0)
      expect(undone.json.undone).toHaveLength(USERS)
    })
  }
})

describe('an interrupted undo', () => {
  it('SIGINT between changes: the call in flight is cancelled, no end line, the same command finishes it, exit 130', async () => {
    const journalDir = mkdtempSync(join(tmpdir(), 'lockdown-signal-undo-'))
    const ran = await runCli(['run', PLAYBOOK, '--set', 'prefix=sig', '--yes', '--json', '--journal-dir', journalDir, '--endpoint', sim.endpoint], env)
    expect(ran.code, ran.stdout).toBe(0)
    const runId = ran.json.runId as string
    const journal = join(journalDir, 'runs', runId, 'journal.jsonl')
    sim.setFaults({latencyMs: 80})
    const args = ['undo', runId, '--yes', '--journal-dir', journalDir, '--endpoint', sim.endpoint]
    const child = spawn(process.execPath, ['bin/dev.js', ...args], {env: {...process.env, ...env}, stdio: ['ignore', 'pipe', 'pipe']})
    let stderr = ''
    child.stderr.on('data', (d) => (stderr += d))
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)))
    const deadline = Date.now() + 25_000
    while (Date.now() < deadline && lines(journal).filter((l) => l.type === 'undone').length < 3) await new Promise((r) => setTimeout(r, 20))
    const sentAt = Date.now()
    child.kill('SIGINT')
    const code = await exited
    sim.setFaults({latencyMs: 0})
    expect(code, stderr).toBe(130)
    expect(Date.now() - sentAt).toBeLessThan(5000)
    const after = lines(journal)
    const undone = after.filter((l) => l.type === 'undone').length
    expect(undone).toBeGreaterThanOrEqual(3)
    expect(undone).toBeLessThan(USERS)
    expect(after.some((l) => l.type === 'undo-end')).toBe(false)
    const again = `lockdown undo ${runId} --journal-dir ${journalDir} --endpoint ${sim.endpoint} --yes`
    expect(stderr).toContain(`undo of run ${runId} interrupted after ${undone} change(s) reverted; finish it: ${again}`)

    // The command it names reverts the rest: every key reverted exactly once over both undos.
    const finished = await runCli([...again.split(' ').slice(1), '--json'], env)
    expect(finished.code, finished.stdout).toBe(0)
    expect(finished.json.undone.length + finished.json.alreadyAsBefore.length).toBe(USERS - undone)
    const all = lines(journal)
    for (let i = 0; i < USERS; i++) expect(all.filter((l) => l.type === 'undone' && l.index === i).length, `change ${i}`).toBeLessThanOrEqual(1)
    expect(all.at(-1)).toMatchObject({type: 'undo-end', status: 'undone'})
    for (let i = 0; i < USERS; i++) {
      const keys = await sim.clients.iam.send(new ListAccessKeysCommand({UserName: `sig-${String(i).padStart(2, '0')}`}))
      expect(keys.AccessKeyMetadata!.map((k) => k.Status)).toEqual(['Active'])
    }
  })
})

describe('interrupted before any change', () => {
  it('SIGINT while preflight waits on AWS: exit 130 at once, no run journaled', async () => {
    // An endpoint that accepts and never answers: the child is provably inside its first AWS call.
    let connected!: () => void
    const inCall = new Promise<void>((r) => (connected = r))
    const silent = createServer((s) => {
      connected()
      s.on('error', () => {})
    })
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r))
    const endpoint = `http://127.0.0.1:${(silent.address() as {port: number}).port}`
    const journalDir = mkdtempSync(join(tmpdir(), 'lockdown-signal-'))
    const child = spawn(process.execPath, ['bin/dev.js', 'run', PLAYBOOK, '--set', 'prefix=sig', '--yes', '--journal-dir', journalDir, '--endpoint', endpoint], {
      env: {...process.env, ...env},
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stderr = ''
    child.stderr.on('data', (d) => (stderr += d))
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)))
    await inCall
    const sentAt = Date.now()
    child.kill('SIGINT')
    const code = await exited
    silent.close()
    expect(code, stderr).toBe(130)
    expect(Date.now() - sentAt).toBeLessThan(3000)
    expect(stderr).toContain('Error: interrupted by SIGINT')
    expect(existsSync(join(journalDir, 'runs'))).toBe(false)
  })
})
