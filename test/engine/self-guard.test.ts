// The self guard knows the caller whatever its credentials: a GetFederationToken session is its IAM user,
// so a federated responder never deactivates its own user's key. allowSelf: true on the caller itself is a
// plan warning, and run refuses it (exit 3, nothing written) unless --yes-i-will-lock-myself-out is given.
import {ListAccessKeysCommand} from '@aws-sdk/client-iam'
import {GetFederationTokenCommand} from '@aws-sdk/client-sts'
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {runCli} from '../support/cli.js'
import {useSim} from '../support/sim.js'

const sim = await useSim({scenario: 'playbooks/scenarios/demo-account.yaml'})
const dir = mkdtempSync(join(tmpdir(), 'lockdown-self-'))
const responder = sim.credentialsFor('responder')
const asResponder = {AWS_ACCESS_KEY_ID: responder.accessKeyId, AWS_SECRET_ACCESS_KEY: responder.secretAccessKey}
const cli = (args: string[], env: Record<string, string>) => runCli([...args, '--endpoint', sim.endpoint, '--journal-dir', join(dir, 'j')], env)
const keyStatus = async () => (await sim.clients.iam.send(new ListAccessKeysCommand({UserName: 'responder'}))).AccessKeyMetadata!.map((k) => k.Status)

function playbook(allowSelf: boolean): string {
  const file = join(dir, `self-${allowSelf}.yaml`)
  writeFileSync(file, `version: 1\nname: self\nsteps:\n  - id: keys\n    action: deactivate-keys\n    allowSelf: ${allowSelf}\n    with: {users: [responder]}\n`)
  return file
}

describe('self guard', () => {
  it('recognises a GetFederationToken session as its IAM user and leaves that user alone', async () => {
    const fed = (
      await sim.clientsAs(responder).sts.send(
        new GetFederationTokenCommand({Name: 'responder', Policy: JSON.stringify({Version: '2012-10-17', Statement: [{Effect: 'Allow', Action: '*', Resource: '*'}]})}),
      )
    ).Credentials!
    const env = {AWS_ACCESS_KEY_ID: fed.AccessKeyId!, AWS_SECRET_ACCESS_KEY: fed.SecretAccessKey!, AWS_SESSION_TOKEN: fed.SessionToken!}
    const r = await cli(['plan', playbook(false), '--json'], env)
    expect(r.code).toBe(0)
    expect(r.json.caller.arn).toBe(`arn:aws:sts::${sim.accountId}:federated-user/responder`)
    expect(r.json.caller.principalArn).toBe(`arn:aws:iam::${sim.accountId}:user/responder`)
    expect(r.json.steps[0].changes).toEqual([])
    expect(r.json.steps[0].skipped[0].reason).toMatch(/the caller's own principal or key/)
    const run = await cli(['run', playbook(false), '--yes', '--json'], env)
    expect(run.code).toBe(0)
    expect(await keyStatus()).toEqual(['Active'])
  })

  it('shows allowSelf on the caller as a plan warning, and run refuses it without the flag', async () => {
    const plan = await cli(['plan', playbook(true)], asResponder)
    expect(plan.code).toBe(0)
    expect(plan.stdout).toMatch(/warning: allowSelf: true lets this step change the caller's own principal or key .*--yes-i-will-lock-myself-out/)
    const refused = await cli(['run', playbook(true), '--yes', '--json'], asResponder)
    expect(refused.code).toBe(3)
    expect(refused.json.error.message).toContain("the plan changes the caller's own principal or key (keys: arn:aws:iam::111122223333:user/responder/accesskey/")
    expect(refused.json.error.next).toContain('--yes-i-will-lock-myself-out')
    expect(await keyStatus()).toEqual(['Active'])
    const done = await cli(['run', playbook(true), '--yes', '--yes-i-will-lock-myself-out', '--json'], asResponder)
    // With the flag it does what was asked, and shows why the flag exists: the key it signs with is now
    // inactive, so the run cannot even verify its own change (exit 5).
    expect(await keyStatus()).toEqual(['Inactive'])
    expect(done.code).toBe(5)
    expect(done.json.error.message).toContain('InvalidClientTokenId')
  })
})
