// revoke-org through the CLI against the simulated organization (playbooks/scenarios/organization.yaml,
// plus a role in the management account and a service-linked role in dev): the plan (the SCP document,
// its exemptions, the management account's per-role revocation, the residual notes), the SCP applied and
// proven by simulation in each member account, a second run merging into it, undo of the older run
// keeping the newer run's part, undo restoring the previous document exactly, and drift refused.
import {readFileSync, mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {CreateRoleCommand, GetRolePolicyCommand} from '@aws-sdk/client-iam'
import {DescribePolicyCommand, ListOrganizationalUnitsForParentCommand, ListPoliciesForTargetCommand, ListRootsCommand, UpdatePolicyCommand} from '@aws-sdk/client-organizations'
import {parse} from 'yaml'
import {describe, expect, it} from 'vitest'

import {readScpRevoke, scpDocument} from '../../src/aws/policies/scp-revoke.js'
import type {Scenario} from '../../src/sim/index.js'
import {runCli} from '../support/cli.js'
import {useSim} from '../support/sim.js'

const MGMT = '111122223333'
const DEV = '222233334444'
const PROD = '333344445555'
const trust = {Version: '2012-10-17', Statement: [{Effect: 'Allow', Principal: {AWS: `arn:aws:iam::${MGMT}:root`}, Action: 'sts:AssumeRole'}]}
const scenario = parse(readFileSync('playbooks/scenarios/organization.yaml', 'utf8')) as Scenario & {organization: {accounts: {id: string; roles?: unknown[]}[]}}
scenario.organization.accounts.find((a) => a.id === DEV)!.roles!.push({name: 'AWSServiceRoleForSupport', path: '/aws-service-role/support.amazonaws.com/', trust})
const sim = await useSim({scenario})
await sim.clients.iam.send(new CreateRoleCommand({RoleName: 'app-mgmt', AssumeRolePolicyDocument: JSON.stringify(trust)}))
const responder = sim.credentialsFor('responder')
const env = {AWS_ACCESS_KEY_ID: responder.accessKeyId, AWS_SECRET_ACCESS_KEY: responder.secretAccessKey}
const dir = mkdtempSync(join(tmpdir(), 'lockdown-revoke-org-'))
const cli = (args: string[]) => runCli([...args, '--endpoint', sim.endpoint, '--journal-dir', dir], env)
const org = sim.clients.organizations
const ROOT = (await org.send(new ListRootsCommand({}))).Roots![0]!.Id!
const WORKLOADS = (await org.send(new ListOrganizationalUnitsForParentCommand({ParentId: ROOT}))).OrganizationalUnits!.find((o) => o.Name === 'Workloads')!.Id!
// The legacy account has no access role: leaving it out keeps each run's ledger about revoke-org alone.
const SCOPE = '[{organization: true, exclude: ["444455556666"]}]'

let n = 0
function playbook(step: string, accounts = SCOPE): string {
  const file = join(dir, `p${n++}.yaml`)
  writeFileSync(file, `version: 1\nname: org-revoke\nincident: INC-16\naccounts: ${accounts}\nsteps:\n${step}`)
  return file
}
const orgStep = (withYaml: string) => `  - id: org\n    action: revoke-org\n    with: ${withYaml}\n`

async function lockdownScps(target: string): Promise<{name: string; content: string}[]> {
  const attached = (await org.send(new ListPoliciesForTargetCommand({TargetId: target, Filter: 'SERVICE_CONTROL_POLICY'}))).Policies ?? []
  const mine = attached.filter((p) => p.Name!.startsWith('lockdown-revoke-org-'))
  return Promise.all(mine.map(async (p) => ({name: p.Name!, content: (await org.send(new DescribePolicyCommand({PolicyId: p.Id!}))).Policy!.Content!})))
}
const attachedNames = async (target: string) => ((await org.send(new ListPoliciesForTargetCommand({TargetId: target, Filter: 'SERVICE_CONTROL_POLICY'}))).Policies ?? []).map((p) => p.Name).sort()
const mgmtRevoked = () =>
  sim.clients.iam.send(new GetRolePolicyCommand({RoleName: 'app-mgmt', PolicyName: 'LockdownRevokeOlderSessions'})).then(
    () => true,
    () => false,
  )

describe('revoke-org', () => {
  it('plans one SCP at the root with its exemptions, the management account per role, and the residual notes', async () => {
    const file = playbook(
      `  - id: responders\n    action: break-glass\n    with: {responders: ["arn:aws:iam::${MGMT}:user/responder"], duration: 1h, mfa: true, policies: ["arn:aws:iam::aws:policy/SecurityAudit"]}\n` +
        orgStep(`{roles: [app-*, AWSServiceRoleForSupport], sessions: [{sourceIdentity: mallory}], identityCenterUsers: [u-1234], exclude: [ops-*]}`),
    )
    const r = await cli(['plan', file, '--json'])
    expect(r.code, JSON.stringify(r.json?.error)).toBe(0)
    const step = r.json.steps.find((s: {id: string}) => s.id === 'org')
    const scp = step.changes.find((c: {data: {kind: string}}) => c.data.kind === 'scp')
    expect(scp.target).toBe(`arn:aws:organizations::${MGMT}:root/o-a1b2c3d4e5/${ROOT}`)
    const exempt = scp.after.exempt as string[]
    // The access role, the caller, the break-glass step's role (in every account) and the step's exclude.
    expect(exempt).toEqual(
      expect.arrayContaining(['arn:aws:iam::*:role/OrganizationAccountAccessRole', `arn:aws:iam::${MGMT}:user/responder`, 'arn:aws:iam::*:role/ops-*']),
    )
    expect(exempt.some((e) => /^arn:aws:iam::\*:role\/.*break-glass/i.test(e))).toBe(true)
    // The exact document: the builder's, with the plan's preview cutoff.
    const content = scp.after.policies[0].content as string
    const read = readScpRevoke(content)!
    expect(content).toBe(
      scpDocument({before: read.cutoff, roles: ['arn:aws:iam::*:role/app-*', 'arn:aws:iam::*:role/AWSServiceRoleForSupport'], sourceIdentities: ['mallory'], userIds: [], identityCenterUsers: ['u-1234'], exempt}, read.runs[0]),
    )
    expect(scp.after.slots).toBe('2/5')
    // The management account: SCPs do not bind it, so its matching role is revoked per role.
    const mgmt = step.changes.filter((c: {data: {kind: string}}) => c.data.kind === 'mgmt-role')
    expect(mgmt.map((c: {target: string}) => c.target)).toContain(`arn:aws:iam::${MGMT}:role/app-mgmt`)
    expect(mgmt.every((c: {summary: string}) => c.summary.startsWith('management account (SCPs do not apply there)'))).toBe(true)
    const notes = (step.notes as string[]).join('\n')
    expect(notes).toMatch(/exempt from the SCP \(ArnNotLike aws:PrincipalArn\)/)
    expect(notes).toMatch(/service-linked roles are never bound by SCPs.*AWSServiceRoleForSupport/)
    expect(notes).toMatch(/u-1234.*does not end their AWS access portal session.*up to an hour/)
    expect(notes).toMatch(/remove their account assignments.*disable the user in the identity source/)
  })

  it('applies, proves the deny in each member account by simulation, merges a second run, and undo of the older run keeps the newer run’s part', async () => {
    const before = await attachedNames(ROOT)
    const a = await cli(['run', playbook(orgStep('{roles: [app-*], settle: 0s}')), '--yes', '--json'])
    expect(a.code, a.stderr + JSON.stringify(a.json?.error)).toBe(0)
    const checks = a.json.checks as {name: string; ok: boolean; detail: string}[]
    expect(checks.find((c) => c.name === `SCP denies sessions before the cutoff in ${DEV}`)).toMatchObject({ok: true, detail: expect.stringMatching(/refused by the organization when issued before .* allowed .* when issued after/)})
    expect(checks.find((c) => c.name === `SCP denies sessions before the cutoff in ${PROD}`)?.ok).toBe(true)
    expect(checks.find((c) => c.name === 'SCP containment not simulated')?.detail).toMatch(/444455556666.*only a drill/)
    expect(await mgmtRevoked()).toBe(true)
    const afterA = await lockdownScps(ROOT)
    expect(afterA.map((p) => p.name)).toEqual([`lockdown-revoke-org-${ROOT}`])

    const b = await cli(['run', playbook(orgStep('{roles: [deploy-*], settle: 0s}')), '--yes', '--json'])
    expect(b.code, b.stderr).toBe(0)
    const merged = readScpRevoke((await lockdownScps(ROOT)).map((p) => p.content))!
    expect(merged.runs).toEqual([a.json.runId, b.json.runId])
    expect(merged.roles).toEqual(['arn:aws:iam::*:role/app-*', 'arn:aws:iam::*:role/deploy-*'])
    expect(merged.cutoff).toBe(merged.parts[1]!.before)
    expect(Date.parse(merged.parts[1]!.before)).toBeGreaterThan(Date.parse(merged.parts[0]!.before))

    const undoA = await cli(['undo', a.json.runId, '--yes', '--json'])
    expect(undoA.code, undoA.stderr).toBe(0)
    const left = readScpRevoke((await lockdownScps(ROOT)).map((p) => p.content))!
    expect(left).toMatchObject({runs: [b.json.runId], roles: ['arn:aws:iam::*:role/deploy-*']})
    expect(await mgmtRevoked()).toBe(false)
    const undoB = await cli(['undo', b.json.runId, '--yes', '--json'])
    expect(undoB.code, undoB.stderr).toBe(0)
    expect(await attachedNames(ROOT)).toEqual(before)
    expect(await lockdownScps(ROOT)).toEqual([])
  })

  it('undo restores the previous document exactly, and refuses (exit 6) when lockdown’s SCP was edited since', async () => {
    const a = await cli(['run', playbook(orgStep(`{targets: [${WORKLOADS}], roles: [app-web], settle: 0s}`)), '--yes', '--json'])
    expect(a.code, a.stderr).toBe(0)
    const [previous] = await lockdownScps(WORKLOADS)
    const b = await cli(['run', playbook(orgStep(`{targets: [${WORKLOADS}], identityCenterUsers: [u-5678], settle: 0s}`)), '--yes', '--json'])
    expect(b.code, b.stderr).toBe(0)
    // An Identity Center user is proven with identitystore:userId in the simulation's context.
    const idc = (b.json.checks as {name: string; ok: boolean; detail: string}[]).find((c) => c.name === `SCP denies sessions before the cutoff in ${PROD}`)
    expect(idc).toMatchObject({ok: true, detail: expect.stringMatching(/^Identity Center user u-5678 on .*: refused by the organization when issued before/)})
    expect((await lockdownScps(WORKLOADS))[0]!.content).not.toBe(previous!.content)
    const undoB = await cli(['undo', b.json.runId, '--yes', '--json'])
    expect(undoB.code, undoB.stderr).toBe(0)
    expect(await lockdownScps(WORKLOADS)).toEqual([previous])

    // A person edits run A's part (its cutoff moved earlier): undo leaves it alone and says so.
    const policies = (await org.send(new ListPoliciesForTargetCommand({TargetId: WORKLOADS, Filter: 'SERVICE_CONTROL_POLICY'}))).Policies!
    const id = policies.find((p) => p.Name === `lockdown-revoke-org-${WORKLOADS}`)!.Id!
    await org.send(new UpdatePolicyCommand({PolicyId: id, Content: previous!.content.replace(/"aws:TokenIssueTime":"[^"]+"/, '"aws:TokenIssueTime":"2020-01-01T00:00:00.000Z"')}))
    const refused = await cli(['undo', a.json.runId, '--yes', '--json'])
    expect(refused.code).toBe(6)
    expect(refused.json.error.message).toMatch(/changed since the run/)
    const forced = await cli(['undo', a.json.runId, '--yes', '--force', '--json'])
    expect(forced.code, forced.stderr).toBe(0)
    expect(await lockdownScps(WORKLOADS)).toEqual([])
  })
})
