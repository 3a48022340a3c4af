// `lockdown permissions FILE` for a playbook over accounts: the caller's policy (discovery, AssumeRole on
// the access role only), the access role's, and the StackSets template — proven in the simulated
// organization: a role deployed from the template (its trust and policy, parameters resolved as
// CloudFormation would) is enough for lockdown to enter the account and contain it.
import {CreateRoleCommand, PutRolePolicyCommand, GetRolePolicyCommand} from '@aws-sdk/client-iam'
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {runCli} from '../support/cli.js'
import {useSim} from '../support/sim.js'

const sim = await useSim({scenario: 'playbooks/scenarios/organization.yaml'})
const responder = sim.credentialsFor('responder')
const env = {AWS_ACCESS_KEY_ID: responder.accessKeyId, AWS_SECRET_ACCESS_KEY: responder.secretAccessKey}
const dir = mkdtempSync(join(tmpdir(), 'lockdown-access-role-'))
const DEV = '222233334444'
const file = join(dir, 'org.yaml')
writeFileSync(
  file,
  `version: 1\nname: org\naccounts: ["${DEV}", {organization: true, ous: [Dev]}]\naccess: {role: lockdown-access}\nsteps:\n  - id: contain\n    action: revoke-sessions\n    with: {roles: [app-*]}\n  - id: keys\n    action: deactivate-keys\n    with: {users: [dev-ci]}\n`,
)
const cli = (args: string[]) => runCli([...args, '--endpoint', sim.endpoint, '--journal-dir', dir], env)

/** CloudFormation's part: parameters substituted, Fn::If resolved, AWS::NoValue dropped. */
function resolve(v: unknown, params: Record<string, string>, conditions: Record<string, boolean>): unknown {
  if (Array.isArray(v)) return v.map((x) => resolve(x, params, conditions)).filter((x) => x !== undefined)
  if (!v || typeof v !== 'object') return v
  const o = v as Record<string, unknown>
  if ('Fn::Sub' in o) return String(o['Fn::Sub']).replace(/\$\{([\w:]+)\}/g, (_, k: string) => (k === 'AWS::Partition' ? 'aws' : params[k]))
  if ('Ref' in o) return o.Ref === 'AWS::NoValue' ? undefined : params[o.Ref as string]
  if ('Fn::If' in o) {
    const [cond, yes, no] = o['Fn::If'] as [string, unknown, unknown]
    return resolve(conditions[cond] ? yes : no, params, conditions)
  }
  return Object.fromEntries(Object.entries(o).flatMap(([k, x]) => {
    const r = resolve(x, params, conditions)
    return r === undefined ? [] : [[k, r]]
  }))
}

describe('lockdown permissions for a playbook over accounts', () => {
  it('the caller needs the steps’ actions, the organization reads and AssumeRole on the access role alone', async () => {
    const r = await cli(['permissions', file, '--json'])
    expect(r.code, r.stderr).toBe(0)
    const bySid = Object.fromEntries(r.json.Statement.map((s: {Sid: string}) => [s.Sid, s]))
    expect(bySid.LockdownDiscovery.Action).toContain('organizations:ListAccountsForParent')
    expect(bySid.LockdownEnterAccounts).toMatchObject({Action: ['sts:AssumeRole', 'sts:SetSourceIdentity'], Resource: 'arn:aws:iam::*:role/lockdown-access'})
    expect(bySid.LockdownSteps.Action).toContain('iam:PutRolePolicy')
  })

  it('a role deployed from the StackSets template lets lockdown enter the account and contain it', async () => {
    const r = await cli(['permissions', file, '--format', 'stackset', '--json'])
    expect(r.code, r.stderr).toBe(0)
    const role = resolve(r.json.Resources.LockdownAccessRole.Properties, {LockdownAccountId: '111122223333', ExternalId: ''}, {HasExternalId: false}) as {
      RoleName: string
      AssumeRolePolicyDocument: object
      Policies: {PolicyName: string; PolicyDocument: object}[]
    }
    expect(role.RoleName).toBe('lockdown-access')
    const iam = sim.clientsIn(DEV).iam
    await iam.send(new CreateRoleCommand({RoleName: role.RoleName, AssumeRolePolicyDocument: JSON.stringify(role.AssumeRolePolicyDocument)}))
    for (const p of role.Policies) await iam.send(new PutRolePolicyCommand({RoleName: role.RoleName, PolicyName: p.PolicyName, PolicyDocument: JSON.stringify(p.PolicyDocument)}))

    const run = await cli(['run', file, '--yes', '--json'])
    expect(run.code, run.stderr).toBe(0)
    expect(run.json.accounts).toEqual([expect.objectContaining({account: DEV, status: 'contained'})])
    await expect(iam.send(new GetRolePolicyCommand({RoleName: 'app-web', PolicyName: 'LockdownRevokeOlderSessions'}))).resolves.toBeTruthy()
    // lockdown entered the account as the template’s role, with its session lockdown-<run id>.
    expect(run.json.plan.accounts[DEV].as).toMatch(/assumed-role\/lockdown-access\/lockdown-/)
  })
})
