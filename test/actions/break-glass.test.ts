// Break-glass in the simulated account: a listed responder with MFA gets in; without MFA, after the
// expiry or unlisted: refused; SourceIdentity names the human in the trail; revoke ends a session
// already open; undo removes or restores the role; no secret leaks into any output but the credential one.
import {ListRolesCommand} from '@aws-sdk/client-iam'
import {AssumeRoleCommand} from '@aws-sdk/client-sts'
import {mkdtempSync, readFileSync, readdirSync, statSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {totp} from '../../src/sim/index.js'
import {runCli, type CliResult} from '../support/cli.js'
import {useSim} from '../support/sim.js'

const ACCT = '111122223333'
const SEED = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP'
const RESPONDER = `arn:aws:iam::${ACCT}:user/responder`
const ROLE = `arn:aws:iam::${ACCT}:role/lockdown/lockdown-break-glass`
const sim = await useSim({scenario: 'playbooks/scenarios/demo-account.yaml'})
const dir = mkdtempSync(join(tmpdir(), 'lockdown-bg-'))
const credsFile = join(dir, 'credentials')
const outputs: CliResult[] = []
const cli = async (args: string[], who = sim.rootCredentials) => {
  const r = await runCli([...args, '--endpoint', sim.endpoint, '--journal-dir', join(dir, 'journal')], {
    AWS_ACCESS_KEY_ID: who.accessKeyId,
    AWS_SECRET_ACCESS_KEY: who.secretAccessKey,
    AWS_SHARED_CREDENTIALS_FILE: credsFile,
  })
  outputs.push(r)
  return r
}
// Each code is used once, as a person would type a fresh one; the sim accepts ±1 step.
let step = -1
const code = () => totp(SEED, Date.now() + 30_000 * step++)
const responder = sim.clientsAs(sim.credentialsFor('responder'))
const mfaSerial = `arn:aws:iam::${ACCT}:mfa/responder`
const works = (p: Promise<unknown>) => p.then(() => 'ok', (e: Error) => e.name)

describe('break-glass', () => {
  it('grants, lets only a listed responder with MFA in before the expiry, and names them in the trail', async () => {
    const grant = await cli(['breakglass', 'grant', '--incident', 'INC-BG', '--responder', RESPONDER, '--duration', '2h', '--yes', '--json'])
    expect(grant.code).toBe(0)
    expect(grant.json.status).toBe('done')
    expect(grant.json.checks.every((c: {ok: boolean}) => c.ok)).toBe(true)

    const list = await cli(['breakglass', 'list', '--json'])
    expect(list.json.grants).toEqual([expect.objectContaining({role: 'lockdown-break-glass', incident: 'INC-BG', responders: [RESPONDER], open: true, mfa: true})])
    expect(list.json.grants[0].minutesLeft).toBeGreaterThan(115)

    const assumed = await cli(['breakglass', 'assume', '--incident', 'INC-BG', '--mfa-code', code(), '--write-profile', 'inc-bg', '--json'], sim.credentialsFor('responder'))
    expect(assumed.code).toBe(0)
    expect(assumed.json).toMatchObject({roleArn: ROLE, sourceIdentity: 'responder', profile: 'inc-bg'})
    expect(statSync(credsFile).mode & 0o777).toBe(0o600)
    expect(readFileSync(credsFile, 'utf8')).toMatch(/\[inc-bg\]\naws_access_key_id = ASIA/)
    const listed = (await cli(['breakglass', 'list', '--json'])).json.grants[0]
    expect(listed.lastAssumed).toMatchObject({by: 'responder'})
    const trail = sim.records().findLast((r) => r.eventName === 'AssumeRole' && !r.errorCode) as {requestParameters: {sourceIdentity?: string}; userIdentity: {arn: string}}
    expect(trail.requestParameters.sourceIdentity).toBe('responder')
    expect(trail.userIdentity.arn).toBe(RESPONDER)

    // Without MFA, unlisted, or after the expiry: refused.
    expect(await works(responder.sts.send(new AssumeRoleCommand({RoleArn: ROLE, RoleSessionName: 'no-mfa', SourceIdentity: 'responder'})))).toBe('AccessDenied')
    const ci = sim.clientsAs(sim.credentialsFor('ci-deploy'))
    expect(await works(ci.sts.send(new AssumeRoleCommand({RoleArn: ROLE, RoleSessionName: 'intruder', SourceIdentity: 'ci-deploy'})))).toBe('AccessDenied')
    sim.setClockOffset(3 * 3_600_000)
    try {
      const late = totp(SEED, Date.now() + 3 * 3_600_000)
      expect(await works(responder.sts.send(new AssumeRoleCommand({RoleArn: ROLE, RoleSessionName: 'late', SourceIdentity: 'responder', SerialNumber: mfaSerial, TokenCode: late})))).toBe('AccessDenied')
    } finally {
      sim.setClockOffset(0)
    }
  })

  it('revoke ends a session opened before it, and undo brings the grant back; undo of the grant removes the role', async () => {
    const env = await cli(['breakglass', 'assume', '--incident', 'INC-BG', '--mfa-code', code(), '--format', 'env'], sim.credentialsFor('responder'))
    expect(env.code).toBe(0)
    const get = (k: string) => new RegExp(`export ${k}=(\\S+)`).exec(env.stdout)![1]
    const session = sim.clientsAs({accessKeyId: get('AWS_ACCESS_KEY_ID'), secretAccessKey: get('AWS_SECRET_ACCESS_KEY'), sessionToken: get('AWS_SESSION_TOKEN')})
    expect(await works(session.iam.send(new ListRolesCommand({})))).toBe('ok')

    const revoke = await cli(['breakglass', 'revoke', '--incident', 'INC-BG', '--yes', '--json'])
    expect(revoke.code).toBe(0)
    expect(revoke.json.checks.every((c: {ok: boolean}) => c.ok)).toBe(true)
    expect(await works(session.iam.send(new ListRolesCommand({})))).toBe('AccessDenied')
    const refused = await cli(['breakglass', 'assume', '--incident', 'INC-BG', '--mfa-code', code(), '--format', 'env'], sim.credentialsFor('responder'))
    expect(refused.code).toBe(3)

    expect((await cli(['undo', revoke.json.runId, '--yes'])).code).toBe(0)
    expect(await works(session.iam.send(new ListRolesCommand({})))).toBe('ok')
    const runs = (await cli(['runs', '--json'])).json.runs as {runId: string; playbook: string}[]
    const grantRun = runs.find((r) => r.playbook === 'breakglass-grant')!
    expect((await cli(['undo', grantRun.runId, '--yes'])).code).toBe(0)
    const roles = (sim.snapshot() as {roles: {name: string}[]}).roles.map((r) => r.name)
    expect(roles).not.toContain('lockdown-break-glass')
  })

  it('granting again merges responders and extends; undo restores the trust policy it changed', async () => {
    const first = await cli(['breakglass', 'grant', '--incident', 'INC-BG2', '--responder', RESPONDER, '--duration', '4h', '--yes', '--json'])
    expect(first.code).toBe(0)
    const trustOf = () => (sim.snapshot() as {roles: {name: string; trust: unknown}[]}).roles.find((r) => r.name === 'lockdown-break-glass')!.trust
    const before = trustOf()
    const second = await cli(['breakglass', 'grant', '--incident', 'INC-BG2', '--responder', `arn:aws:iam::${ACCT}:user/analyst`, '--duration', '1h', '--yes', '--json'])
    expect(second.code).toBe(0)
    const summary = second.json.plan.steps[0].changes[0].summary as string
    expect(summary).toContain(`+ responder arn:aws:iam::${ACCT}:user/analyst`)
    const grants = (await cli(['breakglass', 'list', '--json'])).json.grants
    expect(grants[0].responders).toEqual([`arn:aws:iam::${ACCT}:user/analyst`, RESPONDER])
    expect(grants[0].minutesLeft).toBeGreaterThan(230) // the 4h expiry is kept, not shortened to 1h
    expect((await cli(['undo', second.json.runId, '--yes'])).code).toBe(0)
    expect(trustOf()).toEqual(before)
    expect((await cli(['undo', first.json.runId, '--yes'])).code).toBe(0)
  })

  it('never lets later steps of the same run touch the responders or the break-glass role', async () => {
    const plan = await cli(['plan', 'playbooks/break-glass.yaml', '--set', `responder=${RESPONDER}`, '--json'])
    expect(plan.code).toBe(0)
    const [, roles, keys] = plan.json.steps as {changes: {principal: string}[]; skipped: {target: string; reason: string}[]}[]
    expect(roles.changes.map((c) => c.principal)).not.toContain(RESPONDER)
    expect(roles.skipped).toContainEqual({target: RESPONDER, reason: "a responder or role of break-glass step 'responders'"})
    expect(keys.changes.map((c) => c.principal)).not.toContain(RESPONDER)
    expect(roles.changes.map((c) => c.principal)).toEqual(expect.arrayContaining([`arn:aws:iam::${ACCT}:role/app-web`, `arn:aws:iam::${ACCT}:user/ci-deploy`]))
  })

  it('keeps secrets out of every output but the credential output, and out of the journal', async () => {
    const profile = readFileSync(credsFile, 'utf8')
    const secrets = [/aws_secret_access_key = (\S+)/.exec(profile)![1], /aws_session_token = (\S+)/.exec(profile)![1], sim.credentialsFor('responder').secretAccessKey, sim.rootCredentials.secretAccessKey]
    const credentialOutputs = outputs.filter((o) => o.stdout.includes('export AWS_SECRET_ACCESS_KEY='))
    expect(credentialOutputs.length).toBeGreaterThan(0)
    for (const o of outputs.filter((x) => !credentialOutputs.includes(x))) for (const s of secrets) expect(o.stdout + o.stderr).not.toContain(s)
    const journals = readdirSync(join(dir, 'journal', 'runs')).map((id) => readFileSync(join(dir, 'journal', 'runs', id, 'journal.jsonl'), 'utf8'))
    for (const j of journals) for (const s of secrets) expect(j).not.toContain(s)
    const trail = JSON.stringify(sim.records())
    for (const s of secrets) expect(trail).not.toContain(s)
  })
})
