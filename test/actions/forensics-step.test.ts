// The forensics step in a playbook, against the simulated account's own trail: after a revocation the
// report shows who got into which role through which key, and the AccessDenied that proves containment.
import {ListRolesCommand} from '@aws-sdk/client-iam'
import {AssumeRoleCommand} from '@aws-sdk/client-sts'
import {mkdtempSync, readFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {expect, it} from 'vitest'

import {runCli} from '../support/cli.js'
import {useSim} from '../support/sim.js'

const sim = await useSim({scenario: 'playbooks/scenarios/demo-account.yaml'})
const dir = mkdtempSync(join(tmpdir(), 'lockdown-evidence-'))
const cli = (args: string[]) =>
  runCli([...args, '--endpoint', sim.endpoint, '--journal-dir', join(dir, 'j')], {AWS_ACCESS_KEY_ID: sim.rootCredentials.accessKeyId, AWS_SECRET_ACCESS_KEY: sim.rootCredentials.secretAccessKey})

it('writes a report naming the attacker session and its denial after the revoke', async () => {
  const ci = sim.clientsAs(sim.credentialsFor('ci-deploy'))
  const c = (await ci.sts.send(new AssumeRoleCommand({RoleArn: 'arn:aws:iam::111122223333:role/app-web', RoleSessionName: 'intruder'}))).Credentials!
  const web = sim.clientsAs({accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken!})
  await web.iam.send(new ListRolesCommand({}))
  const revoke = await cli(['run', 'test/fixtures/playbooks/revoke-chain.yaml', '--yes', '--json'])
  expect(revoke.code).toBe(0)
  await expect(web.iam.send(new ListRolesCommand({}))).rejects.toMatchObject({name: 'AccessDenied'})

  const out = join(dir, 'evidence.md')
  const r = await cli(['run', 'test/fixtures/playbooks/evidence.yaml', '--set', `out=${out}`, '--reports-dir', dir, '--yes', '--json'])
  expect(r.code).toBe(0)
  const md = readFileSync(out, 'utf8')
  expect(md).toContain(c.AccessKeyId!)
  expect(md).toMatch(/user\/ci-deploy \| intruder \| role\/app-web/)
  expect(md).toContain('AccessDenied')
  // The forensics step asks LookupEvents for 29 event names at 2 requests/s (about 15 s).
}, 60_000)
