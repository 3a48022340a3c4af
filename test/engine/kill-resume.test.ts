// kill -9 in the middle of a run: the journal keeps everything that happened, --resume finishes the
// plan without applying anything twice, and undo restores the exact prior state.
import {CreateAccessKeyCommand, CreateUserCommand} from '@aws-sdk/client-iam'
import {spawn} from 'node:child_process'
import {existsSync, mkdtempSync, readFileSync, readdirSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {expect, it} from 'vitest'

import {runCli} from '../support/cli.js'
import {useSim} from '../support/sim.js'

const USERS = 24
const sim = await useSim({scenario: 'playbooks/scenarios/empty-account.yaml'})
for (let i = 0; i < USERS; i++) {
  const name = `kill-${String(i).padStart(2, '0')}`
  await sim.clients.iam.send(new CreateUserCommand({UserName: name}))
  await sim.clients.iam.send(new CreateAccessKeyCommand({UserName: name}))
}
const env = {AWS_ACCESS_KEY_ID: sim.rootCredentials.accessKeyId, AWS_SECRET_ACCESS_KEY: sim.rootCredentials.secretAccessKey}
const lines = (path: string) => (existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter((l) => l.endsWith('}')).map((l) => JSON.parse(l)) : [])

it('resumes after kill -9 without applying twice, and undo restores everything', async () => {
  const journalDir = mkdtempSync(join(tmpdir(), 'lockdown-kill-'))
  const before = sim.snapshot()
  // Slow every response so the kill lands mid-run.
  sim.setFaults({latencyMs: 60})
  const child = spawn(
    process.execPath,
    ['bin/dev.js', 'run', 'test/fixtures/playbooks/kill-keys.yaml', '--yes', '--concurrency', '1', '--journal-dir', journalDir, '--endpoint', sim.endpoint],
    {env: {...process.env, ...env}, stdio: 'ignore'},
  )
  let journal = ''
  const deadline = Date.now() + 20_000
  while (Date.now() < deadline) {
    const runs = existsSync(join(journalDir, 'runs')) ? readdirSync(join(journalDir, 'runs')) : []
    if (runs[0]) journal = join(journalDir, 'runs', runs[0], 'journal.jsonl')
    if (journal && lines(journal).filter((l) => l.type === 'applied').length >= 5) break
    await new Promise((r) => setTimeout(r, 20))
  }
  child.kill('SIGKILL')
  await new Promise((r) => child.once('exit', r))
  sim.setFaults({latencyMs: 0})

  const killed = lines(journal)
  const appliedAtKill = killed.filter((l) => l.type === 'applied').length
  expect(appliedAtKill).toBeGreaterThanOrEqual(5)
  expect(appliedAtKill).toBeLessThan(USERS)
  expect(killed.some((l) => l.type === 'end')).toBe(false)
  const runId = killed[0].runId as string
  expect((await runCli(['runs', '--journal-dir', journalDir, '--json'])).json.runs[0]).toMatchObject({runId, status: 'interrupted'})

  const resumed = await runCli(['run', 'test/fixtures/playbooks/kill-keys.yaml', '--resume', runId, '--yes', '--json', '--journal-dir', journalDir, '--endpoint', sim.endpoint], env)
  expect(resumed.code).toBe(0)
  expect(resumed.json.status).toBe('done')
  // What was applied before the kill is marked, not counted again: journaled, or found applied in the account.
  expect(resumed.json.alreadyApplied).toBeGreaterThanOrEqual(appliedAtKill)
  expect(resumed.json.applied + resumed.json.alreadyApplied).toBe(USERS)
  const all = lines(journal)
  for (let i = 0; i < USERS; i++) expect(all.filter((l) => l.type === 'applied' && l.index === i)).toHaveLength(1)
  // AWS saw each key's UpdateAccessKey once, plus at most the one call in flight when the process died.
  const updates = sim.records().filter((r) => r.eventName === 'UpdateAccessKey')
  expect(updates.length).toBeGreaterThanOrEqual(USERS)
  expect(updates.length).toBeLessThanOrEqual(USERS + 1)
  const after = sim.snapshot() as {users: {accessKeys: {status: string}[]}[]}
  expect(after.users.flatMap((u) => u.accessKeys.map((k) => k.status))).toEqual(Array(USERS).fill('Inactive'))

  const undone = await runCli(['undo', runId, '--yes', '--json', '--journal-dir', journalDir, '--endpoint', sim.endpoint], env)
  expect(undone.code).toBe(0)
  expect(undone.json.undone).toHaveLength(USERS)
  expect(sim.snapshot()).toEqual(before)
})
