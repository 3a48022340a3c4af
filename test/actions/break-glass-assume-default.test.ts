// `breakglass assume` without --format gives a responder what they expect: shell exports on stdout, for
// eval "$(lockdown breakglass assume …)". The secret is printed there and nowhere else.
import {ListRolesCommand} from '@aws-sdk/client-iam'
import {mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {expect, it} from 'vitest'

import {totp} from '../../src/sim/index.js'
import {runCli} from '../support/cli.js'
import {useSim} from '../support/sim.js'

const SEED = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP'
const sim = await useSim({scenario: 'playbooks/scenarios/demo-account.yaml'})
const dir = mkdtempSync(join(tmpdir(), 'lockdown-bg-assume-'))
const cli = (args: string[], who = sim.rootCredentials) =>
  runCli([...args, '--endpoint', sim.endpoint, '--journal-dir', dir], {
    AWS_ACCESS_KEY_ID: who.accessKeyId,
    AWS_SECRET_ACCESS_KEY: who.secretAccessKey,
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
  })

it('assume without --format prints shell exports that work, and the secret nowhere else', async () => {
  const grant = await cli(['breakglass', 'grant', '--incident', 'INC-DEF', '--responder', 'arn:aws:iam::111122223333:user/responder', '--duration', '1h', '--yes'])
  expect(grant.code).toBe(0)
  const r = await cli(['breakglass', 'assume', '--incident', 'INC-DEF', '--mfa-code', totp(SEED, Date.now())], sim.credentialsFor('responder'))
  expect(r.code).toBe(0)
  const get = (k: string) => new RegExp(`^export ${k}=(\\S+)$`, 'm').exec(r.stdout)?.[1]
  const secret = get('AWS_SECRET_ACCESS_KEY')!
  expect(secret).toBeTruthy()
  const session = sim.clientsAs({accessKeyId: get('AWS_ACCESS_KEY_ID')!, secretAccessKey: secret, sessionToken: get('AWS_SESSION_TOKEN')!})
  await expect(session.iam.send(new ListRolesCommand({}))).resolves.toBeDefined()
  // Only export lines and shell comments are on stdout (eval-able); the secret is not on stderr.
  expect(r.stdout.trim().split('\n').every((l) => l.startsWith('export ') || l.startsWith('# '))).toBe(true)
  expect(r.stderr).not.toContain(secret)

  const help = await cli(['breakglass', 'assume', '--help'])
  expect(help.stdout).toMatch(/default: shell exports/i)
})
