// A drill against a "real" sandbox: here a second simulated account reached only through --endpoint,
// so the drill must seed it through IAM APIs, run, and leave it exactly as it found it.
import {expect, it} from 'vitest'

import {useSim} from '../support/sim.js'
import {drill} from './helpers.js'

const sandbox = await useSim({scenario: 'playbooks/scenarios/empty-account.yaml'})
const env = {AWS_ACCESS_KEY_ID: sandbox.rootCredentials.accessKeyId, AWS_SECRET_ACCESS_KEY: sandbox.rootCredentials.secretAccessKey}
const iamState = () => {
  const s = sandbox.snapshot() as {users: unknown[]; roles: unknown[]; policies: unknown[]}
  return {users: s.users, roles: s.roles, policies: s.policies}
}

it('refuses credentials for another account than --sandbox-account (exit 3), creating nothing', async () => {
  const before = iamState()
  const r = await drill('playbooks/drills/compromised-role-chain.yaml', ['--endpoint', sandbox.endpoint, '--sandbox-account', '999999999999'], env)
  expect(r.code).toBe(3)
  expect(r.error).toMatch(/the credentials are for account 210987654321, not the sandbox 999999999999/)
  expect(iamState()).toEqual(before)
})

it('seeds the sandbox through IAM, contains the attack, and removes everything it created', async () => {
  const before = iamState()
  const {code, card, failed, why} = await drill('playbooks/drills/compromised-role-chain.yaml', ['--endpoint', sandbox.endpoint, '--sandbox-account', '210987654321'], env)
  expect(failed, why).toEqual([])
  expect(code, why).toBe(0)
  expect(card.target).toContain('sandbox account 210987654321')
  expect(card.revert).toMatchObject({ok: true})
  expect(iamState()).toEqual(before)
  // Everything the drill created carried its tag (the trail shows the creations).
  const creates = sandbox.records().filter((r) => ['CreateUser', 'CreateRole', 'CreatePolicy'].includes(r.eventName as string)) as {requestParameters: {tags?: {key: string}[]}}[]
  expect(creates.length).toBeGreaterThan(3)
  for (const c of creates) expect(c.requestParameters.tags?.map((t) => t.key)).toContain('lockdown:drill')
  // Forensics asks LookupEvents for 29 event names at 2 requests/s (about 15 s) on top of the drill itself.
}, 90_000)
