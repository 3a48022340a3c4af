// A playbook that names an account lockdown cannot enter must not succeed on the caller's account alone
// and print "done" (issue #15's first defect): every account of the scope ends in a known state — here
// the caller's contained and the other unreachable (exit 4) — and the resume names only the unfinished one.
import {GetRolePolicyCommand} from '@aws-sdk/client-iam'
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {runCli} from '../support/cli.js'
import {useSim} from '../support/sim.js'

const sim = await useSim({scenario: 'playbooks/scenarios/demo-account.yaml'})
const env = {AWS_ACCESS_KEY_ID: sim.rootCredentials.accessKeyId, AWS_SECRET_ACCESS_KEY: sim.rootCredentials.secretAccessKey}
const dir = mkdtempSync(join(tmpdir(), 'lockdown-accounts-'))
const playbook = (accounts: string) => {
  const file = join(dir, `p-${accounts.replace(/\W/g, '')}.yaml`)
  writeFileSync(
    file,
    `version: 1\nname: two-accounts\nincident: INC-1\naccounts: ${accounts}\nsteps:\n  - id: contain\n    action: revoke-sessions\n    with: {roles: [app-web]}\n`,
  )
  return file
}
const cli = (args: string[]) => runCli([...args, '--endpoint', sim.endpoint, '--journal-dir', dir], env)
const revoked = () =>
  sim.clients.iam.send(new GetRolePolicyCommand({RoleName: 'app-web', PolicyName: 'LockdownRevokeOlderSessions'})).then(
    () => true,
    () => false,
  )

describe('accounts: a list of ids', () => {
  it('an account lockdown cannot enter is unreachable in the ledger (exit 4, with AWS’s reason), the caller’s account is still contained, and the resume names only the unfinished account', async () => {
    const r = await cli(['run', playbook('["111122223333", "444455556666"]'), '--yes', '--json'])
    expect(r.code).toBe(4)
    const ledger = r.json.error.detail.accounts as {account: string; status: string; reason?: string}[]
    expect(ledger.find((e) => e.account === '111122223333')?.status).toBe('contained')
    const away = ledger.find((e) => e.account === '444455556666')!
    expect(away.status).toBe('unreachable')
    expect(away.reason).toContain('arn:aws:iam::444455556666:role/OrganizationAccountAccessRole')
    expect(r.json.error.message).toMatch(/444455556666.*unreachable/)
    expect(r.json.error.next).toContain(`--resume ${r.json.error.detail.runId} --accounts 444455556666 --yes`)
    expect(await revoked()).toBe(true)
  })

  it('the plan shows, per account, how it was reached or why not (--json keyed by account id)', async () => {
    const plan = await cli(['plan', playbook('["111122223333", "444455556666"]'), '--json'])
    expect(plan.code).toBe(0)
    expect(plan.json.accounts['111122223333']).toMatchObject({status: 'planned', access: 'caller'})
    expect(plan.json.accounts['111122223333'].steps[0].changes).toHaveLength(1)
    expect(plan.json.accounts['444455556666']).toMatchObject({status: 'unreachable', reason: expect.stringContaining('AssumeRole')})
  })

  it('when no account of the scope can be entered, nothing is touched: exit 3 naming the credentials’ account', async () => {
    const r = await cli(['plan', playbook('["444455556666"]'), '--json'])
    expect(r.code).toBe(3)
    expect(r.json.error.message).toContain('the credentials are for account 111122223333')
    expect(r.json.error.message).toContain('444455556666')
  })

  it('the caller’s own id alone still runs', async () => {
    const r = await cli(['plan', playbook('["111122223333"]'), '--json'])
    expect(r.code).toBe(0)
  })
})
