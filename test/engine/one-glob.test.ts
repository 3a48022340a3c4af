// One glob for ARNs and names: guards.protect and target selectors match principals whatever their IAM
// path, a break-glass marker is honoured whatever its case, and forensics filters mean what revoke means.
import {CreateRoleCommand, TagRoleCommand} from '@aws-sdk/client-iam'
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {globMatch} from '../../src/aws/arn.js'
import {globMatch as forensicsGlob} from '../../src/forensics/index.js'
import {matchesSelector} from '../../src/actions/lib/selectors.js'
import {runCli} from '../support/cli.js'
import {useSim} from '../support/sim.js'

const ACCT = '111122223333'
const sim = await useSim({scenario: 'playbooks/scenarios/demo-account.yaml'})
const dir = mkdtempSync(join(tmpdir(), 'lockdown-glob-'))
const env = {AWS_ACCESS_KEY_ID: sim.rootCredentials.accessKeyId, AWS_SECRET_ACCESS_KEY: sim.rootCredentials.secretAccessKey}
const cli = (args: string[]) => runCli([...args, '--endpoint', sim.endpoint, '--journal-dir', join(dir, 'j')], env)
const trust = JSON.stringify({Version: '2012-10-17', Statement: [{Effect: 'Allow', Principal: {AWS: `arn:aws:iam::${ACCT}:root`}, Action: 'sts:AssumeRole'}]})

function playbook(body: string): string {
  const file = join(dir, `pb-${Math.random().toString(36).slice(2)}.yaml`)
  writeFileSync(file, `version: 1\nname: t\n${body}`)
  return file
}

describe('one glob for ARNs and names', () => {
  it('guards.protect role/break-glass-* and its ARN form protect a role under an IAM path', async () => {
    await sim.clients.iam.send(new CreateRoleCommand({RoleName: 'break-glass-team', Path: '/team/', AssumeRolePolicyDocument: trust}))
    await sim.clients.iam.send(new CreateRoleCommand({RoleName: 'app-team', Path: '/team/', AssumeRolePolicyDocument: trust}))
    for (const pattern of ['arn:aws:iam::*:role/break-glass-*', 'role/break-glass-*']) {
      const r = await cli(['plan', playbook(`guards: {protect: ["${pattern}"]}\nsteps:\n  - id: contain\n    action: revoke-sessions\n    with: {roles: ["*team*"]}\n`), '--json'])
      expect(r.code).toBe(0)
      const skipped = r.json.steps[0].skipped.find((s: {target: string}) => s.target.endsWith('/break-glass-team'))
      expect(skipped?.reason).toBe(`protected by guards.protect '${pattern}'`)
      expect(r.json.steps[0].changes.map((c: {target: string}) => c.target)).toEqual([`arn:aws:iam::${ACCT}:role/team/app-team`])
    }
  })

  it('a name selector matches whatever the path; an ARN glob too', async () => {
    const r = await cli(['plan', playbook(`steps:\n  - id: contain\n    action: revoke-sessions\n    with: {roles: ["app-t*", "arn:aws:iam::${ACCT}:role/app-w*"]}\n`), '--json'])
    expect(r.code).toBe(0)
    expect(r.json.steps[0].changes.map((c: {target: string}) => c.target).sort()).toEqual([`arn:aws:iam::${ACCT}:role/app-web`, `arn:aws:iam::${ACCT}:role/team/app-team`])
  })

  it('honours lockdown:break-glass=True (any case) and never revokes that role', async () => {
    await sim.clients.iam.send(new CreateRoleCommand({RoleName: 'app-door', AssumeRolePolicyDocument: trust}))
    await sim.clients.iam.send(new TagRoleCommand({RoleName: 'app-door', Tags: [{Key: 'lockdown:break-glass', Value: 'True'}]}))
    const r = await cli(['plan', playbook(`steps:\n  - id: contain\n    action: revoke-sessions\n    with: {roles: ["app-*"]}\n`), '--json'])
    expect(r.code).toBe(0)
    const door = r.json.steps[0].skipped.find((s: {target: string}) => s.target.endsWith('/app-door'))
    expect(door?.reason).toMatch(/app-door: a break-glass role .* is never revoked/)
    expect(r.json.steps[0].changes.map((c: {target: string}) => c.target)).not.toContain(`arn:aws:iam::${ACCT}:role/app-door`)
  })

  it('forensics filters use the same matcher as revoke selectors', () => {
    expect(forensicsGlob).toBe(globMatch)
    const role = {name: 'app-team', path: '/team/', arn: `arn:aws:iam::${ACCT}:role/team/app-team`}
    for (const p of ['app-*', 'role/app-*', 'arn:aws:iam::*:role/app-*', '*']) {
      expect([p, matchesSelector(role, p)]).toEqual([p, true])
      expect([p, forensicsGlob(p, role.arn)]).toEqual([p, true])
    }
    for (const p of ['team', 'app', 'user/app-*', 'arn:aws:iam::*:user/app-*', 'arn:aws:iam::999999999999:role/app-*']) {
      expect([p, matchesSelector(role, p)]).toEqual([p, false])
      expect([p, forensicsGlob(p, role.arn)]).toEqual([p, false])
    }
  })

  it('matches a hostile pattern in linear time (no regex backtracking)', () => {
    const t = Date.now()
    expect(globMatch(`${'*a'.repeat(40)}!`, `arn:aws:iam::${ACCT}:role/${'a'.repeat(60)}`)).toBe(false)
    expect(Date.now() - t).toBeLessThan(500)
  })
})
