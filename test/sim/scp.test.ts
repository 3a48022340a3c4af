// Service control policies (issue 16's simulator part) through the real SDK: the Organizations policy API with
// AWS's limits and errors, FullAWSAccess attached by default, and authorization in member accounts bounded by
// the SCPs on the path root → OU → account — not in the management account, not for service-linked roles —
// with SimulatePrincipalPolicy reporting OrganizationsDecisionDetail.
import {ListRolesCommand, ListUsersCommand, SimulatePrincipalPolicyCommand} from '@aws-sdk/client-iam'
import {
  AttachPolicyCommand,
  CreatePolicyCommand,
  DeletePolicyCommand,
  DescribePolicyCommand,
  DetachPolicyCommand,
  DisablePolicyTypeCommand,
  EnablePolicyTypeCommand,
  ListOrganizationalUnitsForParentCommand,
  ListPoliciesCommand,
  ListPoliciesForTargetCommand,
  ListRootsCommand,
  ListTargetsForPolicyCommand,
  UpdatePolicyCommand,
} from '@aws-sdk/client-organizations'
import {AssumeRoleCommand, type Credentials} from '@aws-sdk/client-sts'
import {describe, expect, it} from 'vitest'

import type {Scenario} from '../../src/sim/index.js'
import {userWith} from '../support/principals.js'
import {useSim} from '../support/sim.js'

const MGMT = '111122223333'
const DEV = '222233334444'
const PROD = '333344445555'
const admin = {Version: '2012-10-17', Statement: [{Effect: 'Allow', Principal: {AWS: `arn:aws:iam::${PROD}:root`}, Action: 'sts:AssumeRole'}]}
const scenario: Scenario = {
  account: {id: MGMT},
  organization: {
    ous: [{name: 'Prod'}],
    accounts: [
      {id: DEV, name: 'dev'},
      {
        id: PROD,
        name: 'prod',
        ou: 'Prod',
        users: [{name: 'ops', managedPolicies: ['arn:aws:iam::aws:policy/AdministratorAccess'], accessKeys: [{}]}],
        roles: [
          {name: 'app', trust: admin, managedPolicies: ['arn:aws:iam::aws:policy/AdministratorAccess']},
          {name: 'AWSServiceRoleForSupport', path: '/aws-service-role/support.amazonaws.com/', trust: admin, managedPolicies: ['arn:aws:iam::aws:policy/AdministratorAccess']},
        ],
      },
    ],
    // Declared SCPs apply from the start: nobody in dev may list roles.
    policies: [{name: 'no-list-roles', content: {Version: '2012-10-17', Statement: [{Effect: 'Deny', Action: 'iam:ListRoles', Resource: '*'}]}, targets: [DEV]}],
  },
}
const doc = (statements: unknown[]) => JSON.stringify({Version: '2012-10-17', Statement: statements})
const DENY_LIST_USERS = doc([{Effect: 'Deny', Action: 'iam:ListUsers', Resource: '*'}])

