// No AWS error reaches a person as exit 1 or as a raw SDK object: whatever command it surfaces in,
// AccessDenied is exit 3 naming the action and `lockdown permissions`, and no `$metadata` is printed.
import {describe, expect, it} from 'vitest'

import {runCli} from '../support/cli.js'
import {userWith} from '../support/principals.js'
import {useSim} from '../support/sim.js'

const sim = await useSim({scenario: 'playbooks/scenarios/demo-account.yaml'})
// May read IAM but not CloudTrail: the analyst whose `trail chains` is refused by AWS.
const key = await userWith(sim, 'no-trail', [{Effect: 'Allow', Action: ['iam:Get*', 'iam:List*'], Resource: '*'}])
const env = {AWS_ACCESS_KEY_ID: key.accessKeyId, AWS_SECRET_ACCESS_KEY: key.secretAccessKey}
const cli = (args: string[]) => runCli([...args, '--endpoint', sim.endpoint], env)

describe('an AWS refusal outside the engine', () => {
  it('trail chains without cloudtrail:LookupEvents is exit 3 naming the action, in one envelope without $metadata', async () => {
    const r = await cli(['trail', 'chains', '--since', '1h', '--json'])
    expect(r.code).toBe(3)
    expect(r.json.error.message).toContain('cloudtrail:LookupEvents')
    expect(r.json.error.next).toContain('lockdown permissions')
    expect(r.stdout).not.toContain('$metadata')
  })

  it('the same without --json: Error and Next lines, exit 3', async () => {
    const r = await cli(['trail', 'chains', '--since', '1h'])
    expect(r.code).toBe(3)
    expect(r.stderr).toMatch(/Error: .*cloudtrail:LookupEvents/)
    expect(r.stderr).toContain('Next: ')
    expect(r.stderr + r.stdout).not.toContain('$metadata')
  })
})
