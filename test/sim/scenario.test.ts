// Scenarios: the shipped ones load and seed what they say; invalid ones fail with positioned errors.
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {GetRoleCommand, ListUsersCommand, ListAttachedRolePoliciesCommand} from '@aws-sdk/client-iam'
import {describe, expect, it} from 'vitest'

import {InvalidInputError} from '../../src/errors.js'
import {loadScenario, startSim} from '../../src/sim/index.js'
import {useSim} from '../support/sim.js'

function writeTemp(text: string): string {
  const f = join(mkdtempSync(join(tmpdir(), 'scn-')), 'bad.yaml')
  writeFileSync(f, text)
  return f
}

describe('scenarios', async () => {
  const sim = await useSim({scenario: 'playbooks/scenarios/demo-account.yaml'})

  it('seeds the demo account with fixed credentials, roles and policies', async () => {
    expect(sim.rootCredentials.accessKeyId).toBe('AKIASIMROOT000000001')
    expect(sim.credentialsFor('responder').accessKeyId).toBe('AKIASIMRESPONDER0001')
    const users = await sim.clients.iam.send(new ListUsersCommand({}))
    expect(users.Users?.map((u) => u.UserName)).toEqual(['analyst', 'ci-deploy', 'ci-legacy', 'responder'])
    const legacy = users.Users!.find((u) => u.UserName === 'ci-legacy')!
    expect(Date.now() - legacy.CreateDate!.getTime()).toBeGreaterThan(899 * 86_400_000)
    const role = await sim.clients.iam.send(new GetRoleCommand({RoleName: 'app-web'}))
    expect(role.Role).toMatchObject({MaxSessionDuration: 14400, Tags: expect.arrayContaining([{Key: 'tier', Value: 'web'}])})
    const attached = await sim.clients.iam.send(new ListAttachedRolePoliciesCommand({RoleName: 'app-data'}))
    expect(attached.AttachedPolicies).toEqual([{PolicyName: 'app-data-access', PolicyArn: 'arn:aws:iam::111122223333:policy/app-data-access'}])
    const snap = sim.snapshot() as {users: Array<{name: string; accessKeys: Array<{id: string; status: string}>}>}
    expect(snap.users.find((u) => u.name === 'ci-legacy')!.accessKeys.map((k) => k.id)).toEqual(['AKIASIMCILEGACY00001', 'AKIASIMCILEGACY00002'])
    expect(JSON.stringify(snap)).not.toContain('simCiLegacySecretKey')
  })

  it('loads every shipped scenario', () => {
    for (const f of ['demo-account', 'empty-account', 'stale-keys', 'organization']) expect(loadScenario(`playbooks/scenarios/${f}.yaml`).account.id).toMatch(/^\d{12}$/)
  })

  it('reports several problems at once, each with file:line:column and the field path', () => {
    const file = writeTemp(
      [
        'version: 1',
        'account:',
        '  id: "12345"',
        'users:',
        '  - name: ok',
        '    accessKeys:',
        '      - id: NOTAKEY',
        '  - name: bad name!',
        'roles:',
        '  - name: r',
        '    trsut: {}',
      ].join('\n'),
    )
    let err: InvalidInputError | undefined
    try {
      loadScenario(file)
    } catch (e) {
      err = e as InvalidInputError
    }
    expect(err).toBeInstanceOf(InvalidInputError)
    expect(err!.exitCode).toBe(2)
    const byPath = Object.fromEntries(err!.issues.map((i) => [i.path, i]))
    expect(byPath['account.id']).toMatchObject({file, line: 3, column: 7, message: 'must be 12 digits'})
    expect(byPath['users[0].accessKeys[0].id']).toMatchObject({line: 7, column: 13})
    expect(byPath['users[1].name']).toMatchObject({line: 8, column: 11})
    // A misspelt key is reported where it stands; the missing one at its parent.
    expect(byPath['roles[0].trsut']).toMatchObject({line: 11, column: 5, message: "unknown field 'trsut'"})
    expect(byPath['roles[0].trust']).toMatchObject({line: 10, column: 5, message: 'is required'})
    expect(err!.message).toContain(`${file}:3:7: account.id: must be 12 digits`)
  })

  it('checks policy references and documents after the schema', () => {
    const file = writeTemp(['roles:', '  - name: r', '    trust: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: "sts:AssumeRole"}]}', '    managedPolicies: [nope]'].join('\n'))
    expect(() => loadScenario(file)).toThrowError(/:3:12: roles\[0\]\.trust: MalformedPolicyDocument[\s\S]*:4:23: roles\[0\]\.managedPolicies\[0\]: unknown policy 'nope'/)
  })

  it('checks an organization: OU references, account ids, and each member account like the top level, at their positions', () => {
    const file = writeTemp(
      [
        'account: {id: "111122223333"}',
        'organization:',
        '  id: o-short',
        '  ous:',
        '    - {name: Workloads, parent: Nowhere}',
        '  accounts:',
        '    - {id: "111122223333"}',
        '    - id: "222233334444"',
        '      ou: Prod',
        '      state: GONE',
        '    - id: "333344445555"',
        '      roles:',
        '        - {name: r, trust: {}, managedPolicies: [nope]}',
      ].join('\n'),
    )
    let err: InvalidInputError | undefined
    try {
      loadScenario(file)
    } catch (e) {
      err = e as InvalidInputError
    }
    const byPath = Object.fromEntries(err!.issues.map((i) => [i.path, i]))
    expect(byPath['organization.id']).toMatchObject({line: 3, column: 7, message: 'must be o- followed by 10-32 lowercase letters or digits'})
    expect(byPath['organization.accounts[1].state']).toMatchObject({line: 10})
    // The schema fails first; the cross-checks (OU names, ids, member policies) run on a valid shape.
    const fixed = writeTemp(
      [
        'account: {id: "111122223333"}',
        'organization:',
        '  ous:',
        '    - {name: Workloads, parent: Nowhere}',
        '  accounts:',
        '    - {id: "111122223333"}',
        '    - id: "222233334444"',
        '      ou: Prod',
        '    - id: "333344445555"',
        '      roles:',
        '        - {name: r, trust: {Version: "2012-10-17", Statement: [{Effect: Allow, Principal: {AWS: "*"}, Action: "sts:AssumeRole"}]}, managedPolicies: [nope]}',
      ].join('\n'),
    )
    expect(() => loadScenario(fixed)).toThrowError(
      /:4:33: organization\.ous\[0\]\.parent: unknown OU 'Nowhere'[\s\S]*:6:12: organization\.accounts\[0\]\.id: account 111122223333 is the management account[\s\S]*:8:11: organization\.accounts\[1\]\.ou: unknown OU 'Prod': one of Workloads[\s\S]*organization\.accounts\[2\]\.roles\[0\]\.managedPolicies\[0\]: unknown policy 'nope'/,
    )
  })

  it('checks organization SCPs and delegated administrators: targets and accounts must exist, documents be SCPs', () => {
    const file = writeTemp(
      [
        'account: {id: "111122223333"}',
        'organization:',
        '  accounts: [{id: "222233334444"}]',
        '  delegatedAdministrators: ["999988887777"]',
        '  policies:',
        '    - name: deny',
        '      content: {Version: "2012-10-17", Statement: [{Effect: Deny, Principal: "*", Action: "*", Resource: "*"}]}',
        '      targets: [root, Nowhere]',
      ].join('\n'),
    )
    expect(() => loadScenario(file)).toThrowError(
      /:4:29: organization\.delegatedAdministrators\[0\]: unknown account 999988887777[\s\S]*:7:16: organization\.policies\[0\]\.content: MalformedPolicyDocumentException[\s\S]*:8:23: organization\.policies\[0\]\.targets\[1\]: unknown target 'Nowhere'/,
    )
  })

  it('starts the sim clock at the scenario clockOffset', async () => {
    const s = await startSim({scenario: {account: {id: '123456789012'}, clockOffset: '-2h'}})
    try {
      const {IAMClient, CreateUserCommand} = await import('@aws-sdk/client-iam')
      const iam = new IAMClient({endpoint: s.endpoint, region: 'us-east-1', credentials: s.rootCredentials, maxAttempts: 1})
      const u = await iam.send(new CreateUserCommand({UserName: 'past'}))
      expect(Date.now() - u.User!.CreateDate!.getTime()).toBeGreaterThan(2 * 3600_000 - 10_000)
      expect(s.records()[0]!.eventTime).toBe(new Date(u.User!.CreateDate!).toISOString().replace(/\.\d{3}Z$/, 'Z'))
      iam.destroy()
    } finally {
      await s.stop()
    }
  })

  it('reports YAML syntax errors with their position, and takes scenario objects too', async () => {
    const file = writeTemp('users:\n  - name: a\n   bad: [\n')
    expect(() => loadScenario(file)).toThrowError(InvalidInputError)
    await expect(startSim({scenario: {account: {id: 'x'}}})).rejects.toBeInstanceOf(InvalidInputError)
  })
})
