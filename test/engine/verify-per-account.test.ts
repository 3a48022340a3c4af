// An account whose changes are applied is verified at once, while the other accounts still apply: a slow
// account (more roles than its write throttle lets through quickly) no longer holds back the proofs of a
// fast one. The whole plan still comes before any write (one plan, one confirm, maxTargets across the run).
// Seen from the accounts' trails: the fast account's proof (SimulatePrincipalPolicy after its write) is
// asked before the slow account's last write lands.
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import type {Scenario} from '../../src/sim/scenario-schema.js'
import {runCli} from '../support/cli.js'
import {useSim} from '../support/sim.js'

const FAST = '200000000001'
const SLOW = '200000000002'
const trust = (account: string) => ({Version: '2012-10-17', Statement: [{Effect: 'Allow', Principal: {AWS: `arn:aws:iam::${account}:root`}, Action: 'sts:AssumeRole'}]})
const roles = (account: string, n: number) => Array.from({length: n}, (_, i) => ({name: `app-${i}`, path: '/', trust: trust(account)}))
const scenario = {
  version: 1,
  name: 'verify-per-account',
  account: {id: '111122223333'},
  users: [{name: 'operator', managedPolicies: ['arn:aws:iam::aws:policy/AdministratorAccess'], accessKeys: [{id: 'AKIAVERIFYPERACCOUNT', secret: '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'}]}],
  organization: {accounts: [{id: FAST, name: 'fast', roles: roles(FAST, 1)}, {id: SLOW, name: 'slow', roles: roles(SLOW, 6)}]},
} as Scenario
// 4 writes/s after a burst of 1: the slow account's 6 writes take over a second, the fast one's one write none.
const sim = await useSim({scenario, faults: {iamWriteRate: 4, iamWriteBurst: 1}})
const operator = sim.credentialsFor('operator')
const dir = mkdtempSync(join(tmpdir(), 'lockdown-verify-per-account-'))

describe('verification per account', () => {
  it('a fast account is proven while a slow one still writes; every account ends contained', async () => {
    const file = join(dir, 'p.yaml')
    writeFileSync(file, 'version: 1\nname: per-account\nincident: INC-15\naccounts: [{organization: true}]\nsteps:\n  - id: contain\n    action: revoke-sessions\n    with: {roles: ["app-*"], settle: 0s}\n')
    const t0 = Date.now()
    const r = await runCli(['run', file, '--yes', '--json', '--endpoint', sim.endpoint, '--journal-dir', dir], {
      AWS_ACCESS_KEY_ID: operator.accessKeyId,
      AWS_SECRET_ACCESS_KEY: operator.secretAccessKey,
    })
    expect(r.code, r.stderr).toBe(0)
    expect(Object.fromEntries((r.json.accounts as {account: string; status: string}[]).map((e) => [e.account, e.status]))).toMatchObject({[FAST]: 'contained', [SLOW]: 'contained'})
    const events = (account: string) => sim.events(account).filter((e) => e.time >= t0)
    const puts = (account: string) => events(account).filter((e) => e.eventName === 'PutRolePolicy' && !e.errorCode)
    expect(puts(SLOW)).toHaveLength(6)
    const fastWrite = puts(FAST)[0]!.time
    const fastProof = events(FAST).find((e) => e.eventName === 'SimulatePrincipalPolicy' && e.time > fastWrite)
    expect(fastProof, 'the fast account was never verified after its write').toBeDefined()
    const slowLastWrite = Math.max(...puts(SLOW).map((e) => e.time))
    expect(fastProof!.time).toBeLessThan(slowLastWrite)
    // Both accounts' proofs are in the result, in the run's account order.
    expect(new Set((r.json.checks as {account: string; ok: boolean}[]).filter((c) => c.ok).map((c) => c.account))).toEqual(new Set([FAST, SLOW]))
  })
})
