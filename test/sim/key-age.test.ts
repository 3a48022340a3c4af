// A scenario's key dates count back from now, as every scenario date does: ci-legacy's `-30d` key is 30
// days old, not 30 days younger than a 900-day-old user. Age filters in drills depend on it.
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {listAccessKeys} from '../../src/aws/iam-users.js'
import {runCli} from '../support/cli.js'
import {useSim} from '../support/sim.js'

const sim = await useSim({scenario: 'playbooks/scenarios/demo-account.yaml'})
const DAY = 86_400_000

describe('scenario key dates', () => {
  it('ListAccessKeys reports a -30d key as created 30 days ago, whatever its user\'s age', async () => {
    const keys = await listAccessKeys(sim.clients.iam, 'ci-legacy')
    const age = (id: string) => Math.round((Date.now() - Date.parse(keys.find((k) => k.accessKeyId === id)!.createDate)) / DAY)
    expect(age('AKIASIMCILEGACY00001')).toBe(800)
    expect(age('AKIASIMCILEGACY00002')).toBe(30)
  })

  it('an olderThan filter on the drill account selects the old key only', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lockdown-age-'))
    const file = join(dir, 'old-keys.yaml')
    writeFileSync(file, 'version: 1\nname: old-keys\nsteps:\n  - id: old\n    action: deactivate-keys\n    with: {users: [ci-legacy], olderThan: 90d}\n')
    const r = await runCli(['plan', file, '--json', '--endpoint', sim.endpoint], {
      AWS_ACCESS_KEY_ID: sim.rootCredentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: sim.rootCredentials.secretAccessKey,
    })
    expect(r.code).toBe(0)
    expect(r.json.steps[0].changes.map((c: {target: string}) => c.target.split('/').pop())).toEqual(['AKIASIMCILEGACY00001'])
    expect(r.json.steps[0].changes[0].summary).toContain('age 800d')
  })
})
