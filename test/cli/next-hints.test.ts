// `Next:` hints are the command the person typed, rebuilt: its --set, --journal-dir, --profile,
// --endpoint and breakglass flags stay, so pasting the hint acts on the same account and journal.
import {mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {shellQuote} from '../../src/cli/command-line.js'
import {runCli} from '../support/cli.js'
import {refusedAt, userWith} from '../support/principals.js'
import {useSim} from '../support/sim.js'

const sim = await useSim({scenario: 'playbooks/scenarios/stale-keys.yaml'})
const journalDir = mkdtempSync(join(tmpdir(), 'lockdown-hints-'))
const as = (creds: {accessKeyId: string; secretAccessKey: string}) => ({AWS_ACCESS_KEY_ID: creds.accessKeyId, AWS_SECRET_ACCESS_KEY: creds.secretAccessKey})

describe('Next: hints', () => {
  it('without a terminal, run names itself again with every flag typed, plus --yes', async () => {
    const r = await runCli(['run', 'test/fixtures/playbooks/continue-on-error.yaml', '--set', 'go=false', '--journal-dir', journalDir, '--profile', 'ir', '--json'])
    expect(r.code).toBe(2)
    expect(r.json.error.next).toBe(`review the plan, then run: lockdown run test/fixtures/playbooks/continue-on-error.yaml --set go=false --journal-dir ${journalDir} --profile ir --json --yes`)
  })

  it('a partly applied run names --resume and undo with the same --set, endpoint and journal', async () => {
    // Passes the permission preflight, then IAM refuses the writes on these users (a resource-scoped deny).
    const alice = await userWith(sim, 'hint-user', refusedAt(['iam:UpdateAccessKey'], 'arn:aws:iam::444455556666:user/*'))
    const args = ['run', 'test/fixtures/playbooks/continue-on-error.yaml', '--set', 'go=false', '--yes', '--endpoint', sim.endpoint, '--journal-dir', journalDir, '--json']
    const r = await runCli(args, as(alice))
    expect(r.code, r.stdout).toBe(4)
    const runId = r.json.error.detail.runId as string
    expect(r.json.error.next).toBe(
      `lockdown run test/fixtures/playbooks/continue-on-error.yaml --set go=false --endpoint ${sim.endpoint} --journal-dir ${journalDir} --json --resume ${runId} --yes   # retry what failed   |   ` +
        `lockdown undo ${runId} --endpoint ${sim.endpoint} --journal-dir ${journalDir}   # revert what applied`,
    )
  })

  it('undo and breakglass grant without a terminal keep their flags', async () => {
    const undo = await runCli(['undo', '20261126T091500Z-3fa2', '--journal-dir', journalDir, '--json'])
    expect(undo.json.error.next).toBe(`review the plan, then run: lockdown undo 20261126T091500Z-3fa2 --journal-dir ${journalDir} --json --yes`)
    const grant = await runCli(['breakglass', 'grant', '--incident', 'INC-7', '--responder', 'arn:aws:iam::111122223333:user/alice', '--duration', '2h', '--role', 'bg-inc-7', '--json'])
    expect(grant.json.error.next).toBe(
      'review the plan, then run: lockdown breakglass grant --incident INC-7 --responder arn:aws:iam::111122223333:user/alice --duration 2h --role bg-inc-7 --json --yes',
    )
  })

  it('quotes what a shell would split or expand', () => {
    expect(shellQuote(['run', 'my playbook.yaml', '--set', "note=it's $HOME", '--set=a=b'])).toBe(`run 'my playbook.yaml' --set 'note=it'\\''s $HOME' --set=a=b`)
  })
})
