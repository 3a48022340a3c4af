// A leaked dev key pivoting into prod through a role that trusts dev's: the organization-wide response
// must cut every link in both accounts, proven from the attacker's side, and the forensics report must
// show one chain across the two accounts. A response limited to dev must fail (exit 5) naming prod.
import {mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {expect, it} from 'vitest'

import {runCli} from '../support/cli.js'
import {useSim} from '../support/sim.js'
import {drill} from './helpers.js'

const DEV = '222233334444'
const PROD = '333344445555'
/** The drill's own organization, served beside the drills' simulators for the plan below. */
const pivotOrg = await useSim({scenario: 'playbooks/scenarios/pivot-organization.yaml'})

it('contains a pivot from dev into prod across the organization and rebuilds the chain over both accounts', async () => {
  const {code, card, failed, why} = await drill('playbooks/drills/cross-account-pivot.yaml')
  expect(failed, why).toEqual([])
  expect(code, why).toBe(0)
  for (const id of ['leaked', 'ci', 'pivot', 'backdoor']) expect(card.checks.find((c) => c.name === 'attacker identity refused' && c.target === id)?.ok, id).toBe(true)
  expect(card.timing.successesAfterResponse).toBe(0)
  const chain = card.checks.find((c) => c.name === 'report shows the attacker chain')!
  expect(chain.detail).toMatch(new RegExp(`^AKIAORGDEVCI00000001 → arn:aws:iam::${DEV}:role/app-ci → arn:aws:iam::${PROD}:role/deploy-from-dev`))
}, 120_000)

it('fails with exit 5 when the response contains only the dev account, naming the surviving prod session', async () => {
  const {code, card, failed, why} = await drill('playbooks/drills/weak/dev-account-only.yaml', ['--ideal'])
  expect(code, why).toBe(5)
  expect(card.passed).toBe(false)
  expect(failed).toEqual(expect.arrayContaining(['attacker identity refused (pivot)', 'attacker identity refused (backdoor)']))
  // dev itself was contained: the gap is the account left out.
  expect(failed).not.toContain('attacker identity refused (ci)')
  expect(failed).not.toContain('attacker identity refused (leaked)')
  const pivot = card.checks.find((c) => c.name === 'attacker identity refused' && c.target === 'pivot')!
  expect(pivot.detail).toContain(`still succeeds as arn:aws:sts::${PROD}:assumed-role/deploy-from-dev/pivot`)
  expect(card.timing.successesAfterResponse).toBeGreaterThan(0)
}, 120_000)

it('the response names the whole organization: every ACTIVE account is planned, the suspended one skipped with its reason', async () => {
  // A plan only (no writes): what the drill's response sees of its organization.
  const sim = pivotOrg
  const op = sim.credentialsFor('lockdown-operator')
  const r = await runCli(['plan', 'playbooks/cross-account-pivot.yaml', '--set', 'user=dev-ci', '--set', 'role=app-ci', '--json', '--endpoint', sim.endpoint, '--journal-dir', join(mkdtempSync(join(tmpdir(), 'lockdown-pivot-')), 'j')], {
    AWS_ACCESS_KEY_ID: op.accessKeyId,
    AWS_SECRET_ACCESS_KEY: op.secretAccessKey,
  })
  expect(r.json?.error?.message).toBeUndefined()
  const accounts = r.json.accounts as Record<string, {status: string; reason?: string}>
  expect(Object.keys(accounts).sort()).toEqual(['111122223333', DEV, PROD, '555566667777'])
  for (const id of ['111122223333', DEV, PROD]) expect(accounts[id]!.status, id).toBe('planned')
  expect(accounts['555566667777']).toMatchObject({status: 'skipped', reason: expect.stringContaining('SUSPENDED')})
}, 60_000)
