// revoke-org's plan-time limits against the simulated organization, each an exit 3 with the way out before
// anything is written: five SCPs per target (naming those attached and the slot lockdown's would take),
// the SCP policy type disabled on the root (EnablePolicyType only as its own, undoable change), and a
// document past 5,120 characters split over several SCPs instead; a forged journal line refused.
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {AttachPolicyCommand, CreatePolicyCommand, DetachPolicyCommand, DisablePolicyTypeCommand, ListOrganizationalUnitsForParentCommand, ListPoliciesCommand, ListPoliciesForTargetCommand, ListRootsCommand} from '@aws-sdk/client-organizations'
import {describe, expect, it} from 'vitest'

import {revokeOrg} from '../../src/actions/revoke-org.js'
import {arnLike, principalPattern} from '../../src/actions/revoke-org/params.js'
import {SCP_MAX_CHARS, readScpRevoke} from '../../src/aws/policies/scp-revoke.js'
import {runCli} from '../support/cli.js'
import {useSim} from '../support/sim.js'

const sim = await useSim({scenario: 'playbooks/scenarios/organization.yaml'})
const responder = sim.credentialsFor('responder')
const env = {AWS_ACCESS_KEY_ID: responder.accessKeyId, AWS_SECRET_ACCESS_KEY: responder.secretAccessKey}
const dir = mkdtempSync(join(tmpdir(), 'lockdown-revoke-org-limits-'))
const cli = (args: string[]) => runCli([...args, '--endpoint', sim.endpoint, '--journal-dir', dir], env)
const org = sim.clients.organizations
const ROOT = (await org.send(new ListRootsCommand({}))).Roots![0]!.Id!
const ous = async (parent: string) => (await org.send(new ListOrganizationalUnitsForParentCommand({ParentId: parent}))).OrganizationalUnits!
const WORKLOADS = (await ous(ROOT)).find((o) => o.Name === 'Workloads')!.Id!
const PROD_OU = (await ous(WORKLOADS)).find((o) => o.Name === 'Prod')!.Id!
const DEV_OU = (await ous(WORKLOADS)).find((o) => o.Name === 'Dev')!.Id!

let n = 0
function playbook(withYaml: string): string {
  const file = join(dir, `p${n++}.yaml`)
  // The caller's account alone: the SCP is written from the management account; members are not entered.
  writeFileSync(file, `version: 1\nname: org-limits\nincident: INC-16\nsteps:\n  - id: org\n    action: revoke-org\n    with: ${withYaml}\n`)
  return file
}
const attached = async (target: string) => ((await org.send(new ListPoliciesForTargetCommand({TargetId: target, Filter: 'SERVICE_CONTROL_POLICY'}))).Policies ?? []).map((p) => ({id: p.Id!, name: p.Name!}))

