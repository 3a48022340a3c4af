// followChains across accounts in the simulated organization: dev's app-ci is trusted by prod's
// deploy-from-dev, so revoking app-ci with followChains reaches deploy-from-dev in prod and on from there,
// with the chain shown across the boundary; a trust naming an account outside the run is a residual-risk
// note naming that account and the command to include it.
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {runCli} from '../support/cli.js'
import {useSim} from '../support/sim.js'

const sim = await useSim({scenario: 'playbooks/scenarios/organization.yaml'})
const operator = sim.credentialsFor('lockdown-operator')
const env = {AWS_ACCESS_KEY_ID: operator.accessKeyId, AWS_SECRET_ACCESS_KEY: operator.secretAccessKey}
const dir = mkdtempSync(join(tmpdir(), 'lockdown-chains-across-'))
const DEV = '222233334444'
const PROD = '333344445555'
const playbook = (name: string, accounts: string, roles: string) => {
  const file = join(dir, `${name}.yaml`)
  writeFileSync(file, `version: 1\nname: ${name}\naccounts: ${accounts}\nsteps:\n  - id: contain\n    action: revoke-sessions\n    with: {roles: ${roles}, followChains: true}\n`)
  return file
}
const cli = (args: string[]) => runCli([...args, '--endpoint', sim.endpoint, '--journal-dir', dir], env)
type C = {target: string; summary: string}

describe('followChains across accounts', () => {
  it('a prod role trusting dev’s revoked role is reached, and the roles it can become in prod after it, chain shown', async () => {
    const r = await cli(['plan', playbook('pivot', '[{organization: true, ous: [Workloads]}]', '[app-ci]'), '--json'])
    expect(r.code, JSON.stringify(r.json?.error ?? r.stderr)).toBe(0)
    const prod = r.json.accounts[PROD].steps[0].changes as C[]
    const deploy = prod.find((c) => c.target === `arn:aws:iam::${PROD}:role/deploy-from-dev`)
    expect(deploy?.summary).toContain(`${DEV}:app-ci → ${PROD}:deploy-from-dev`)
    expect(prod.map((c) => c.target).sort()).toEqual([`arn:aws:iam::${PROD}:role/app-data`, `arn:aws:iam::${PROD}:role/app-web`, `arn:aws:iam::${PROD}:role/deploy-from-dev`])
    expect((r.json.accounts[DEV].steps[0].changes as C[]).map((c) => c.target)).toContain(`arn:aws:iam::${DEV}:role/app-ci`)
  })

  it('without followChains nothing in prod is reached from dev', async () => {
    const file = join(dir, 'no-follow.yaml')
    writeFileSync(file, `version: 1\nname: no-follow\naccounts: [{organization: true, ous: [Workloads]}]\nsteps:\n  - id: contain\n    action: revoke-sessions\n    with: {roles: [app-ci]}\n`)
    const r = await cli(['plan', file, '--json'])
    expect(r.code, JSON.stringify(r.json?.error ?? r.stderr)).toBe(0)
    expect(r.json.accounts[PROD].steps[0].changes).toEqual([])
  })

  it('a trust naming an account outside the run is a residual-risk note naming it and the command to include it', async () => {
    const file = playbook('prod-only', `["${PROD}"]`, '[deploy-from-dev]')
    const r = await cli(['plan', file, '--json'])
    expect(r.code, JSON.stringify(r.json?.error ?? r.stderr)).toBe(0)
    const notes = r.json.accounts[PROD].steps[0].notes as string[]
    expect(notes.find((n) => n.includes(DEV))).toMatch(new RegExp(`outside this run \\(${DEV}\\).*add "${DEV}" to accounts: and run: lockdown plan ${file.replace(/[.]/g, '\\.')}`))
  })
})