describe('service control policies', async () => {
  const sim = await useSim({scenario})
  const org = sim.clients.organizations
  const rootId = (await org.send(new ListRootsCommand({}))).Roots![0]!.Id!
  const prodOu = (await org.send(new ListOrganizationalUnitsForParentCommand({ParentId: rootId}))).OrganizationalUnits![0]!.Id!
  const as = (c: Credentials) => sim.clientsAs({accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken!})
  const into = async (role: string) => as((await sim.clientsAs(sim.credentialsFor('ops', PROD)).sts.send(new AssumeRoleCommand({RoleArn: `arn:aws:iam::${PROD}:role${role}`, RoleSessionName: 's1'}))).Credentials!)

  it('has SCPs enabled with FullAWSAccess on the root, every OU and every account', async () => {
    expect((await org.send(new ListRootsCommand({}))).Roots![0]!.PolicyTypes).toEqual([{Type: 'SERVICE_CONTROL_POLICY', Status: 'ENABLED'}])
    const full = (await org.send(new ListPoliciesCommand({Filter: 'SERVICE_CONTROL_POLICY'}))).Policies!.find((p) => p.Name === 'FullAWSAccess')!
    expect(full).toMatchObject({Id: 'p-FullAWSAccess', AwsManaged: true, Arn: 'arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess'})
    const targets = (await org.send(new ListTargetsForPolicyCommand({PolicyId: full.Id}))).Targets!
    expect(targets.map((t) => [t.TargetId, t.Type])).toEqual([[rootId, 'ROOT'], [prodOu, 'ORGANIZATIONAL_UNIT'], [MGMT, 'ACCOUNT'], [DEV, 'ACCOUNT'], [PROD, 'ACCOUNT']])
    expect((await org.send(new ListPoliciesForTargetCommand({TargetId: DEV, Filter: 'SERVICE_CONTROL_POLICY'}))).Policies!.map((p) => p.Name)).toEqual(['FullAWSAccess', 'no-list-roles'])
    await expect(sim.clientsIn(DEV).iam.send(new ListRolesCommand({}))).rejects.toMatchObject({
      name: 'AccessDenied',
      message: `User: arn:aws:iam::${DEV}:root is not authorized to perform: iam:ListRoles on resource: arn:aws:iam::${DEV}:role/ with an explicit deny in a service control policy`,
    })
  })

  it('bounds member principals (their root too) by the SCPs on root → OU → account, never the management account', async () => {
    const pol = (await org.send(new CreatePolicyCommand({Name: 'deny-list-users', Description: 'test', Type: 'SERVICE_CONTROL_POLICY', Content: DENY_LIST_USERS}))).Policy!
    expect(pol.PolicySummary?.Id).toMatch(/^p-[0-9a-z]{8,128}$/)
    expect(pol.PolicySummary?.Arn).toBe(`arn:aws:organizations::${MGMT}:policy/${sim.organization!.id}/service_control_policy/${pol.PolicySummary!.Id}`)
    await org.send(new AttachPolicyCommand({PolicyId: pol.PolicySummary!.Id, TargetId: prodOu}))
    const app = await into('/app')
    await expect(app.iam.send(new ListUsersCommand({}))).rejects.toMatchObject({name: 'AccessDenied', message: expect.stringContaining('with an explicit deny in a service control policy')})
    await expect(app.iam.send(new ListRolesCommand({}))).resolves.toBeTruthy()
    await expect(sim.clientsIn(PROD).iam.send(new ListUsersCommand({}))).rejects.toMatchObject({name: 'AccessDenied'})
    await expect(sim.clientsIn(DEV).iam.send(new ListUsersCommand({}))).resolves.toBeTruthy()
    // On the root it reaches every member, yet the management account stays unbounded, as in AWS.
    await org.send(new AttachPolicyCommand({PolicyId: pol.PolicySummary!.Id, TargetId: rootId}))
    await expect(sim.clientsIn(DEV).iam.send(new ListUsersCommand({}))).rejects.toMatchObject({name: 'AccessDenied'})
    await expect(sim.clients.iam.send(new ListUsersCommand({}))).resolves.toBeTruthy()
    // Service-linked roles are not bound by SCPs.
    await expect((await into('/aws-service-role/support.amazonaws.com/AWSServiceRoleForSupport')).iam.send(new ListUsersCommand({}))).resolves.toBeTruthy()
    await org.send(new DetachPolicyCommand({PolicyId: pol.PolicySummary!.Id, TargetId: rootId}))
    await expect(sim.clientsIn(DEV).iam.send(new ListUsersCommand({}))).resolves.toBeTruthy()
    // The caller's SCPs bound AssumeRole too: a member principal cannot assume what its account's SCPs deny.
    const noAssume = (await org.send(new CreatePolicyCommand({Name: 'no-assume', Description: '', Type: 'SERVICE_CONTROL_POLICY', Content: doc([{Effect: 'Deny', Action: 'sts:AssumeRole', Resource: '*'}])}))).Policy!.PolicySummary!
    await org.send(new AttachPolicyCommand({PolicyId: noAssume.Id, TargetId: PROD}))
    await expect(into('/app')).rejects.toMatchObject({name: 'AccessDenied'})
    await org.send(new DetachPolicyCommand({PolicyId: noAssume.Id, TargetId: PROD}))
    await expect(into('/app')).resolves.toBeTruthy()
    await org.send(new DetachPolicyCommand({PolicyId: pol.PolicySummary!.Id, TargetId: prodOu}))
    await expect(app.iam.send(new ListUsersCommand({}))).resolves.toBeTruthy()
  })

  it('reports the SCPs in SimulatePrincipalPolicy: OrganizationsDecisionDetail.AllowedByOrganizations, before and after a cutoff', async () => {
    const cutoff = '2026-01-01T00:00:00Z'
    const revoke = doc([{Effect: 'Deny', Action: '*', Resource: '*', Condition: {DateLessThan: {'aws:TokenIssueTime': cutoff}}}])
    const pol = (await org.send(new CreatePolicyCommand({Name: 'revoke-older', Description: '', Type: 'SERVICE_CONTROL_POLICY', Content: revoke}))).Policy!.PolicySummary!
    await org.send(new AttachPolicyCommand({PolicyId: pol.Id, TargetId: PROD}))
    const simulate = (issued: string) =>
      sim.clientsIn(PROD).iam.send(
        new SimulatePrincipalPolicyCommand({
          PolicySourceArn: `arn:aws:iam::${PROD}:role/app`,
          ActionNames: ['iam:GetUser'],
          ContextEntries: [{ContextKeyName: 'aws:TokenIssueTime', ContextKeyType: 'date', ContextKeyValues: [issued]}],
        }),
      )
    const before = (await simulate('2025-12-31T23:00:00Z')).EvaluationResults![0]!
    expect(before).toMatchObject({EvalDecision: 'explicitDeny', OrganizationsDecisionDetail: {AllowedByOrganizations: false}})
    const after = (await simulate('2026-01-01T01:00:00Z')).EvaluationResults![0]!
    expect(after).toMatchObject({EvalDecision: 'allowed', OrganizationsDecisionDetail: {AllowedByOrganizations: true}})
    // The management account has no SCPs to report, even with one attached to the root.
    await org.send(new AttachPolicyCommand({PolicyId: pol.Id, TargetId: rootId}))
    await userWith(sim, 'mgmt-probe', [{Effect: 'Allow', Action: 'iam:GetUser', Resource: '*'}])
    const mgmt = (await sim.clients.iam.send(new SimulatePrincipalPolicyCommand({PolicySourceArn: `arn:aws:iam::${MGMT}:user/mgmt-probe`, ActionNames: ['iam:GetUser']}))).EvaluationResults![0]!
    expect(mgmt.EvalDecision).toBe('allowed')
    expect(mgmt.OrganizationsDecisionDetail).toBeUndefined()
    await org.send(new DetachPolicyCommand({PolicyId: pol.Id, TargetId: rootId}))
    await org.send(new DetachPolicyCommand({PolicyId: pol.Id, TargetId: PROD}))
    await org.send(new DeletePolicyCommand({PolicyId: pol.Id}))
    await expect(org.send(new DescribePolicyCommand({PolicyId: pol.Id}))).rejects.toMatchObject({name: 'PolicyNotFoundException'})
  })

  it('refuses what AWS refuses: size, a malformed document, a sixth attachment, the last detach, FullAWSAccess edits, deleting an attached policy', async () => {
    const big = doc([{Effect: 'Deny', Action: Array.from({length: 400}, (_, i) => `iam:Action${i}`), Resource: '*'}])
    await expect(org.send(new CreatePolicyCommand({Name: 'big', Description: '', Type: 'SERVICE_CONTROL_POLICY', Content: big}))).rejects.toMatchObject({name: 'ConstraintViolationException', Reason: 'POLICY_CONTENT_LIMIT_EXCEEDED'})
    await expect(org.send(new CreatePolicyCommand({Name: 'bad', Description: '', Type: 'SERVICE_CONTROL_POLICY', Content: '{"Statement": ['}))).rejects.toMatchObject({name: 'MalformedPolicyDocumentException'})
    const ids = []
    for (const n of [1, 2, 3, 4, 5]) ids.push((await org.send(new CreatePolicyCommand({Name: `p${n}`, Description: '', Type: 'SERVICE_CONTROL_POLICY', Content: doc([{Effect: 'Deny', Action: `iam:Tag${n}`, Resource: '*'}])}))).Policy!.PolicySummary!.Id!)
    await expect(org.send(new CreatePolicyCommand({Name: 'p1', Description: '', Type: 'SERVICE_CONTROL_POLICY', Content: DENY_LIST_USERS}))).rejects.toMatchObject({name: 'DuplicatePolicyException'})
    for (const id of ids.slice(0, 4)) await org.send(new AttachPolicyCommand({PolicyId: id, TargetId: PROD}))
    await expect(org.send(new AttachPolicyCommand({PolicyId: ids[4], TargetId: PROD}))).rejects.toMatchObject({name: 'ConstraintViolationException', Reason: 'POLICY_NUMBER_LIMIT_EXCEEDED'})
    await expect(org.send(new AttachPolicyCommand({PolicyId: ids[0], TargetId: PROD}))).rejects.toMatchObject({name: 'DuplicatePolicyAttachmentException'})
    await expect(org.send(new DeletePolicyCommand({PolicyId: ids[0]}))).rejects.toMatchObject({name: 'PolicyInUseException'})
    await expect(org.send(new DetachPolicyCommand({PolicyId: 'p-FullAWSAccess', TargetId: prodOu}))).rejects.toMatchObject({name: 'ConstraintViolationException', Reason: 'MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED'})
    await expect(org.send(new UpdatePolicyCommand({PolicyId: 'p-FullAWSAccess', Content: DENY_LIST_USERS}))).rejects.toMatchObject({name: 'InvalidInputException', Reason: 'IMMUTABLE_POLICY'})
    // An update takes effect at once for the principals it bounds.
    await org.send(new UpdatePolicyCommand({PolicyId: ids[0], Content: DENY_LIST_USERS}))
    await expect(sim.clientsIn(PROD).iam.send(new ListUsersCommand({}))).rejects.toMatchObject({name: 'AccessDenied'})
    for (const id of ids.slice(0, 4)) await org.send(new DetachPolicyCommand({PolicyId: id, TargetId: PROD}))
    await expect(sim.clientsIn(PROD).iam.send(new ListUsersCommand({}))).resolves.toBeTruthy()
  })

  it('with the policy type disabled: no SCP applies and attaching is PolicyTypeNotEnabledException; enabling again attaches FullAWSAccess everywhere', async () => {
    const pol = (await org.send(new CreatePolicyCommand({Name: 'while-disabled', Description: '', Type: 'SERVICE_CONTROL_POLICY', Content: DENY_LIST_USERS}))).Policy!.PolicySummary!
    const off = await org.send(new DisablePolicyTypeCommand({RootId: rootId, PolicyType: 'SERVICE_CONTROL_POLICY'}))
    expect(off.Root?.PolicyTypes).toEqual([])
    await expect(sim.clientsIn(DEV).iam.send(new ListRolesCommand({}))).resolves.toBeTruthy()
    await expect(org.send(new AttachPolicyCommand({PolicyId: pol.Id, TargetId: PROD}))).rejects.toMatchObject({name: 'PolicyTypeNotEnabledException'})
    await expect(org.send(new DisablePolicyTypeCommand({RootId: rootId, PolicyType: 'SERVICE_CONTROL_POLICY'}))).rejects.toMatchObject({name: 'PolicyTypeNotEnabledException'})
    await org.send(new EnablePolicyTypeCommand({RootId: rootId, PolicyType: 'SERVICE_CONTROL_POLICY'}))
    await expect(org.send(new EnablePolicyTypeCommand({RootId: rootId, PolicyType: 'SERVICE_CONTROL_POLICY'}))).rejects.toMatchObject({name: 'PolicyTypeAlreadyEnabledException'})
    expect((await org.send(new ListPoliciesForTargetCommand({TargetId: DEV, Filter: 'SERVICE_CONTROL_POLICY'}))).Policies!.map((p) => p.Name)).toEqual(['FullAWSAccess'])
    // Declared SCPs went with the disable: dev may list roles again.
    await expect(sim.clientsIn(DEV).iam.send(new ListRolesCommand({}))).resolves.toBeTruthy()
  })

  it('lets only the management account manage policies', async () => {
    await expect(sim.clientsIn(DEV).organizations.send(new CreatePolicyCommand({Name: 'x', Description: '', Type: 'SERVICE_CONTROL_POLICY', Content: DENY_LIST_USERS}))).rejects.toMatchObject({name: 'AccessDeniedException'})
  })
})