describe('revoke-org limits', () => {
  it('a target with all five SCP slots taken: exit 3 naming the attached SCPs and the slot lockdown’s would take', async () => {
    const extra: string[] = []
    for (const i of [1, 2, 3, 4]) {
      const content = JSON.stringify({Version: '2012-10-17', Statement: [{Effect: 'Deny', Action: `ec2:Action${i}`, Resource: '*'}]})
      const id = (await org.send(new CreatePolicyCommand({Name: `guardrail-${i}`, Content: content, Description: '', Type: 'SERVICE_CONTROL_POLICY'}))).Policy!.PolicySummary!.Id!
      await org.send(new AttachPolicyCommand({PolicyId: id, TargetId: PROD_OU}))
      extra.push(id)
    }
    try {
      const r = await cli(['plan', playbook(`{targets: [${PROD_OU}], roles: [app-*]}`), '--json'])
      expect(r.code).toBe(3)
      expect(r.json.error.message).toContain(`${PROD_OU}: lockdown needs 1 SCP`)
      expect(r.json.error.message).toMatch(/0 of the 5 slots are free; attached: FullAWSAccess \(p-FullAWSAccess\), guardrail-1 \(p-[a-z0-9]+\), .*guardrail-4/)
      expect(r.json.error.message).toContain(`SCP #6 (lockdown-revoke-org-${PROD_OU}) of at most 5`)
      expect(r.json.error.next).toMatch(/detach-policy/)
      expect((await attached(PROD_OU)).some((p) => p.name.startsWith('lockdown-'))).toBe(false)
    } finally {
      for (const id of extra) await org.send(new DetachPolicyCommand({PolicyId: id, TargetId: PROD_OU}))
    }
  })

  it('a document past 5,120 characters is split over several SCPs, each within the limit, all attached; undo removes them all', async () => {
    const roles = Array.from({length: 120}, (_, i) => `"arn:aws:iam::*:role/team-${String(i).padStart(3, '0')}/application-*"`)
    const before = await attached(DEV_OU)
    const r = await cli(['run', playbook(`{targets: [${DEV_OU}], roles: [${roles.join(', ')}], settle: 0s}`), '--yes', '--json'])
    expect(r.code, JSON.stringify(r.json?.error)).toBe(0)
    const change = r.json.plan.steps[0].changes[0]
    expect(change.after.policies.length).toBeGreaterThan(1)
    expect(change.after.policies.every((p: {content: string}) => p.content.length <= SCP_MAX_CHARS)).toBe(true)
    const names = (await attached(DEV_OU)).map((p) => p.name).filter((x) => x.startsWith('lockdown-'))
    expect(names).toEqual([`lockdown-revoke-org-${DEV_OU}`, ...change.after.policies.slice(1).map((_: unknown, i: number) => `lockdown-revoke-org-${DEV_OU}-${i + 2}`)])
    expect(readScpRevoke(change.after.policies.map((p: {content: string}) => p.content))!.roles).toHaveLength(120)
    const undo = await cli(['undo', r.json.runId, '--yes', '--json'])
    expect(undo.code, undo.stderr).toBe(0)
    expect(await attached(DEV_OU)).toEqual(before)
  })

  it('SCPs not enabled on the root: exit 3 naming enablePolicyType; with it, EnablePolicyType is its own change and undo disables it again', async () => {
    await org.send(new DisablePolicyTypeCommand({RootId: ROOT, PolicyType: 'SERVICE_CONTROL_POLICY'}))
    const refused = await cli(['plan', playbook('{roles: [app-*]}'), '--json'])
    expect(refused.code).toBe(3)
    expect(refused.json.error.message).toContain(`service control policies are not enabled on root ${ROOT}`)
    expect(refused.json.error.next).toContain(`set enablePolicyType: true on step 'org'`)
    expect(refused.json.error.next).toContain(`aws organizations enable-policy-type --root-id ${ROOT} --policy-type SERVICE_CONTROL_POLICY`)

    const r = await cli(['run', playbook('{roles: [app-*], enablePolicyType: true, settle: 0s}'), '--yes', '--json'])
    expect(r.code, JSON.stringify(r.json?.error)).toBe(0)
    const [enable, scp] = r.json.plan.steps[0].changes
    expect(enable).toMatchObject({data: {kind: 'policy-type', rootId: ROOT}, before: {policyType: 'DISABLED'}, after: {policyType: 'ENABLED'}})
    expect(enable.summary).toMatch(/^enable the SERVICE_CONTROL_POLICY policy type on root/)
    expect(scp.data.kind).toBe('scp')
    expect((await org.send(new ListRootsCommand({}))).Roots![0]!.PolicyTypes).toEqual([{Type: 'SERVICE_CONTROL_POLICY', Status: 'ENABLED'}])
    expect((await attached(ROOT)).map((p) => p.name)).toContain(`lockdown-revoke-org-${ROOT}`)
    const undo = await cli(['undo', r.json.runId, '--yes', '--json'])
    expect(undo.code, undo.stderr).toBe(0)
    expect((await org.send(new ListRootsCommand({}))).Roots![0]!.PolicyTypes ?? []).toEqual([])
  })

  it('undo of EnablePolicyType keeps the type enabled when another SCP is attached since, and says so', async () => {
    if ((await org.send(new ListRootsCommand({}))).Roots![0]!.PolicyTypes?.length) await org.send(new DisablePolicyTypeCommand({RootId: ROOT, PolicyType: 'SERVICE_CONTROL_POLICY'}))
    const r = await cli(['run', playbook('{roles: [app-*], enablePolicyType: true, settle: 0s}'), '--yes', '--json'])
    expect(r.code, JSON.stringify(r.json?.error)).toBe(0)
    const content = JSON.stringify({Version: '2012-10-17', Statement: [{Effect: 'Deny', Action: 'ec2:DeleteVpc', Resource: '*'}]})
    const id = (await org.send(new CreatePolicyCommand({Name: 'someone-elses', Content: content, Description: '', Type: 'SERVICE_CONTROL_POLICY'}))).Policy!.PolicySummary!.Id!
    await org.send(new AttachPolicyCommand({PolicyId: id, TargetId: DEV_OU}))
    const undo = await cli(['undo', r.json.runId, '--yes', '--json'])
    expect(undo.code, undo.stderr).toBe(0)
    expect(undo.json.undone.find((u: {note?: string}) => u.note?.includes('kept SERVICE_CONTROL_POLICY enabled'))?.note).toContain('someone-elses is attached')
    expect((await org.send(new ListRootsCommand({}))).Roots![0]!.PolicyTypes).toEqual([{Type: 'SERVICE_CONTROL_POLICY', Status: 'ENABLED'}])
    expect((await attached(ROOT)).some((p) => p.name.startsWith('lockdown-'))).toBe(false)
  })

  it('a forged journal line is refused before undo acts: a before that is not lockdown’s SCP, or a target that is not the one named', () => {
    const good = {
      target: `arn:aws:organizations::111122223333:root/o-a1b2c3d4e5/${ROOT}`,
      principal: `arn:aws:organizations::111122223333:root/o-a1b2c3d4e5/${ROOT}`,
      summary: 'x',
      before: {policies: []},
      after: {},
      data: {kind: 'scp', targetId: ROOT, spec: {roles: ['arn:aws:iam::*:role/app-*'], sourceIdentities: [], userIds: [], identityCenterUsers: [], exempt: []}, accounts: []},
    }
    expect(revokeOrg.checkJournal!(good)).toBeUndefined()
    const allow = JSON.stringify({Version: '2012-10-17', Statement: [{Effect: 'Allow', Action: '*', Resource: '*'}]})
    expect(revokeOrg.checkJournal!({...good, before: {policies: [{name: `lockdown-revoke-org-${ROOT}`, id: 'p-1', attached: true, content: allow}]}})).toMatch(/expected a lockdown revocation SCP/)
    expect(revokeOrg.checkJournal!({...good, target: good.target.replace(ROOT, 'r-zzzz')})).toMatch(/is not the target named in data/)
    expect(revokeOrg.checkJournal!({...good, data: {...good.data, kind: 'put-anything'}})).toMatch(/data.kind/)
  })

  it('names principals as AWS will read them: a bare name is a role at the root path, ArnLike reads the whole ARN', () => {
    expect(principalPattern('app-*')).toBe('arn:aws:iam::*:role/app-*')
    expect(principalPattern('user/alice')).toBe('arn:aws:iam::*:user/alice')
    expect(principalPattern('arn:aws:iam::*:role/aws-reserved/sso.amazonaws.com/*/AWSReservedSSO_Admin_*')).toBe('arn:aws:iam::*:role/aws-reserved/sso.amazonaws.com/*/AWSReservedSSO_Admin_*')
    expect(arnLike('arn:aws:iam::*:role/app-*', 'arn:aws:iam::222233334444:role/app-web')).toBe(true)
    expect(arnLike('arn:aws:iam::*:role/app-*', 'arn:aws:iam::222233334444:role/team/app-web')).toBe(false)
    expect(arnLike('arn:aws:iam::*:role/*/app-*', 'arn:aws:iam::222233334444:role/team/app-web')).toBe(true)
  })

  it('a half-applied SCP (created, not attached: a run killed between the writes) is partial: undo still deletes it', async () => {
    const r = await cli(['run', playbook(`{targets: [${DEV_OU}], roles: [app-*], settle: 0s}`), '--yes', '--json'])
    expect(r.code, JSON.stringify(r.json?.error)).toBe(0)
    const mine = (await attached(DEV_OU)).find((p) => p.name === `lockdown-revoke-org-${DEV_OU}`)!
    await org.send(new DetachPolicyCommand({PolicyId: mine.id, TargetId: DEV_OU}))
    expect(await revokeOrg.inspect!({...r.json.plan.steps[0].changes[0], appliedAt: new Date().toISOString()}, {clients: sim.clients, runId: r.json.runId, signal: new AbortController().signal} as never)).toBe('partial')
    const undo = await cli(['undo', r.json.runId, '--yes', '--json'])
    expect(undo.code, undo.stderr).toBe(0)
    const left = await org.send(new ListPoliciesCommand({Filter: 'SERVICE_CONTROL_POLICY'}))
    expect(left.Policies!.some((p) => p.Name === `lockdown-revoke-org-${DEV_OU}`)).toBe(false)
  })
})
