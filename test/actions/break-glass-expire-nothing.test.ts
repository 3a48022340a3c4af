// `breakglass expire --yes` runs from a 5-minute cron: when nothing has expired it says so and journals
// nothing (an empty run every 5 minutes is 288 a day of noise in `lockdown runs`); when a grant has
// expired it is still one journaled, undoable run.
import {TagRoleCommand} from '@aws-sdk/client-iam'
import {mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {expect, it} from 'vitest'

import {runCli} from '../support/cli.js'
import {useSim} from '../support/sim.js'

const sim = await useSim({scenario: 'playbooks/scenarios/demo-account.yaml'})
const dir = mkdtempSync(join(tmpdir(), 'lockdown-bg-expire-'))
const cli = (args: string[]) =>
  runCli([...args, '--endpoint', sim.endpoint, '--journal-dir', dir], {
    AWS_ACCESS_KEY_ID: sim.rootCredentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: sim.rootCredentials.secretAccessKey,
  })
const runIds = async () => ((await cli(['runs', '--json'])).json.runs as {runId: string}[]).map((r) => r.runId)

it('expire --yes with nothing expired says so, exits 0 and journals no run', async () => {
  const empty = await cli(['breakglass', 'expire', '--yes'])
  expect(empty.code).toBe(0)
  expect(empty.stdout + empty.stderr).toMatch(/nothing expired/i)
  expect(await runIds()).toEqual([])

  const grant = await cli(['breakglass', 'grant', '--incident', 'INC-EXP', '--responder', 'arn:aws:iam::111122223333:user/responder', '--duration', '15m', '--yes', '--json'])
  expect(grant.code).toBe(0)
  const afterGrant = await runIds()
  expect(afterGrant).toHaveLength(1)

  // An open grant is not expired: still no run, under --json too (the cron line).
  const open = await cli(['breakglass', 'expire', '--yes', '--json'])
  expect(open.code).toBe(0)
  expect(open.json).toMatchObject({status: 'nothing', applied: 0})
  expect(await runIds()).toEqual(afterGrant)

  // Past its expiry (the role's lockdown:expires tag, which expire reads first, set 1 min ago) the
  // grant is ended, as one journaled run.
  await sim.clients.iam.send(new TagRoleCommand({RoleName: 'lockdown-break-glass', Tags: [{Key: 'lockdown:expires', Value: new Date(Date.now() - 60_000).toISOString()}]}))
  const ended = await cli(['breakglass', 'expire', '--yes', '--json'])
  expect(ended.code).toBe(0)
  expect(ended.json).toMatchObject({status: 'done', applied: 1})
  expect(await runIds()).toHaveLength(2)
})
