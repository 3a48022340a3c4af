// A failure in one step does not skip the others' containment: an AccessDenied ending the sessions of a
// leaked key's user must not leave the key itself Active. Only dependsOn / stopOnError chain steps.
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {CreateAccessKeyCommand, CreateUserCommand, PutUserPolicyCommand} from '@aws-sdk/client-iam'
import {beforeAll, beforeEach, describe, expect, it} from 'vitest'

import {listAccessKeys} from '../../src/aws/iam-users.js'
import {runCli} from '../support/cli.js'
import {useSim} from '../support/sim.js'

const sim = await useSim({scenario: 'playbooks/scenarios/demo-account.yaml'})
let dir: string
let keysOnly: {AWS_ACCESS_KEY_ID: string; AWS_SECRET_ACCESS_KEY: string}
const cli = (args: string[]) => runCli([...args, '--endpoint', sim.endpoint, '--journal-dir', join(dir, 'journal')], keysOnly)
const statusOf = async (user: string, key: string) => (await listAccessKeys(sim.clients.iam, user)).find((k) => k.accessKeyId === key)?.status
const SET = ['--set', 'user=ci-deploy', '--set', 'key=AKIASIMCIDEPLOY00001', '--set', 'incident=INC-STEPS']

beforeAll(async () => {
  // A responder who may deactivate keys (and tag their user with the run that holds them) but not write
  // user policies (so end-sessions is AccessDenied).
  await sim.clients.iam.send(new CreateUserCommand({UserName: 'keys-only'}))
  await sim.clients.iam.send(
    new PutUserPolicyCommand({
      UserName: 'keys-only',
      PolicyName: 'keys',
      // Everything, except writing ci-deploy's policies: the permission preflight (on "*") passes, the
      // end-sessions write is refused at apply, as a resource-scoped deny is in AWS.
      PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {Effect: 'Allow', Action: ['iam:*'], Resource: '*'},
          {Effect: 'Deny', Action: ['iam:PutUserPolicy', 'iam:AttachUserPolicy'], Resource: 'arn:aws:iam::111122223333:user/ci-deploy'},
        ],
      }),
    }),
  )
  const k = (await sim.clients.iam.send(new CreateAccessKeyCommand({UserName: 'keys-only'}))).AccessKey!
  keysOnly = {AWS_ACCESS_KEY_ID: k.AccessKeyId!, AWS_SECRET_ACCESS_KEY: k.SecretAccessKey!}
})

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'lockdown-steps-'))
})

const playbook = (extra: string) => {
  const file = join(dir, 'pb.yaml')
  writeFileSync(
    file,
    `version: 1
name: steps
incident: INC-STEPS
steps:
  - id: end-sessions
    action: revoke-sessions
    with: {users: [ci-deploy]}
  - id: leaked-key
    action: deactivate-keys
${extra}    with: {keys: [AKIASIMCIDEPLOY00001]}
`,
  )
  return file
}

describe('steps are independent by default', () => {
  it('an AccessDenied in end-sessions still deactivates the leaked key; exit 4 lists what failed', async () => {
    const r = await cli(['run', 'playbooks/leaked-access-key.yaml', ...SET, '--yes', '--json'])
    expect(r.code).toBe(4)
    expect(await statusOf('ci-deploy', 'AKIASIMCIDEPLOY00001')).toBe('Inactive')
    expect(r.json.error.detail.failures.map((f: {step: string}) => f.step)).toEqual(['end-sessions'])
    expect(r.json.error.detail.notRun).toEqual([])
    expect(r.json.error.message).toMatch(/end-sessions: arn:aws:iam::111122223333:user\/ci-deploy: AccessDenied/)
    const u = await cli(['undo', r.json.error.detail.runId, '--yes'])
    expect(u.code).toBe(0)
    expect(await statusOf('ci-deploy', 'AKIASIMCIDEPLOY00001')).toBe('Active')
  })
})

describe('real dependencies', () => {
  it('dependsOn: a step whose dependency failed is not run, and the message says why', async () => {
    const r = await cli(['run', playbook('    dependsOn: [end-sessions]\n'), '--yes', '--json'])
    expect(r.code).toBe(4)
    expect(r.json.error.detail.notRun).toEqual(['leaked-key'])
    expect(r.json.error.message).toContain("leaked-key: not run: depends on 'end-sessions', which did not succeed")
    expect(await statusOf('ci-deploy', 'AKIASIMCIDEPLOY00001')).toBe('Active')
  })

  it('stopOnError: a failure there stops the later steps', async () => {
    const text = playbook('')
    writeFileSync(text, readFileSync(text, 'utf8').replace('    with: {users: [ci-deploy]}', '    stopOnError: true\n    with: {users: [ci-deploy]}'))
    const r = await cli(['run', text, '--yes', '--json'])
    expect(r.code).toBe(4)
    expect(r.json.error.detail.notRun).toEqual(['leaked-key'])
    expect(r.json.error.message).toContain("leaked-key: not run: step 'end-sessions' failed and says stopOnError")
  })

  it('dependsOn must name an earlier step: exit 2 at its position, with a did-you-mean', async () => {
    const r = await runCli(['validate', playbook('    dependsOn: [end-sesions]\n')])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/pb\.yaml:10:17: steps\[1\]\.dependsOn\[0\] \(step 'leaked-key'\): no earlier step 'end-sesions'; did you mean 'end-sessions'\?/)
  })
})
