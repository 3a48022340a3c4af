// One reading of an account list for a run and for a forensic read (src/aws/account-scope.ts): asked for
// the organization by a caller whose account is in none, `lockdown plan` and `lockdown trail chains` both
// stop before doing anything (exit 3), say why in their own words, and name the way out.
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {runCli} from '../support/cli.js'
import {useSim} from '../support/sim.js'

const trust = {Version: '2012-10-17', Statement: [{Effect: 'Allow', Principal: {AWS: 'arn:aws:iam::111122223333:root'}, Action: 'sts:AssumeRole'}]}
// A standalone account: Organizations answers AWSOrganizationsNotInUseException, as AWS does.
const sim = await useSim({scenario: {version: 1, name: 'standalone', account: {id: '111122223333'}, organization: false, roles: [{name: 'app-web', trust}]}})
const env = {AWS_ACCESS_KEY_ID: sim.rootCredentials.accessKeyId, AWS_SECRET_ACCESS_KEY: sim.rootCredentials.secretAccessKey}
const dir = mkdtempSync(join(tmpdir(), 'lockdown-account-scope-'))

describe('an organization asked of an account in none', () => {
  it('a run plans nothing: exit 3, "nothing was changed", and the accounts: way out', async () => {
    const file = join(dir, 'org.yaml')
    writeFileSync(file, 'version: 1\nname: org\nincident: INC-1\naccounts: [{organization: true}]\nsteps:\n  - id: contain\n    action: revoke-sessions\n    with: {roles: [app-web]}\n')
    const r = await runCli(['plan', file, '--endpoint', sim.endpoint, '--json'], env)
    expect(r.code, r.stdout).toBe(3)
    expect(r.json.error.message).toMatch(/^accounts: \[\{organization: true\}\]: account 111122223333 is not in an organization \(.*\); nothing was changed$/)
    expect(r.json.error.next).toContain('list account ids in accounts:')
  })

  it('a forensic read reads nothing: exit 3, "nothing was read", and the --accounts way out', async () => {
    const r = await runCli(['trail', 'chains', '--accounts', 'organization', '--endpoint', sim.endpoint, '--json'], env)
    expect(r.code, r.stdout).toBe(3)
    expect(r.json.error.message).toMatch(/^--accounts organization: account 111122223333 is not in an organization \(.*\); nothing was read$/)
    expect(r.json.error.next).toContain('lockdown trail chains --accounts current,')
  })
})
