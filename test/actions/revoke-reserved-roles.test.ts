// revoke-sessions over an account holding an IAM Identity Center role (issue 16): IAM refuses any change to a
// role under /aws-reserved/sso.amazonaws.com/ (UnmodifiableEntity), so the run must leave it out with the reason
// and the way that does reach it (an SCP), contain everything else, and finish — not fail at apply. The path
// decides: an attacker's role merely named AWSReservedSSO_* at / is revoked like any other.
import {ListRolesCommand} from '@aws-sdk/client-iam'
import {AssumeRoleCommand} from '@aws-sdk/client-sts'
import {mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import type {Scenario} from '../../src/sim/index.js'
import {runCli} from '../support/cli.js'
import {useSim} from '../support/sim.js'

const ACCT = '111122223333'
const SSO = 'AWSReservedSSO_AdministratorAccess_073ae2cbd6a6a546'
const trust = {Version: '2012-10-17', Statement: [{Effect: 'Allow', Principal: {AWS: `arn:aws:iam::${ACCT}:user/mallory`}, Action: 'sts:AssumeRole'}]}
const readOnly = ['arn:aws:iam::aws:policy/ReadOnlyAccess']
const scenario: Scenario = {
  account: {id: ACCT},
  organization: false,
  users: [{name: 'mallory', inlinePolicies: {a: {Version: '2012-10-17', Statement: [{Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*'}]}}, accessKeys: [{}]}],
  roles: [
    {name: SSO, path: '/aws-reserved/sso.amazonaws.com/', trust, managedPolicies: readOnly},
    {name: 'AWSReservedSSO_backdoor', trust, managedPolicies: readOnly},
    {name: 'app-web', trust, managedPolicies: readOnly},
  ],
}

describe('revoke-sessions and Identity Center roles', async () => {
  const sim = await useSim({scenario})
  const journalDir = mkdtempSync(join(tmpdir(), 'lockdown-reserved-'))
  const env = {AWS_ACCESS_KEY_ID: sim.rootCredentials.accessKeyId, AWS_SECRET_ACCESS_KEY: sim.rootCredentials.secretAccessKey}
  const cli = (args: string[]) => runCli([...args, '--endpoint', sim.endpoint, '--journal-dir', journalDir], env)
  const mallory = sim.clientsAs(sim.credentialsFor('mallory'))
  const sessionOf = async (path: string) => {
    const c = (await mallory.sts.send(new AssumeRoleCommand({RoleArn: `arn:aws:iam::${ACCT}:role${path}`, RoleSessionName: 'mallory'}))).Credentials!
    return sim.clientsAs({accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken!})
  }
  const works = (c: Awaited<ReturnType<typeof sessionOf>>) => c.iam.send(new ListRolesCommand({})).then(() => 'ok', (e: Error) => e.name)

  it('skips the Identity Center role with the reason and the SCP that reaches it, revokes the look-alike, and the run is done', async () => {
    const sso = await sessionOf(`/aws-reserved/sso.amazonaws.com/${SSO}`)
    const lookalike = await sessionOf('/AWSReservedSSO_backdoor')
    const web = await sessionOf('/app-web')
    await new Promise((r) => setTimeout(r, 1020 - (Date.now() % 1000)))

    const run = await cli(['run', 'test/fixtures/playbooks/revoke-everything.yaml', '--yes', '--json'])
    expect(run.code, run.stderr).toBe(0)
    expect(run.json.status).toBe('done')
    const step = run.json.plan.steps[0]
    expect(step.changes.map((c: {target: string}) => c.target).sort()).toEqual([`arn:aws:iam::${ACCT}:role/AWSReservedSSO_backdoor`, `arn:aws:iam::${ACCT}:role/app-web`])
    const skipped = step.skipped.find((s: {target: string}) => s.target.endsWith(SSO))
    expect(skipped.reason).toContain('IAM refuses changes to it (UnmodifiableEntity)')
    expect(skipped.reason).toContain(`revoke-org, roles: ["arn:aws:iam::*:role/aws-reserved/sso.amazonaws.com/${SSO}"]`)

    expect(await works(lookalike)).toBe('AccessDenied')
    expect(await works(web)).toBe('AccessDenied')
    // The gap per-role revocation cannot close, stated by the skip above: the Identity Center session lives on.
    expect(await works(sso)).toBe('ok')

    const undo = await cli(['undo', run.json.runId, '--yes', '--json'])
    expect(undo.code, undo.stderr).toBe(0)
    expect(await works(web)).toBe('ok')
  })
})
