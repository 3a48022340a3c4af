// Handover: `lockdown status` tells from the account itself (an empty journal directory) what lockdown
// did — revocations with their runs and cutoffs, keys it holds Inactive, break-glass grants — and which
// revocations are no-ops now; `lockdown tidy` removes those, journaled, and undo puts them back.
import {mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {runCli} from '../support/cli.js'
import {useSim} from '../support/sim.js'

const ACCT = '111122223333'
const sim = await useSim({scenario: 'playbooks/scenarios/demo-account.yaml'})
const env = {AWS_ACCESS_KEY_ID: sim.rootCredentials.accessKeyId, AWS_SECRET_ACCESS_KEY: sim.rootCredentials.secretAccessKey}
const first = mkdtempSync(join(tmpdir(), 'lockdown-shift1-'))
const cli = (args: string[], dir = first) => runCli([...args, '--endpoint', sim.endpoint, '--journal-dir', dir], env)

describe('handover', () => {
  it('status reads what lockdown did from the account; tidy removes no-op revocations and undo restores them', async () => {
    const old = await cli(['run', 'test/fixtures/playbooks/revoke-app-web-13h-ago.yaml', '--yes', '--json'])
    expect(old.code).toBe(0)
    const live = await cli(['run', 'test/fixtures/playbooks/contain-app-web.yaml', '--yes', '--json'])
    expect(live.code).toBe(0)
    const grant = await cli(['run', 'test/fixtures/playbooks/grant-responder.yaml', '--yes', '--json'])
    expect(grant.code).toBe(0)

    // The next responder, with an empty laptop.
    const second = mkdtempSync(join(tmpdir(), 'lockdown-shift2-'))
    const s = await cli(['status', '--json'], second)
    expect(s.code).toBe(0)
    const web = s.json.revocations.find((r: {name: string}) => r.name === 'app-web')
    expect(web.parts.map((p: {run: string; noOp: boolean}) => [p.run, p.noOp])).toEqual([
      [old.json.runId, true],
      [live.json.runId, false],
    ])
    expect(web.noOp).toBe(false)
    expect(s.json.keys).toEqual([{user: 'ci-legacy', accessKeyId: 'AKIASIMCILEGACY00001', status: 'Inactive', runs: [live.json.runId]}])
    expect(s.json.grants).toEqual([expect.objectContaining({role: 'lockdown-break-glass', incident: 'INC-TEST', run: grant.json.runId, open: true, responders: [`arn:aws:iam::${ACCT}:user/responder`]})])
    const human = await cli(['status'], second)
    expect(human.stdout).toContain(`run ${old.json.runId}: sessions issued before`)
    expect(human.stdout).toContain('(no-op)')

    const tidy = await cli(['tidy', '--yes', '--json'], second)
    expect(tidy.code).toBe(0)
    expect(tidy.json.applied).toBe(1)
    const after = await cli(['status', '--json'], second)
    expect(after.json.revocations.find((r: {name: string}) => r.name === 'app-web').parts.map((p: {run: string}) => p.run)).toEqual([live.json.runId])

    const undone = await cli(['undo', tidy.json.runId, '--yes', '--json'], second)
    expect(undone.code).toBe(0)
    const back = await cli(['status', '--json'], second)
    expect(back.json.revocations.find((r: {name: string}) => r.name === 'app-web').parts.map((p: {run: string}) => p.run).sort()).toEqual([old.json.runId, live.json.runId].sort())
    for (const r of [grant, live, old]) expect((await cli(['undo', r.json.runId, '--yes'])).code).toBe(0)
    expect((await cli(['status', '--json'], second)).json).toMatchObject({revocations: [], keys: [], grants: []})
  })
})
