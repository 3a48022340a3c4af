// The engine end to end against the simulated account, through the CLI as a person runs it.
import {mkdtempSync, readFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {beforeEach, describe, expect, it} from 'vitest'

import {TagUserCommand} from '@aws-sdk/client-iam'

import {listAccessKeys} from '../../src/aws/iam-users.js'
import {runCli} from '../support/cli.js'
import {refusedAt, userWith} from '../support/principals.js'
import {useSim} from '../support/sim.js'

const sim = await useSim({scenario: 'playbooks/scenarios/stale-keys.yaml'})
const PLAYBOOK = 'test/fixtures/playbooks/stale-ci-keys.yaml'
let journalDir: string
const cli = (args: string[], creds = sim.rootCredentials) =>
  runCli([...args, '--endpoint', sim.endpoint, '--journal-dir', journalDir], {AWS_ACCESS_KEY_ID: creds.accessKeyId, AWS_SECRET_ACCESS_KEY: creds.secretAccessKey})
const statusOf = async (user: string) => Object.fromEntries((await listAccessKeys(sim.clients.iam, user)).map((k) => [k.accessKeyId, k.status]))

beforeEach(() => {
  journalDir = mkdtempSync(join(tmpdir(), 'lockdown-run-'))
})

describe('plan', () => {
  it('shows exactly the matched keys and writes nothing', async () => {
    const before = sim.snapshot()
    const r = await cli(['plan', PLAYBOOK, '--json'])
    expect(r.code).toBe(0)
    const targets = r.json.steps[0].changes.map((c: {target: string}) => c.target.split('/').pop()).sort()
    expect(targets).toEqual(['AKIASTALEBUILD000001', 'AKIASTALERELEASE0001'])
    expect(r.json.steps[0].notes[0]).toMatch(/does not end sessions already created/)
    expect(r.json.permissions).toContain('iam:UpdateAccessKey')
    expect(sim.snapshot()).toEqual(before)
  })

  it('prints before -> after with the key masked to its last 4 characters', async () => {
    const r = await cli(['plan', PLAYBOOK])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/deactivate ci-build key AKIA…0001 \(age 400d, last used \d{4}-\d{2}-\d{2}/)
    expect(r.stdout).toContain('before: {"status":"Active"')
    expect(r.stdout).toContain('2 change(s) planned.')
  })
})

describe('run and undo', () => {
  it('deactivates only the matched keys, journals every write, and undo restores the exact prior state', async () => {
    const before = sim.snapshot()
    const r = await cli(['run', PLAYBOOK, '--yes', '--json'])
    expect(r.code).toBe(0)
    expect(r.json).toMatchObject({status: 'done', applied: 2, failures: []})
    expect(r.json.checks.every((c: {ok: boolean}) => c.ok)).toBe(true)
    expect(await statusOf('ci-build')).toEqual({AKIASTALEBUILD000001: 'Inactive', AKIASTALEBUILD000002: 'Active'})
    expect(await statusOf('ci-release')).toEqual({AKIASTALERELEASE0001: 'Inactive'})
    expect(await statusOf('alice')).toEqual({AKIASTALEALICE000001: 'Active'})

    const journal = readFileSync(r.json.journal, 'utf8')
    const types = journal.trim().split('\n').map((l) => JSON.parse(l).type)
    expect(types.slice(0, 2)).toEqual(['run', 'plan'])
    // Every applied line follows the intent for the same change.
    const lines = journal.trim().split('\n').map((l) => JSON.parse(l))
    for (const a of lines.filter((l) => l.type === 'applied')) {
      expect(lines.findIndex((l) => l.type === 'intent' && l.index === a.index)).toBeLessThan(lines.indexOf(a))
    }
    expect(journal).not.toMatch(/staleBuildSecret|staleReleaseSecret|SecretAccessKey/)

    const runs = await cli(['runs', '--json'])
    expect(runs.json.runs[0]).toMatchObject({runId: r.json.runId, status: 'done', applied: 2, incident: 'INC-TEST'})

    const u = await cli(['undo', r.json.runId, '--yes', '--json'])
    expect(u.code).toBe(0)
    expect(u.json.undone).toHaveLength(2)
    expect(sim.snapshot()).toEqual(before)
    const again = await cli(['undo', r.json.runId, '--yes'])
    expect(again.code).toBe(2)
    expect(again.stderr).toContain('already undone')
  })

  it('refuses to apply without --yes when not at a terminal (exit 2), before touching anything', async () => {
    const before = sim.snapshot()
    const r = await cli(['run', PLAYBOOK])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('--yes')
    expect(sim.snapshot()).toEqual(before)
  })
})

describe('guards', () => {
  it('refuses a plan touching more principals than maxTargets (exit 3)', async () => {
    const before = sim.snapshot()
    const tight = await cli(['run', 'test/fixtures/playbooks/one-target.yaml', '--yes', '--json'])
    expect(tight.code).toBe(3)
    expect(tight.json.error.message).toMatch(/touches 2 principals, more than guards.maxTargets \(1\)/)
    expect(tight.json.error.detail.principals).toEqual(['arn:aws:iam::444455556666:user/ci-build', 'arn:aws:iam::444455556666:user/ci-release'])
    expect(sim.snapshot()).toEqual(before)
  })

  it('refuses credentials for another account than the playbook names (exit 3)', async () => {
    const r = await cli(['plan', PLAYBOOK, '--set', 'who=ci-build', '--json'].concat([]), sim.rootCredentials)
    expect(r.code).toBe(0)
    const other = await cli(['plan', 'test/fixtures/playbooks/other-account.yaml', '--json'])
    expect(other.code).toBe(3)
    expect(other.json.error.message).toContain('the credentials are for account 444455556666')
  })

  it("never touches the caller's own key, and skips protected users with the reason", async () => {
    // A responder allowed everything the plan needs, whose own user also carries a key.
    const dana = await userWith(sim, 'dana', [{Effect: 'Allow', Action: ['iam:*'], Resource: '*'}])
    const r = await cli(['plan', 'test/fixtures/playbooks/all-keys.yaml', '--json'], dana)
    expect(r.code).toBe(0)
    const skipped = r.json.steps[0].skipped as {target: string; reason: string}[]
    expect(skipped.find((s) => s.target.endsWith(dana.accessKeyId))?.reason).toMatch(/caller's own principal/)
    expect(skipped.find((s) => s.target.includes('user/ci-release'))?.reason).toMatch(/protected by guards.protect/)
    const targets = r.json.steps[0].changes.map((c: {target: string}) => c.target.split('/').pop())
    expect(targets.sort()).toEqual(['AKIASTALEALICE000001', 'AKIASTALEBUILD000001', 'AKIASTALEBUILD000002'])
  })
})

describe('selection and traceability', () => {
  it('selects by tag and by idle time: a never-used key counts from its creation', async () => {
    await sim.clients.iam.send(new TagUserCommand({UserName: 'ci-build', Tags: [{Key: 'team', Value: 'platform'}]}))
    await sim.clients.iam.send(new TagUserCommand({UserName: 'alice', Tags: [{Key: 'team', Value: 'platform'}]}))
    const r = await cli(['plan', 'test/fixtures/playbooks/unused-tagged.yaml', '--json'])
    expect(r.code).toBe(0)
    // ci-build: key 1 used a day ago (kept), key 2 never used but 10 days old (kept); alice's key used an hour ago.
    expect(r.json.steps[0].changes).toEqual([])
    await sim.clients.iam.send(new TagUserCommand({UserName: 'ci-release', Tags: [{Key: 'team', Value: 'platform'}]}))
    const again = await cli(['plan', 'test/fixtures/playbooks/unused-tagged.yaml', '--json'])
    // ci-release's key was last used 150 days ago.
    expect(again.json.steps[0].changes.map((c: {target: string}) => c.target.split('/').pop())).toEqual(['AKIASTALERELEASE0001'])
  })

  it("stamps the run id into the SDK user agent, so the tool's own calls are findable in CloudTrail", async () => {
    const r = await cli(['run', PLAYBOOK, '--yes', '--json'])
    const updates = sim.records().filter((x) => x.eventName === 'UpdateAccessKey') as {userAgent: string}[]
    expect(updates.at(-1)!.userAgent).toContain(`run/${r.json.runId}`)
    expect(updates.at(-1)!.userAgent).toMatch(/lockdown\/\d+\.\d+\.\d+/)
    await cli(['undo', r.json.runId, '--yes'])
  })

  it('goes on after a failed step only when it says continueOnError', async () => {
    const alice = await userWith(sim, 'erin', refusedAt(['iam:UpdateAccessKey'], 'arn:aws:iam::444455556666:user/*'))
    const on = await cli(['run', 'test/fixtures/playbooks/continue-on-error.yaml', '--yes', '--json'], alice)
    expect(on.code).toBe(4)
    expect(on.json.error.detail.notRun).toEqual([])
    expect(on.json.error.detail.failures.map((f: {step: string}) => f.step)).toEqual(['denied', 'denied', 'after'])
    const off = await cli(['run', 'test/fixtures/playbooks/continue-on-error.yaml', '--set', 'go=false', '--yes', '--json'], alice)
    expect(off.code).toBe(4)
    expect(off.json.error.detail.notRun).toEqual(['after'])
  })
})

describe('partial failure', () => {
  it('exits 4 naming undo and --resume when the caller may not write', async () => {
    // May list and is allowed UpdateAccessKey in general, but not on these users (a resource-scoped deny).
    const frank = await userWith(sim, 'frank', refusedAt(['iam:UpdateAccessKey'], 'arn:aws:iam::444455556666:user/ci-*'))
    const r = await cli(['run', PLAYBOOK, '--yes', '--json'], frank)
    expect(r.code).toBe(4)
    expect(r.json.error.message).toMatch(/2 change\(s\) failed, 0 applied/)
    expect(r.json.error.message).toMatch(/AccessDenied/)
    expect(r.json.error.next).toMatch(/--resume \d{8}T\d{6}Z-[0-9a-f]{4}/)
    expect(r.json.error.next).toMatch(/lockdown undo/)
    expect(await statusOf('ci-build')).toMatchObject({AKIASTALEBUILD000001: 'Active'})
  })
})
