// `run --yes` in CI: the log holds the plan it applied and a time on each applied change.
import {mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {runCli} from '../support/cli.js'
import {useSim} from '../support/sim.js'

const sim = await useSim({scenario: 'playbooks/scenarios/stale-keys.yaml'})
const env = {AWS_ACCESS_KEY_ID: sim.rootCredentials.accessKeyId, AWS_SECRET_ACCESS_KEY: sim.rootCredentials.secretAccessKey}
const PLAYBOOK = 'test/fixtures/playbooks/stale-ci-keys.yaml'
const ISO = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/

describe('run --yes output', () => {
  it('prints the plan, then every applied change with its time', async () => {
    const journalDir = mkdtempSync(join(tmpdir(), 'lockdown-out-'))
    const started = new Date()
    const r = await runCli(['run', PLAYBOOK, '--yes', '--endpoint', sim.endpoint, '--journal-dir', journalDir], env)
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toContain('Plan: ')
    const planned = r.stdout.split('\n').filter((l) => l.startsWith('  ~ ')).map((l) => l.slice(4))
    expect(planned.length).toBeGreaterThan(0)
    expect(r.stdout).toContain('      before: ')
    const applied = r.stdout.split('\n').slice(r.stdout.split('\n').indexOf('Applied:') + 1).filter((l) => ISO.test(l))
    expect(applied).toHaveLength(planned.length)
    for (const [i, line] of applied.entries()) {
      const at = new Date(ISO.exec(line)![0])
      expect(at.getTime()).toBeGreaterThanOrEqual(started.getTime() - 1000)
      expect(at.getTime()).toBeLessThanOrEqual(Date.now())
      expect(line).toContain(planned[i])
    }
    expect(r.stdout.indexOf('Plan: ')).toBeLessThan(r.stdout.indexOf('Applied:'))
    await runCli(['undo', r.stdout.match(/Run (\S+):/)![1], '--yes', '--endpoint', sim.endpoint, '--journal-dir', journalDir], env)
  })

  it('prints no plan under --json: the result has the applied changes with times', async () => {
    const journalDir = mkdtempSync(join(tmpdir(), 'lockdown-out-'))
    const r = await runCli(['run', PLAYBOOK, '--yes', '--json', '--endpoint', sim.endpoint, '--journal-dir', journalDir], env)
    expect(r.code, r.stdout).toBe(0)
    expect(r.json.changes.length).toBe(r.json.applied)
    for (const c of r.json.changes) expect(c).toMatchObject({appliedAt: expect.stringMatching(ISO), alreadyApplied: false})
    await runCli(['undo', r.json.runId, '--yes', '--endpoint', sim.endpoint, '--journal-dir', journalDir], env)
  })
})
