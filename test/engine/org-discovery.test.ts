// Discovering and entering the organization for a run: a selection by tags reads the accounts' tags and
// picks by them; a selection naming no tags does not read them (one Organizations call an account, against
// an API that throttles hard, in an organization of hundreds of accounts). Entering a member account is its
// AssumeRole: the session it made (and so the account reached) is AssumeRole's own answer, no
// GetCallerIdentity after it.
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {runCli} from '../support/cli.js'
import {useSim} from '../support/sim.js'

const sim = await useSim({scenario: 'playbooks/scenarios/organization.yaml'})
const operator = sim.credentialsFor('lockdown-operator')
const env = {AWS_ACCESS_KEY_ID: operator.accessKeyId, AWS_SECRET_ACCESS_KEY: operator.secretAccessKey}
const dir = mkdtempSync(join(tmpdir(), 'lockdown-org-discovery-'))
const MGMT = '111122223333'
const PROD = '333344445555'
let n = 0
const plan = async (accounts: string) => {
  const file = join(dir, `p${n++}.yaml`)
  writeFileSync(file, `version: 1\nname: discovery\nincident: INC-15\naccounts: ${accounts}\nsteps:\n  - id: contain\n    action: revoke-sessions\n    with: {roles: [app-*]}\n`)
  const before = sim.records(MGMT).length
  const r = await runCli(['plan', file, '--json', '--endpoint', sim.endpoint], env)
  const tagReads = sim.records(MGMT).slice(before).filter((e) => e.eventName === 'ListTagsForResource').length
  return {r, tagReads}
}

describe('discovery for a run', () => {
  it('a selection by tags reads every account’s tags and plans only the accounts whose tags match', async () => {
    const {r, tagReads} = await plan('[{organization: true, tags: {env: prod}}]')
    expect(r.code, r.stderr).toBe(0)
    expect(r.json.accountOrder).toEqual([PROD])
    expect(tagReads).toBe(sim.accounts().length)
  })

  it('a selection naming no tags reads none', async () => {
    const {r, tagReads} = await plan('[{organization: true, ous: [Workloads]}]')
    expect(r.code, r.stderr).toBe(0)
    expect(r.json.accountOrder).toEqual(['222233334444', PROD])
    expect(tagReads).toBe(0)
  })

  it('each member account is entered by AssumeRole alone, and the plan names the session it made there', async () => {
    const since = {dev: sim.records('222233334444').length, prod: sim.records(PROD).length}
    const {r} = await plan('[{organization: true, ous: [Workloads]}]')
    expect(r.code, r.stderr).toBe(0)
    for (const [account, from] of [['222233334444', since.dev], [PROD, since.prod]] as const) {
      expect(r.json.accounts[account].as).toMatch(new RegExp(`^arn:aws:sts::${account}:assumed-role/OrganizationAccountAccessRole/lockdown-`))
      const mine = sim.records(account).slice(from).filter((e) => (e.userIdentity as {arn?: string} | undefined)?.arn === r.json.accounts[account].as)
      expect(mine.length).toBeGreaterThan(0)
      expect(mine.filter((e) => e.eventName === 'GetCallerIdentity')).toEqual([])
    }
  })
})
