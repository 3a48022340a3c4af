// Input that matches nothing is not "0 changes, exit 0": a named principal or key that the account does
// not have is exit 2 with the closest name it does have; a glob that matches nothing is a warning.
import {UpdateAccessKeyCommand} from '@aws-sdk/client-iam'
import {describe, expect, it} from 'vitest'

import {runCli} from '../support/cli.js'
import {useSim} from '../support/sim.js'

const sim = await useSim({scenario: 'playbooks/scenarios/demo-account.yaml'})
const cli = (args: string[]) =>
  runCli([...args, '--endpoint', sim.endpoint], {AWS_ACCESS_KEY_ID: sim.rootCredentials.accessKeyId, AWS_SECRET_ACCESS_KEY: sim.rootCredentials.secretAccessKey})
const LEAKED = 'playbooks/leaked-access-key.yaml'

describe('a named target the account does not have', () => {
  it('a mistyped user is exit 2 with a did-you-mean from the account', async () => {
    const r = await cli(['plan', LEAKED, '--set', 'user=ci-deplyo', '--set', 'key=AKIASIMCIDEPLOY00001'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain("step 'end-sessions': user 'ci-deplyo' not found; did you mean ci-deploy?")
    expect(r.stdout).not.toContain('Nothing to change')
  })

  it('a user ARN that does not exist is exit 2 and suggests the ARN that does', async () => {
    const r = await cli(['plan', 'playbooks/compromised-role-chain.yaml', '--set', 'user=arn:aws:iam::111122223333:user/ci-deplo', '--set', 'role=app-web', '--json'])
    expect(r.code).toBe(2)
    expect(r.json.error.message).toContain("did you mean arn:aws:iam::111122223333:user/ci-deploy?")
  })

  it('a mistyped role is exit 2', async () => {
    const r = await cli(['plan', 'playbooks/compromised-role-chain.yaml', '--set', 'user=ci-deploy', '--set', 'role=app-wbe', '--json'])
    expect(r.code).toBe(2)
    expect(r.json.error.message).toContain("role 'app-wbe' not found; did you mean app-web?")
  })

  it('a key id the account does not have is exit 2 naming it', async () => {
    const r = await cli(['plan', LEAKED, '--set', 'user=ci-deploy', '--set', 'key=AKIASIMCIDEPLOY00009', '--json'])
    expect(r.code).toBe(2)
    expect(r.json.error.message).toContain("step 'leaked-key': access key 'AKIASIMCIDEPLOY00009' not found in this account")
  })
})

describe('a glob that matches nothing', () => {
  it('is a warning in the plan and in --json, not an error', async () => {
    const text = await cli(['plan', 'playbooks/persistence-backdoor-key.yaml', '--set', 'user=ci-*-nobody', '--set', 'role=app-web'])
    expect(text.code).toBe(0)
    expect(text.stdout).toContain("warning: users: 'ci-*-nobody' matches no user in this account")
    const json = await cli(['plan', 'playbooks/persistence-backdoor-key.yaml', '--set', 'user=ci-*-nobody', '--set', 'role=app-web', '--json'])
    expect(json.json.steps[0].warnings).toEqual(["users: 'ci-*-nobody' matches no user in this account"])
    expect(json.json.steps[1].warnings).toEqual(["users: 'ci-*-nobody' matches no user in this account"])
  })
})

describe('a key that is already inactive', () => {
  it('is shown as skipped with its reason', async () => {
    await sim.clients.iam.send(new UpdateAccessKeyCommand({UserName: 'ci-legacy', AccessKeyId: 'AKIASIMCILEGACY00001', Status: 'Inactive'}))
    try {
      const r = await cli(['plan', LEAKED, '--set', 'user=ci-legacy', '--set', 'key=AKIASIMCILEGACY00001', '--json'])
      expect(r.code).toBe(0)
      expect(r.json.steps[1].changes).toEqual([])
      expect(r.json.steps[1].skipped).toEqual([
        {target: 'arn:aws:iam::111122223333:user/ci-legacy/accesskey/AKIASIMCILEGACY00001', reason: 'ci-legacy AKIA…0001: already Inactive'},
      ])
    } finally {
      await sim.clients.iam.send(new UpdateAccessKeyCommand({UserName: 'ci-legacy', AccessKeyId: 'AKIASIMCILEGACY00001', Status: 'Active'}))
    }
  })
})
