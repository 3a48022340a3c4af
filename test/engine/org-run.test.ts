// A playbook over an AWS Organization, through the CLI against the simulated organization: the plan per
// account (how reached or why not), the fan-out with the per-account ledger (one unreachable account
// never stops the others; exit 4 names it and the resume of only that account), the access role never a
// target, ARNs from the target account, resume re-entering an account the plan could not reach, and undo
// restoring every account.
import {GetRolePolicyCommand} from '@aws-sdk/client-iam'
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {runCli} from '../support/cli.js'
import {useSim} from '../support/sim.js'

const sim = await useSim({scenario: 'playbooks/scenarios/organization.yaml'})
const operator = sim.credentialsFor('lockdown-operator')
const env = {AWS_ACCESS_KEY_ID: operator.accessKeyId, AWS_SECRET_ACCESS_KEY: operator.secretAccessKey}
const dir = mkdtempSync(join(tmpdir(), 'lockdown-org-'))
let n = 0
const playbook = (accounts: string, roles = '[app-*]') => {
  const file = join(dir, `p${n++}.yaml`)
  writeFileSync(file, `version: 1\nname: org-contain\nincident: INC-15\naccounts: ${accounts}\nsteps:\n  - id: contain\n    action: revoke-sessions\n    with: {roles: ${roles}}\n`)
  return file
}
const cli = (args: string[]) => runCli([...args, '--endpoint', sim.endpoint, '--journal-dir', dir], env)
const DEV = '222233334444'
const PROD = '333344445555'
const revoked = (account: string, role: string) =>
  sim
    .clientsIn(account)
    .iam.send(new GetRolePolicyCommand({RoleName: role, PolicyName: 'LockdownRevokeOlderSessions'}))
    .then(
      () => true,
      () => false,
    )

