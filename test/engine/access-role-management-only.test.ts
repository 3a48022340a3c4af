// The access role gets what a step calls in a member account, not what it calls from the management
// account: revoke-org writes its SCP with the caller's credentials, and in a member account only lists
// roles and simulates them. Proven in the simulated organization: a member-account role holding exactly
// `lockdown permissions --for access-role` lets the run verify the SCP there, with no Organizations action.
import {CreateRoleCommand, PutRolePolicyCommand} from '@aws-sdk/client-iam'
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {runCli} from '../support/cli.js'
import {useSim} from '../support/sim.js'

const sim = await useSim({scenario: 'playbooks/scenarios/organization.yaml'})
const responder = sim.credentialsFor('responder')
const env = {AWS_ACCESS_KEY_ID: responder.accessKeyId, AWS_SECRET_ACCESS_KEY: responder.secretAccessKey}
const dir = mkdtempSync(join(tmpdir(), 'lockdown-access-mgmt-'))
const DEV = '222233334444'
const ROLE = 'lockdown-scp-access'
const file = join(dir, 'org-scp.yaml')
writeFileSync(
  file,
  `version: 1\nname: org-scp\naccounts: [current, "${DEV}"]\naccess: {role: ${ROLE}}\nsteps:\n  - id: contain-org\n    action: revoke-org\n    with: {targets: ["${DEV}"], roles: [app-*]}\n`,
)
const cli = (args: string[]) => runCli([...args, '--endpoint', sim.endpoint, '--journal-dir', dir], env)

describe('the access role of a revoke-org playbook', () => {
  it('holds no Organizations action, while the caller’s policy has the SCP writes', async () => {
    const role = await cli(['permissions', file, '--for', 'access-role', '--json'])
    expect(role.code, role.stderr).toBe(0)
    const roleActions: string[] = role.json.Statement.flatMap((s: {Action: string[]}) => s.Action)
    expect(roleActions.filter((a) => a.startsWith('organizations:'))).toEqual([])
    expect(roleActions).toEqual(expect.arrayContaining(['iam:ListRoles', 'iam:SimulatePrincipalPolicy']))
    const caller = await cli(['permissions', file, '--json'])
    const callerActions: string[] = caller.json.Statement.flatMap((s: {Action: string[]}) => s.Action)
    expect(callerActions).toEqual(expect.arrayContaining(['organizations:CreatePolicy', 'organizations:AttachPolicy']))
  })

  it('is enough in the member account: the run is checked there, writes the SCP and proves it by simulation', async () => {
    const policy = (await cli(['permissions', file, '--for', 'access-role', '--json'])).json
    const iam = sim.clientsIn(DEV).iam
    const trust = {Version: '2012-10-17', Statement: [{Effect: 'Allow', Principal: {AWS: 'arn:aws:iam::111122223333:root'}, Action: ['sts:AssumeRole', 'sts:SetSourceIdentity']}]}
    await iam.send(new CreateRoleCommand({RoleName: ROLE, AssumeRolePolicyDocument: JSON.stringify(trust)}))
    await iam.send(new PutRolePolicyCommand({RoleName: ROLE, PolicyName: 'lockdown', PolicyDocument: JSON.stringify(policy)}))

    const run = await cli(['run', file, '--yes', '--json'])
    expect(run.json?.error?.message, run.stderr).toBeUndefined()
    expect(run.code).toBe(0)
    expect(run.json.plan.accounts[DEV].permissionCheck).toMatchObject({checked: true})
    const proofs = run.json.checks.filter((c: {name: string}) => c.name.includes(DEV))
    expect(proofs.length, JSON.stringify(run.json.checks)).toBeGreaterThan(0)
    expect(proofs.every((c: {ok: boolean}) => c.ok), JSON.stringify(proofs)).toBe(true)
  })
})

describe('a revoke-org playbook whose accounts: leave out the management account', () => {
  it('is refused with exit 3 before any write, saying to add current, instead of the access role’s AccessDenied', async () => {
    const members = join(dir, 'members-only.yaml')
    writeFileSync(members, `version: 1\nname: members-only\naccounts: ["${DEV}"]\nsteps:\n  - id: contain-org\n    action: revoke-org\n    with: {targets: ["${DEV}"], roles: [app-*]}\n`)
    const r = await cli(['plan', members, '--json'])
    expect(r.code, r.stderr).toBe(3)
    expect(r.json.error.message).toContain("leave out your account 111122223333")
    expect(r.json.error.message).toContain(`add current to accounts: (accounts: [current, ${DEV}])`)
  })
})
