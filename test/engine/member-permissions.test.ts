// A member account whose access role may not do what the plan needs: its permission check (run beside the
// plan's reads) names every permission missing, that account alone is unreachable with that reason, and
// the other account is contained. The check's answer wins over the refused read it explains.
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import type {Scenario} from '../../src/sim/scenario-schema.js'
import {runCli} from '../support/cli.js'
import {useSim} from '../support/sim.js'

const MGMT = '111122223333'
const OK = '200000000011'
const WEAK = '200000000012'
const trust = (account: string) => ({Version: '2012-10-17', Statement: [{Effect: 'Allow', Principal: {AWS: `arn:aws:iam::${account}:root`}, Action: 'sts:AssumeRole'}]})
const scenario = {
  version: 1,
  name: 'member-permissions',
  account: {id: MGMT},
  users: [{name: 'operator', managedPolicies: ['arn:aws:iam::aws:policy/AdministratorAccess'], accessKeys: [{id: 'AKIAMEMBERPERMSOPER1', secret: 'memberPermsOperatorSecretKeyOnlyForSim01'}]}],
  organization: {
    accounts: [
      {id: OK, name: 'ok', roles: [{name: 'app-a', trust: trust(OK)}]},
      {
        // Invited: no OrganizationAccountAccessRole from Organizations; its admins made one that may only simulate.
        id: WEAK,
        name: 'weak',
        invited: true,
        roles: [
          {name: 'app-b', trust: trust(WEAK)},
          {
            name: 'OrganizationAccountAccessRole',
            trust: trust(MGMT),
            inlinePolicies: {simulate: {Version: '2012-10-17', Statement: [{Effect: 'Allow', Action: ['iam:SimulatePrincipalPolicy', 'sts:GetCallerIdentity'], Resource: '*'}]}},
          },
        ],
      },
    ],
  },
} as Scenario
const sim = await useSim({scenario})
const operator = sim.credentialsFor('operator')
const dir = mkdtempSync(join(tmpdir(), 'lockdown-member-perms-'))

describe('a member account whose access role lacks permissions', () => {
  it('is unreachable naming the permissions missing (not the read they made fail); the other account is contained', async () => {
    const file = join(dir, 'p.yaml')
    writeFileSync(file, 'version: 1\nname: weak-member\nincident: INC-15\naccounts: [{organization: true}]\nsteps:\n  - id: contain\n    action: revoke-sessions\n    with: {roles: ["app-*"], settle: 0s}\n')
    const r = await runCli(['run', file, '--yes', '--json', '--endpoint', sim.endpoint, '--journal-dir', dir], {
      AWS_ACCESS_KEY_ID: operator.accessKeyId,
      AWS_SECRET_ACCESS_KEY: operator.secretAccessKey,
    })
    expect(r.code, r.stderr).toBe(4)
    const ledger = r.json.error.detail.accounts as {account: string; status: string; reason?: string}[]
    expect(ledger.find((e) => e.account === OK)?.status).toBe('contained')
    const weak = ledger.find((e) => e.account === WEAK)!
    expect(weak.status).toBe('unreachable')
    expect(weak.reason).toMatch(/lacks \d+ permissions? this plan needs: .*iam:PutRolePolicy/)
    expect(weak.reason).toContain(`arn:aws:iam::${WEAK}:role/OrganizationAccountAccessRole`)
  })
})
