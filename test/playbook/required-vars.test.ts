// Variables a person must give: a shipped incident playbook has no demo default to contain the wrong
// principal with, and a --set that names no variable is a typo, not a silent no-op.
import {describe, expect, it} from 'vitest'

import {runCli} from '../support/cli.js'
import {useSim} from '../support/sim.js'

const sim = await useSim({scenario: 'playbooks/scenarios/demo-account.yaml'})
const cli = (args: string[]) =>
  runCli([...args, '--endpoint', sim.endpoint], {AWS_ACCESS_KEY_ID: sim.rootCredentials.accessKeyId, AWS_SECRET_ACCESS_KEY: sim.rootCredentials.secretAccessKey})

describe('required variables', () => {
  it('refuses to plan a shipped playbook without its required --set, naming each one and where it is declared', async () => {
    const r = await cli(['plan', 'playbooks/leaked-access-key.yaml'])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/playbooks\/leaked-access-key\.yaml:\d+:\d+: vars\.user: variable 'user' is required \(the leaked key's owner/)
    expect(r.stderr).toContain("variable 'key' is required")
    expect(r.stderr).toContain('Next: add --set user=VALUE --set key=VALUE to the command')
  })

  it('names only the one still missing', async () => {
    const r = await cli(['plan', 'playbooks/leaked-access-key.yaml', '--set', 'user=ci-deploy', '--json'])
    expect(r.code).toBe(2)
    expect(r.json.error.next).toBe('add --set key=VALUE to the command')
  })

  it.each(['leaked-access-key', 'compromised-role-chain', 'persistence-backdoor-key', 'break-glass'])('%s: plan without --set is exit 2', async (name) => {
    const r = await cli(['plan', `playbooks/${name}.yaml`, '--json'])
    expect(r.code).toBe(2)
    expect(r.json.error.next).toMatch(/^add --set \w+=VALUE/)
  })

  it('plans once the values are given', async () => {
    const r = await cli(['plan', 'playbooks/leaked-access-key.yaml', '--set', 'user=ci-deploy', '--set', 'key=AKIASIMCIDEPLOY00001', '--json'])
    expect(r.code).toBe(0)
    expect(r.json.steps[1].changes[0].target).toMatch(/accesskey\/AKIASIMCIDEPLOY00001$/)
  })

  it('validate and permissions need no values (they depend on the actions), and validate says what plan will need', async () => {
    const v = await runCli(['validate', 'playbooks/leaked-access-key.yaml'])
    expect(v.code).toBe(0)
    expect(v.stdout).toContain('plan and run need --set user=VALUE --set key=VALUE')
    const p = await runCli(['permissions', 'playbooks/break-glass.yaml', '--json'])
    expect(p.code).toBe(0)
    expect(p.json.Statement[0].Action).toContain('iam:CreateRole')
  })

  it('still checks a deferred step once its values are given', async () => {
    const v = await runCli(['validate', 'playbooks/leaked-access-key.yaml', '--set', 'user=x', '--set', 'key=not-a-key'])
    expect(v.code).toBe(2)
    expect(v.stderr).toMatch(/steps\[1\]\.with\.keys\[0\] \(step 'leaked-key'\): expected a long-term access key id/)
  })
})

describe('--set of a variable the playbook does not have', () => {
  it('is exit 2 with a did-you-mean, before any AWS call', async () => {
    const before = sim.records().length
    const r = await cli(['plan', 'playbooks/leaked-access-key.yaml', '--set', 'usr=ci-deploy', '--set', 'key=AKIASIMCIDEPLOY00001'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain("--set usr=…: playbooks/leaked-access-key.yaml has no variable 'usr'; did you mean 'user'?")
    expect(r.stderr).toContain('its variables: incident, user, key')
    expect(sim.records().length).toBe(before)
  })

  it('is refused by validate too', async () => {
    const r = await runCli(['validate', 'playbooks/compromised-role-chain.yaml', '--set', 'rol=app-web', '--json'])
    expect(r.code).toBe(2)
    expect(r.json.error.message).toContain("did you mean 'role'?")
  })
})
