// Residual-risk notes are judged across the whole playbook: a note telling the responder to add a step
// the playbook already has is a false warning, and false warnings teach people to skip the real ones.
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {runCli} from '../support/cli.js'
import {useSim} from '../support/sim.js'

const sim = await useSim({scenario: 'playbooks/scenarios/demo-account.yaml'})
const dir = mkdtempSync(join(tmpdir(), 'lockdown-notes-'))
const plan = async (args: string[]) => {
  const r = await runCli(['plan', ...args, '--json', '--endpoint', sim.endpoint], {
    AWS_ACCESS_KEY_ID: sim.rootCredentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: sim.rootCredentials.secretAccessKey,
  })
  expect(r.code).toBe(0)
  return (r.json.steps as {notes: string[]}[]).flatMap((s) => s.notes)
}
const playbook = (name: string, steps: string) => {
  const file = join(dir, `${name}.yaml`)
  writeFileSync(file, `version: 1\nname: ${name}\nsteps:\n${steps}`)
  return file
}

describe('residual-risk notes across steps', () => {
  it('compromised-role-chain: no "add a deactivate-keys / revoke-sessions step" when the playbook has both', async () => {
    const notes = await plan(['playbooks/compromised-role-chain.yaml', '--set', 'user=ci-deploy', '--set', 'role=app-web'])
    expect(notes.filter((n) => /add a deactivate-keys step|pair with deactivate-keys|add a revoke-sessions step|set followChains/.test(n))).toEqual([])
  })

  it('leaked-access-key: the key step and the session step cover each other', async () => {
    const notes = await plan(['playbooks/leaked-access-key.yaml', '--set', 'user=ci-deploy', '--set', 'key=AKIASIMCIDEPLOY00001'])
    expect(notes.filter((n) => /pair with deactivate-keys|add a revoke-sessions step/.test(n))).toEqual([])
  })

  it('keeps a note for what no step covers, naming only the uncovered principals', async () => {
    const alone = await plan([playbook('keys-alone', '  - id: keys\n    action: deactivate-keys\n    with: {users: [ci-deploy, ci-legacy]}\n')])
    expect(alone).toContainEqual(expect.stringContaining('add a revoke-sessions step for users: [ci-deploy, ci-legacy]'))
    const half = await plan([
      playbook(
        'keys-half',
        '  - id: sessions\n    action: revoke-sessions\n    with: {users: [ci-deploy]}\n  - id: keys\n    action: deactivate-keys\n    with: {users: [ci-deploy, ci-legacy]}\n',
      ),
    ])
    expect(half).toContainEqual(expect.stringContaining('add a revoke-sessions step for users: [ci-legacy]'))
  })

  it('no "set followChains" for a chained role another step revokes; still said when none does', async () => {
    const web = '  - id: web\n    action: revoke-sessions\n    with: {roles: [app-web]}\n'
    expect(await plan([playbook('web-only', web)])).toContainEqual(expect.stringMatching(/chained into app-data.*set followChains: true/))
    const both = await plan([playbook('web-and-data', `${web}  - id: data\n    action: revoke-sessions\n    with: {roles: [app-data]}\n`)])
    expect(both.filter((n) => n.includes('followChains'))).toEqual([])
  })
})
