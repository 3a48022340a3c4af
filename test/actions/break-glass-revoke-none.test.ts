// `breakglass revoke` of an incident that has no grant is a typo or the wrong account: exit 2 naming
// the grants that do exist, not "0 changes" (which reads as "ended").
import {mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {expect, it} from 'vitest'

import {runCli} from '../support/cli.js'
import {useSim} from '../support/sim.js'

const sim = await useSim({scenario: 'playbooks/scenarios/demo-account.yaml'})
const dir = mkdtempSync(join(tmpdir(), 'lockdown-bg-none-'))
const cli = (args: string[]) =>
  runCli([...args, '--json', '--endpoint', sim.endpoint, '--journal-dir', dir], {
    AWS_ACCESS_KEY_ID: sim.rootCredentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: sim.rootCredentials.secretAccessKey,
  })

it('revoke of an incident with no grant is exit 2 naming the incidents that have one', async () => {
  const none = await cli(['breakglass', 'revoke', '--incident', 'INC-NOPE', '--yes'])
  expect(none.code).toBe(2)
  expect(none.json.error.message).toContain("no break-glass grant for incident 'INC-NOPE' in account 111122223333")
  const grant = await cli(['breakglass', 'grant', '--incident', 'INC-1', '--responder', 'arn:aws:iam::111122223333:user/responder', '--duration', '1h', '--yes'])
  expect(grant.code).toBe(0)
  const typo = await cli(['breakglass', 'revoke', '--incident', 'INC-11', '--yes'])
  expect(typo.code).toBe(2)
  expect(typo.json.error.message).toContain('(grants exist for: INC-1)')
  const real = await cli(['breakglass', 'revoke', '--incident', 'INC-1', '--yes'])
  expect(real.code).toBe(0)
})
