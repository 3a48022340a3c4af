// Permissions are proven, not listed: every action's example and every shipped playbook runs in the
// simulated account as a principal holding ONLY the policy `lockdown permissions` prints for it, and
// without any one of those permissions the plan is refused (exit 3) naming it, before any write.
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {CreateAccessKeyCommand, CreateUserCommand, PutUserPolicyCommand} from '@aws-sdk/client-iam'
import {describe, expect, it} from 'vitest'

import {ACTIONS} from '../../src/actions/index.js'
import {runCli} from '../support/cli.js'
import {useSim} from '../support/sim.js'

const sim = await useSim({scenario: 'playbooks/scenarios/demo-account.yaml'})
// Actions that need an organization (revoke-org writes SCPs) prove their example in its management account.
const orgSim = await useSim({scenario: 'playbooks/scenarios/organization.yaml'})
const IN_ORGANIZATION = new Set(['revoke-org'])
const dir = mkdtempSync(join(tmpdir(), 'lockdown-perms-'))
const journalDir = join(dir, 'journal')
await sim.clients.iam.send(new CreateUserCommand({UserName: 'alice'})) // the break-glass example's responder
let users = 0

/** run and plan write reports; --reports-dir lets them write under the test's folder. */
const flags = (args: string[], on = sim) => [...args, '--endpoint', on.endpoint, '--journal-dir', journalDir, ...(['run', 'plan'].includes(args[0]) ? ['--reports-dir', dir] : [])]
const rootCli = (args: string[]) =>
  runCli(flags(args), {
    AWS_ACCESS_KEY_ID: sim.rootCredentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: sim.rootCredentials.secretAccessKey,
  })

/** A fresh user holding exactly `actions`, and a CLI signed as that user. */
async function principalWith(actions: string[], on = sim) {
  const name = `proof-${++users}`
  const grant = (list: string[]) =>
    on.clients.iam.send(
      new PutUserPolicyCommand({
        UserName: name,
        PolicyName: 'lockdown',
        PolicyDocument: JSON.stringify({Version: '2012-10-17', Statement: [{Effect: 'Allow', Action: list, Resource: '*'}]}),
      }),
    )
  await on.clients.iam.send(new CreateUserCommand({UserName: name}))
  await grant(actions)
  const key = (await on.clients.iam.send(new CreateAccessKeyCommand({UserName: name}))).AccessKey!
  const cli = (args: string[]) =>
    runCli(flags(args, on), {
      AWS_ACCESS_KEY_ID: key.AccessKeyId!,
      AWS_SECRET_ACCESS_KEY: key.SecretAccessKey!,
    })
  return {cli, grant}
}

/** Runs FILE as a principal holding its generated policy, then takes each permission away in turn. */
async function prove(file: string, set: string[], needsOwnSimulation: boolean, on = sim) {
  const policy = (await runCli(['permissions', file, '--json'])).json
  const actions: string[] = policy.Statement[0].Action
  const {cli, grant} = await principalWith(actions, on)

  const run = await cli(['run', file, ...set, '--yes', '--json'])
  expect(run.json?.error?.message, 'the run as a principal holding exactly `lockdown permissions`').toBeUndefined()
  expect(run.code).toBe(0)
  expect(run.json.status).toBe('done')
  expect(run.json.plan.permissionCheck.checked).toBe(true)
  const undo = await cli(['undo', run.json.runId, '--yes', '--json'])
  expect(undo.json?.error?.message, 'undo').toBeUndefined()
  expect(undo.code).toBe(0)

  for (const missing of actions) {
    await grant(actions.filter((a) => a !== missing))
    const plan = await cli(['plan', file, ...set, '--json'])
    if (missing === 'iam:SimulatePrincipalPolicy' && !needsOwnSimulation) {
      // Only the preflight needed it: the plan goes on and says plainly that it could not check.
      expect(plan.json?.error?.message, missing).toBeUndefined()
      expect(plan.json.permissionCheck).toMatchObject({checked: false, detail: expect.stringContaining('could not check')})
      continue
    }
    expect(plan.code, `plan without ${missing}`).toBe(3)
    expect(plan.json.error.message).toContain(missing)
    expect(plan.json.error.next).toBe(`grant the policy from: lockdown permissions ${file}   (then plan again)`)
  }
}

