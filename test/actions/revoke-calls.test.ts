// revoke-sessions at scale: what it costs per role in IAM calls, and that plan and verification do not
// walk the roles one round trip at a time. Measured on the simulator with 250 ms a request, where a
// serial walk of 24 roles would take seconds.
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {runCli} from '../support/cli.js'
import {useSim} from '../support/sim.js'

const ROLES = 24
const LATENCY = 250
const trust = {Version: '2012-10-17', Statement: [{Effect: 'Allow', Principal: {AWS: 'arn:aws:iam::111122223333:root'}, Action: 'sts:AssumeRole'}]}
const sim = await useSim({
  scenario: {
    version: 1,
    account: {id: '111122223333'},
    roles: Array.from({length: ROLES}, (_, i) => ({name: `svc-${i}`, trust, inlinePolicies: {read: {Version: '2012-10-17', Statement: [{Effect: 'Allow', Action: 's3:GetObject', Resource: '*'}]}}})),
  },
  faults: {latencyMs: LATENCY},
})
const dir = mkdtempSync(join(tmpdir(), 'lockdown-revoke-calls-'))
const playbook = join(dir, 'revoke.yaml')
writeFileSync(playbook, `version: 1\nname: revoke-calls\nguards: {maxTargets: ${ROLES}}\nsteps:\n  - id: contain\n    action: revoke-sessions\n    with: {roles: ["svc-*"], settle: 0s}\n`)
const env = {AWS_ACCESS_KEY_ID: sim.rootCredentials.accessKeyId, AWS_SECRET_ACCESS_KEY: sim.rootCredentials.secretAccessKey}

describe('revoke-sessions at scale', () => {
  it('makes 4 IAM calls a role (no call whose answer it already has) and verifies every role', async () => {
    const before = sim.records().length
    const run = await runCli(['run', playbook, '--yes', '--json', '--endpoint', sim.endpoint, '--journal-dir', join(dir, 'j')], env)
    expect(run.code, run.stderr).toBe(0)
    expect(run.json.checks.filter((c: {name: string; ok: boolean}) => c.name === 'sessions denied before cutoff' && c.ok)).toHaveLength(ROLES)
    const calls: Record<string, number> = {}
    for (const r of sim.records().slice(before) as {eventName: string}[]) calls[r.eventName] = (calls[r.eventName] ?? 0) + 1
    // The plan reads every role's tags (break-glass guard) and inline policies (size budget) in one paged
    // GetAccountAuthorizationDetails; per role only the read-write-read of the deny at apply and one
    // simulation remain. Verify does not read the deny a third time.
    expect(calls).toEqual({GetCallerIdentity: 1, GetAccountAuthorizationDetails: 1, GetRolePolicy: 2 * ROLES, PutRolePolicy: ROLES, SimulatePrincipalPolicy: ROLES})
  })

  it('plans and verifies in parallel: far less time than one round trip per role in turn', async () => {
    const start = Date.now()
    const run = await runCli(['run', playbook, '--yes', '--json', '--endpoint', sim.endpoint, '--journal-dir', join(dir, 'j2')], env)
    expect(run.code, run.stderr).toBe(0)
    // One role at a time, the simulations alone are ROLES × 250 ms and the apply's three calls a role
    // another 3 × ROLES × 250 ms (24 s). With the plan one paged account read and changes and their
    // verifications 8 at a time (the default), the whole run stays well under 12 s, even on a loaded machine.
    expect(Date.now() - start).toBeLessThan(ROLES * LATENCY * 2)
  })
})
