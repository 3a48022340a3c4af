// A playbook that names an account lockdown cannot enter must not succeed on the caller's account alone
// and print "done" (issue #15's first defect): until organization scope lands, every id in `accounts:`
// other than the caller's is refused before anything is planned or written.
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
  it('naming an account besides the caller’s is exit 3 before any write, naming the account it cannot reach', async () => {
    const r = await cli(['run', playbook('["111122223333", "444455556666"]'), '--yes', '--json'])
    expect(r.code).toBe(3)
    expect(r.json.error.message).toContain('444455556666')
    expect(r.json.error.next).toContain('--profile')
    expect(await revoked()).toBe(false)
    const plan = await cli(['plan', playbook('["111122223333", "444455556666"]'), '--json'])
    expect(plan.code).toBe(3)
  })

  it('the caller’s own id alone still runs', async () => {
    const r = await cli(['plan', playbook('["111122223333"]'), '--json'])
    expect(r.code).toBe(0)
  })
})
