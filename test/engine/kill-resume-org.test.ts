// kill -9 in the middle of a fan-out over three accounts (the management account and two members entered
// through their access role): --resume applies every change exactly once, each in its own account, and
// undo restores each account's snapshot exactly.
import {CreateAccessKeyCommand, CreateUserCommand} from '@aws-sdk/client-iam'
import {spawn} from 'node:child_process'
import {existsSync, mkdtempSync, readFileSync, readdirSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {expect, it} from 'vitest'

import {runCli} from '../support/cli.js'
import {useSim} from '../support/sim.js'

const PER_ACCOUNT = 8
const ACCOUNTS = ['111122223333', '222233334444', '333344445555']
const PLAYBOOK = 'test/fixtures/playbooks/kill-keys-org.yaml'
const sim = await useSim({scenario: 'playbooks/scenarios/organization.yaml'})
for (const account of ACCOUNTS) {
  for (let i = 0; i < PER_ACCOUNT; i++) {
    const name = `kill-${String(i).padStart(2, '0')}`
    await sim.clientsIn(account).iam.send(new CreateUserCommand({UserName: name}))
    await sim.clientsIn(account).iam.send(new CreateAccessKeyCommand({UserName: name}))
  }
}
const operator = sim.credentialsFor('lockdown-operator')
const env = {AWS_ACCESS_KEY_ID: operator.accessKeyId, AWS_SECRET_ACCESS_KEY: operator.secretAccessKey}
const lines = (path: string) => (existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter((l) => l.endsWith('}')).map((l) => JSON.parse(l)) : [])
const keysOf = (account: string) =>
  (sim.snapshot(account) as {users: {name: string; accessKeys: {status: string}[]}[]}).users.filter((u) => u.name.startsWith('kill-')).flatMap((u) => u.accessKeys.map((k) => k.status))

it('a fan-out over three accounts killed mid-run resumes each change exactly once in its own account, and undo restores every account', async () => {
  const journalDir = mkdtempSync(join(tmpdir(), 'lockdown-kill-org-'))
  const before = Object.fromEntries(ACCOUNTS.map((a) => [a, sim.snapshot(a)]))
  sim.setFaults({latencyMs: 60})
  const child = spawn(process.execPath, ['bin/dev.js', 'run', PLAYBOOK, '--yes', '--concurrency', '1', '--journal-dir', journalDir, '--endpoint', sim.endpoint], {
    env: {...process.env, ...env},
    stdio: 'ignore',
  })
  let journal = ''
  const deadline = Date.now() + 30_000
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
  const total = PER_ACCOUNT * ACCOUNTS.length
  const appliedAtKill = killed.filter((l) => l.type === 'applied').length
  expect(appliedAtKill).toBeGreaterThanOrEqual(5)
  expect(appliedAtKill).toBeLessThan(total)
  expect(killed.some((l) => l.type === 'end')).toBe(false)
  const runId = killed[0].runId as string

  const resumed = await runCli(['run', PLAYBOOK, '--resume', runId, '--yes', '--json', '--journal-dir', journalDir, '--endpoint', sim.endpoint], env)
  expect(resumed.code, resumed.stderr).toBe(0)
  expect(resumed.json.applied + resumed.json.alreadyApplied).toBe(total)
  expect(resumed.json.accounts.map((e: {account: string; status: string}) => [e.account, e.status])).toEqual(ACCOUNTS.map((a) => [a, 'contained']))
  const all = lines(journal)
  const plan = all.find((l) => l.type === 'plan').steps[0].changes as {target: string; account: string}[]
  expect(plan).toHaveLength(total)
  for (const [i, c] of plan.entries()) {
    // Planned in its own account (the ARN is the target account's), applied once, journaled with that account.
    expect(c.target.split(':')[4]).toBe(c.account)
    const applied = all.filter((l) => l.type === 'applied' && l.index === i)
    expect(applied).toHaveLength(1)
    expect(applied[0].account).toBe(c.account)
  }
  for (const account of ACCOUNTS) {
    // Each account's trail saw its keys' UpdateAccessKey once, plus at most the one call in flight there at the kill.
    const updates = sim.records(account).filter((r) => r.eventName === 'UpdateAccessKey')
    expect(updates.length).toBeGreaterThanOrEqual(PER_ACCOUNT)
    expect(updates.length).toBeLessThanOrEqual(PER_ACCOUNT + 1)
    expect(keysOf(account)).toEqual(Array(PER_ACCOUNT).fill('Inactive'))
  }

  const undone = await runCli(['undo', runId, '--yes', '--json', '--journal-dir', journalDir, '--endpoint', sim.endpoint], env)
  expect(undone.code, undone.stderr).toBe(0)
  expect(undone.json.undone).toHaveLength(total)
  // Every account's IAM exactly as before. What lockdown's entry leaves is not a change of the run: the
  // operator's key records its last use, and each member holds the STS sessions lockdown-<run id> came in with.
  for (const account of ACCOUNTS) expect(withoutOperatorUse(sim.snapshot(account))).toEqual(withoutOperatorUse(before[account]))
}, 120_000)

function withoutOperatorUse(snapshot: unknown): unknown {
  const s = structuredClone(snapshot) as {users: {name: string; accessKeys: {lastUsed?: unknown}[]}[]; sessions?: {sessionName?: string}[]}
  for (const u of s.users) if (u.name === 'lockdown-operator') for (const k of u.accessKeys) delete k.lastUsed
  s.sessions = (s.sessions ?? []).filter((x) => !x.sessionName?.startsWith('lockdown-'))
  return s
}