describe('a playbook over an organization', () => {
  it('plans per account: reached through the access role, or unreachable with AWS’s reason, or skipped with its state', async () => {
    const r = await cli(['plan', playbook('[{organization: true}]'), '--json'])
    expect(r.code, r.stderr).toBe(0)
    const a = r.json.accounts
    expect(a['111122223333']).toMatchObject({status: 'planned', access: 'caller'})
    expect(a[DEV]).toMatchObject({status: 'planned', name: 'dev', ou: 'Workloads/Dev', access: {role: 'OrganizationAccountAccessRole', chain: [`arn:aws:iam::${DEV}:role/OrganizationAccountAccessRole`]}})
    expect(a[DEV].steps[0].changes.map((c: {target: string}) => c.target).sort()).toEqual([`arn:aws:iam::${DEV}:role/app-ci`, `arn:aws:iam::${DEV}:role/app-web`])
    expect(a[PROD].steps[0].changes.every((c: {target: string; account: string}) => c.target.startsWith(`arn:aws:iam::${PROD}:`) && c.account === PROD)).toBe(true)
    expect(a['444455556666']).toMatchObject({status: 'unreachable', reason: expect.stringContaining('OrganizationAccountAccessRole')})
    expect(a['555566667777']).toMatchObject({status: 'skipped', reason: expect.stringContaining('SUSPENDED')})
  })

  it('the access role is never a target, in any account: skipped with the reason', async () => {
    const r = await cli(['plan', playbook(`[{organization: true, ous: [Prod]}]`, '["*"]'), '--json'])
    expect(r.code, r.stderr).toBe(0)
    const skipped = r.json.accounts[PROD].steps[0].skipped as {target: string; reason: string}[]
    expect(skipped.find((s) => s.target === `arn:aws:iam::${PROD}:role/OrganizationAccountAccessRole`)?.reason).toMatch(/access role/)
    expect(r.json.accounts[PROD].steps[0].changes.map((c: {target: string}) => c.target)).not.toContain(`arn:aws:iam::${PROD}:role/OrganizationAccountAccessRole`)
  })

  it('one unreachable account never stops the others: dev and prod are contained, the ledger names the invited account unreachable (exit 4) and the command that resumes only it', async () => {
    const r = await cli(['run', playbook('[{organization: true}]'), '--yes', '--json'])
    expect(r.code, r.stderr).toBe(4)
    const ledger = Object.fromEntries((r.json.error.detail.accounts as {account: string; status: string}[]).map((e) => [e.account, e.status]))
    expect(ledger).toEqual({'111122223333': 'contained', [DEV]: 'contained', [PROD]: 'contained', '444455556666': 'unreachable', '555566667777': 'skipped'})
    expect(r.json.error.next).toContain(`--resume ${r.json.error.detail.runId} --accounts 444455556666 --yes`)
    expect(await revoked(DEV, 'app-ci')).toBe(true)
    expect(await revoked(PROD, 'app-data')).toBe(true)
    // Entered as lockdown-<run id> in the target account's trail. The stock OrganizationAccountAccessRole
    // trusts only sts:AssumeRole, so the attempt with the operator's SourceIdentity is refused and the entry
    // that succeeds is the retry without it (the session name still carries the run id).
    const entries = sim.records(PROD).filter((e) => e.eventName === 'AssumeRole' && (e.requestParameters as {roleSessionName?: string})?.roleSessionName === `lockdown-${r.json.error.detail.runId}`)
    const ok = entries.filter((e) => !e.errorCode)
    expect(ok.length).toBeGreaterThan(0)
    expect(ok.every((e) => (e.requestParameters as {sourceIdentity?: string}).sourceIdentity === undefined)).toBe(true)
    const refused = entries.filter((e) => e.errorCode)
    expect(refused.map((e) => (e.requestParameters as {sourceIdentity?: string}).sourceIdentity)).toContain('lockdown-operator')
    const undo = await cli(['undo', r.json.error.detail.runId, '--yes', '--json'])
    expect(undo.code, undo.stderr).toBe(0)
    expect(await revoked(DEV, 'app-ci')).toBe(false)
    expect(await revoked(PROD, 'app-data')).toBe(false)
  })

  it('an account denied at plan time is planned and contained by --resume --accounts once it can be entered', async () => {
    sim.setFaults({denyAssumeRoleInto: [PROD]})
    let runId: string
    try {
      const r = await cli(['run', playbook(`[{organization: true, ous: [Workloads]}]`), '--yes', '--json'])
      expect(r.code, r.stderr).toBe(4)
      runId = r.json.error.detail.runId
      expect(r.json.error.detail.accounts.find((e: {account: string}) => e.account === PROD)).toMatchObject({status: 'unreachable', reason: expect.stringContaining('AccessDenied')})
      expect(await revoked(DEV, 'app-web')).toBe(true)
      expect(await revoked(PROD, 'app-web')).toBe(false)
    } finally {
      sim.setFaults({denyAssumeRoleInto: []})
    }
    const file = join(dir, `p${n - 1}.yaml`)
    const resumed = await cli(['run', file, '--resume', runId, '--accounts', PROD, '--yes', '--json'])
    expect(resumed.code, resumed.stderr).toBe(0)
    expect(Object.fromEntries(resumed.json.accounts.map((e: {account: string; status: string}) => [e.account, e.status]))).toEqual({[DEV]: 'contained', [PROD]: 'contained'})
    expect(await revoked(PROD, 'app-web')).toBe(true)
    const undo = await cli(['undo', runId, '--yes', '--json'])
    expect(undo.code, undo.stderr).toBe(0)
    expect(await revoked(PROD, 'app-web')).toBe(false)
    expect(await revoked(DEV, 'app-web')).toBe(false)
  })

  it('guards.maxTargetsPerAccount refuses a plan touching too many principals in one account (exit 3), naming it', async () => {
    const file = playbook(`[{organization: true, ous: [Workloads]}]`)
    writeFileSync(file, `${(await import('node:fs')).readFileSync(file, 'utf8').replace('steps:', 'guards: {maxTargetsPerAccount: 1}\nsteps:')}`)
    const r = await cli(['plan', file, '--json'])
    expect(r.code).toBe(3)
    expect(r.json.error.message).toMatch(/in account (222233334444|333344445555), more than guards.maxTargetsPerAccount/)
  })
})