describe.each(ACTIONS.map((a) => [a.name, a] as const))('action %s: its example, with exactly its permissions', (name, action) => {
  it('succeeds, and fails with exit 3 naming each permission taken away', async () => {
    let example = action.example
    let cleanup: (() => Promise<unknown>) | undefined
    // The report goes under reports/ (ignored by git), the example's own folder.
    if (name === 'forensics') example = example.replace(/report: .*/, 'report: "reports/permissions-proof-${incident}.md"')
    if (name === 'break-glass-revoke') {
      // Something to end: the break-glass example's grant for the same incident.
      const grant = join(dir, 'grant.yaml')
      writeFileSync(grant, `version: 1\nname: grant\nincident: INC-2041\nsteps:\n${ACTIONS.find((a) => a.name === 'break-glass')!.example.replace(/^/gm, '  ')}\n`)
      const granted = await rootCli(['run', grant, '--yes', '--json'])
      expect(granted.code).toBe(0)
      cleanup = async () => {
        const u = await rootCli(['undo', granted.json.runId, '--yes', '--json'])
        expect(u.json?.error?.message, 'undo of the grant').toBeUndefined()
      }
    }
    const file = join(dir, `${name}.yaml`)
    writeFileSync(file, `version: 1\nname: ${name}-example\nincident: INC-2041\nsteps:\n${example.replace(/^/gm, '  ')}\n`)
    try {
      await prove(file, [], action.permissions.includes('iam:SimulatePrincipalPolicy'), IN_ORGANIZATION.has(name) ? orgSim : sim)
    } finally {
      await cleanup?.()
    }
  })
})

describe('shipped playbooks, with exactly their permissions', () => {
  it.each([
    ['leaked-access-key', ['--set', 'user=ci-deploy', '--set', 'key=AKIASIMCIDEPLOY00001']],
    ['compromised-role-chain', ['--set', 'user=ci-deploy', '--set', 'role=app-web']],
    ['persistence-backdoor-key', ['--set', 'user=ci-deploy', '--set', 'role=app-web']],
    ['break-glass', ['--set', 'responder=arn:aws:iam::111122223333:user/responder']],
  ])('%s', async (name, set) => {
    await prove(`playbooks/${name}.yaml`, set, true)
  })
})

describe('the caller is checked before any write', () => {
  it('an analyst with SecurityAudit gets exit 3 naming what is missing, not a clean plan and then exit 4', async () => {
    const analyst = sim.credentialsFor('analyst')
    const r = await runCli(flags(['run', 'playbooks/leaked-access-key.yaml', '--set', 'user=ci-deploy', '--set', 'key=AKIASIMCIDEPLOY00001', '--yes', '--json']), {
      AWS_ACCESS_KEY_ID: analyst.accessKeyId,
      AWS_SECRET_ACCESS_KEY: analyst.secretAccessKey,
    })
    expect(r.code).toBe(3)
    expect(r.json.error.message).toMatch(/user\/analyst lacks \d+ permissions this plan needs: .*iam:PutUserPolicy.*iam:UpdateAccessKey/)
    expect(r.json.error.next).toBe('grant the policy from: lockdown permissions playbooks/leaked-access-key.yaml   (then plan again)')
    const records = sim.records() as {eventName: string; userIdentity?: {userName?: string}}[]
    expect(records.filter((x) => x.userIdentity?.userName === 'analyst').map((x) => x.eventName)).toEqual(['GetCallerIdentity', 'SimulatePrincipalPolicy'])
  })
})
