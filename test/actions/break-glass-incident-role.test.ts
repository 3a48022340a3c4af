// A grant's role belongs to its incident: a second incident must not take over the first one's closed
// grant on the default role (its responders and its sessions would be credited to the second incident).
import {mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {expect, it} from 'vitest'

import {totp} from '../../src/sim/index.js'
import {runCli} from '../support/cli.js'
import {useSim} from '../support/sim.js'

const SEED = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP'
const RESPONDER = 'arn:aws:iam::111122223333:user/responder'
const sim = await useSim({scenario: 'playbooks/scenarios/demo-account.yaml'})
const dir = mkdtempSync(join(tmpdir(), 'lockdown-bg-incident-'))
const cli = (args: string[], who = sim.rootCredentials) =>
  runCli([...args, '--json', '--endpoint', sim.endpoint, '--journal-dir', dir], {
    AWS_ACCESS_KEY_ID: who.accessKeyId,
    AWS_SECRET_ACCESS_KEY: who.secretAccessKey,
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
  })

it("a grant for incident B does not take over incident A's closed role; B gets its own and list credits each", async () => {
  expect((await cli(['breakglass', 'grant', '--incident', 'INC-A', '--responder', RESPONDER, '--duration', '1h', '--yes'])).code).toBe(0)
  expect((await cli(['breakglass', 'revoke', '--incident', 'INC-A', '--yes'])).code).toBe(0)

  const takeover = await cli(['breakglass', 'grant', '--incident', 'INC-B', '--responder', RESPONDER, '--duration', '1h', '--yes'])
  expect(takeover.code).toBe(2)
  expect(takeover.json.error.message).toContain('break-glass role lockdown-break-glass belongs to incident INC-A (closed)')
  expect(takeover.json.error.next).toContain('--role lockdown-break-glass-INC-B')

  const own = await cli(['breakglass', 'grant', '--incident', 'INC-B', '--responder', RESPONDER, '--duration', '1h', '--role', 'lockdown-break-glass-INC-B', '--yes'])
  expect(own.code).toBe(0)
  const assumed = await cli(['breakglass', 'assume', '--incident', 'INC-B', '--mfa-code', totp(SEED, Date.now()), '--write-profile', 'inc-b'], sim.credentialsFor('responder'))
  expect(assumed.code).toBe(0)
  expect(assumed.json.roleArn).toBe('arn:aws:iam::111122223333:role/lockdown/lockdown-break-glass-INC-B')

  const grants = (await cli(['breakglass', 'list'])).json.grants as {role: string; incident: string; open: boolean; lastAssumed?: {by: string}}[]
  const byRole = Object.fromEntries(grants.map((g) => [g.role, g]))
  expect(byRole['lockdown-break-glass']).toMatchObject({incident: 'INC-A', open: false})
  expect(byRole['lockdown-break-glass'].lastAssumed).toBeUndefined()
  expect(byRole['lockdown-break-glass-INC-B']).toMatchObject({incident: 'INC-B', open: true, lastAssumed: {by: 'responder'}})
})
