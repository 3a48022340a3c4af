// IAM through the real SDK: users, keys, roles, inline and managed policies, tags, paging, error codes.
import {
  AttachRolePolicyCommand,
  CreateAccessKeyCommand,
  CreatePolicyCommand,
  CreatePolicyVersionCommand,
  CreateRoleCommand,
  CreateUserCommand,
  DeleteAccessKeyCommand,
  DeletePolicyCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  DeleteUserCommand,
  DetachRolePolicyCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  GetUserCommand,
  ListAccessKeysCommand,
  ListAttachedRolePoliciesCommand,
  ListPoliciesCommand,
  ListPolicyVersionsCommand,
  ListRolePoliciesCommand,
  ListRolesCommand,
  ListRoleTagsCommand,
  ListUsersCommand,
  ListUserTagsCommand,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
  SetDefaultPolicyVersionCommand,
  TagRoleCommand,
  UntagRoleCommand,
  UpdateAccessKeyCommand,
  UpdateAssumeRolePolicyCommand,
  UpdateRoleCommand,
  TagUserCommand,
  UntagUserCommand,
  paginateListUsers,
} from '@aws-sdk/client-iam'
import {describe, expect, it} from 'vitest'

import {useSim} from '../support/sim.js'

const trust = (principal: string) => JSON.stringify({Version: '2012-10-17', Statement: [{Effect: 'Allow', Principal: {AWS: principal}, Action: 'sts:AssumeRole'}]})
// The SDK's adaptive retry treats LimitExceeded as throttling and slows the client down: those cases
// get a client of their own so the rest of the file keeps its pace.
const allow = (action: string | string[]) => JSON.stringify({Version: '2012-10-17', Statement: [{Effect: 'Allow', Action: action, Resource: '*'}]})

describe('IAM users and access keys', async () => {
  const sim = await useSim({scenario: 'playbooks/scenarios/empty-account.yaml'})
  const iam = sim.clients.iam

  it('creates, gets, tags and deletes users; duplicate and missing names give AWS error codes', async () => {
    const created = await iam.send(new CreateUserCommand({UserName: 'alice', Path: '/staff/', Tags: [{Key: 'team', Value: 'sec'}]}))
    expect(created.User).toMatchObject({UserName: 'alice', Path: '/staff/', Arn: `arn:aws:iam::${sim.accountId}:user/staff/alice`})
    expect(created.User?.UserId).toMatch(/^AIDA[A-Z2-7]{17}$/)
    expect(created.User?.CreateDate).toBeInstanceOf(Date)
    await expect(iam.send(new CreateUserCommand({UserName: 'alice'}))).rejects.toMatchObject({name: 'EntityAlreadyExistsException', $metadata: {httpStatusCode: 409}})
    await expect(iam.send(new GetUserCommand({UserName: 'nobody'}))).rejects.toMatchObject({name: 'NoSuchEntityException', message: 'The user with name nobody cannot be found.', $metadata: {httpStatusCode: 404}})
    await iam.send(new TagUserCommand({UserName: 'alice', Tags: [{Key: 'env', Value: 'prod'}]}))
    await iam.send(new UntagUserCommand({UserName: 'alice', TagKeys: ['team']}))
    expect((await iam.send(new ListUserTagsCommand({UserName: 'alice'}))).Tags).toEqual([{Key: 'env', Value: 'prod'}])
    expect((await iam.send(new ListUsersCommand({PathPrefix: '/staff/'}))).Users?.map((u) => u.UserName)).toEqual(['alice'])
    expect((await iam.send(new ListUsersCommand({PathPrefix: '/other/'}))).Users).toEqual([])
  })

  it('pages users with Marker/MaxItems/IsTruncated exactly as AWS does', async () => {
    for (let i = 0; i < 7; i++) await iam.send(new CreateUserCommand({UserName: `pager-${i}`}))
    const first = await iam.send(new ListUsersCommand({MaxItems: 3}))
    expect(first.Users).toHaveLength(3)
    expect(first.IsTruncated).toBe(true)
    expect(first.Marker).toBeTruthy()
    const names: string[] = []
    for await (const page of paginateListUsers({client: iam, pageSize: 3}, {})) names.push(...(page.Users ?? []).map((u) => u.UserName!))
    expect(names).toHaveLength(8)
    expect(new Set(names).size).toBe(8)
    await expect(iam.send(new ListUsersCommand({MaxItems: 0}))).rejects.toMatchObject({name: 'ValidationError'})
  })

  it('creates at most two keys per user, updates status, refuses deleting a user with keys', async () => {
    await iam.send(new CreateUserCommand({UserName: 'keyed'}))
    const k1 = await iam.send(new CreateAccessKeyCommand({UserName: 'keyed'}))
    expect(k1.AccessKey?.AccessKeyId).toMatch(/^AKIA[A-Z2-7]{16}$/)
    expect(k1.AccessKey?.SecretAccessKey).toHaveLength(40)
    expect(k1.AccessKey?.Status).toBe('Active')
    await iam.send(new CreateAccessKeyCommand({UserName: 'keyed'}))
    await expect(sim.clientsAs(sim.rootCredentials).iam.send(new CreateAccessKeyCommand({UserName: 'keyed'}))).rejects.toMatchObject({name: 'LimitExceededException', message: 'Cannot exceed quota for AccessKeysPerUser: 2'})
    await iam.send(new UpdateAccessKeyCommand({UserName: 'keyed', AccessKeyId: k1.AccessKey!.AccessKeyId!, Status: 'Inactive'}))
    const list = await iam.send(new ListAccessKeysCommand({UserName: 'keyed'}))
    expect(list.AccessKeyMetadata?.find((k) => k.AccessKeyId === k1.AccessKey?.AccessKeyId)?.Status).toBe('Inactive')
    await expect(iam.send(new DeleteUserCommand({UserName: 'keyed'}))).rejects.toMatchObject({name: 'DeleteConflictException'})
    for (const k of list.AccessKeyMetadata!) await iam.send(new DeleteAccessKeyCommand({UserName: 'keyed', AccessKeyId: k.AccessKeyId!}))
    await iam.send(new DeleteUserCommand({UserName: 'keyed'}))
    await expect(iam.send(new GetUserCommand({UserName: 'keyed'}))).rejects.toMatchObject({name: 'NoSuchEntityException'})
  })

  it('enforces the 2,048-character aggregate inline limit for users, not counting whitespace', async () => {
    await iam.send(new CreateUserCommand({UserName: 'limited'}))
    const padded = (n: number) => JSON.stringify({Version: '2012-10-17', Statement: [{Sid: 'x'.repeat(n), Effect: 'Allow', Action: 'iam:GetUser', Resource: '*'}]})
    const base = padded(0).length
    await iam.send(new PutUserPolicyCommand({UserName: 'limited', PolicyName: 'a', PolicyDocument: padded(1000 - base)}))
    // Whitespace does not count: a pretty-printed 1,048-character document still fits.
    const pretty = JSON.stringify(JSON.parse(padded(1048 - base)), null, 8)
    expect(pretty.length).toBeGreaterThan(1048 + 100)
    await iam.send(new PutUserPolicyCommand({UserName: 'limited', PolicyName: 'b', PolicyDocument: pretty}))
    await expect(sim.clientsAs(sim.rootCredentials).iam.send(new PutUserPolicyCommand({UserName: 'limited', PolicyName: 'c', PolicyDocument: padded(10)}))).rejects.toMatchObject({
      name: 'LimitExceededException',
      message: 'Maximum policy size of 2048 bytes exceeded for user limited',
    })
  })
})

describe('IAM roles and policies', async () => {
  const sim = await useSim({scenario: 'playbooks/scenarios/empty-account.yaml'})
  const iam = sim.clients.iam
  const acct = sim.accountId

  it('creates roles with trust, description, MaxSessionDuration and tags; updates them', async () => {
    const r = await iam.send(new CreateRoleCommand({RoleName: 'app', Path: '/apps/', AssumeRolePolicyDocument: trust(`arn:aws:iam::${acct}:root`), Description: 'd', MaxSessionDuration: 7200, Tags: [{Key: 'app', Value: 'x'}]}))
    expect(r.Role).toMatchObject({RoleName: 'app', Path: '/apps/', Arn: `arn:aws:iam::${acct}:role/apps/app`, MaxSessionDuration: 7200, Description: 'd'})
    expect(r.Role?.RoleId).toMatch(/^AROA/)
    // AWS returns policy documents URL-encoded.
    expect(JSON.parse(decodeURIComponent(r.Role!.AssumeRolePolicyDocument!))).toEqual(JSON.parse(trust(`arn:aws:iam::${acct}:root`)))
    await iam.send(new UpdateRoleCommand({RoleName: 'app', MaxSessionDuration: 43200}))
    await expect(iam.send(new UpdateRoleCommand({RoleName: 'app', MaxSessionDuration: 50000}))).rejects.toMatchObject({name: 'ValidationError'})
    await iam.send(new UpdateAssumeRolePolicyCommand({RoleName: 'app', PolicyDocument: trust(`arn:aws:iam::${acct}:user/x`)}))
    const got = await iam.send(new GetRoleCommand({RoleName: 'app'}))
    expect(got.Role?.MaxSessionDuration).toBe(43200)
    expect(decodeURIComponent(got.Role!.AssumeRolePolicyDocument!)).toContain('user/x')
    await iam.send(new TagRoleCommand({RoleName: 'app', Tags: [{Key: 'lockdown:incident', Value: 'INC-1'}]}))
    await iam.send(new UntagRoleCommand({RoleName: 'app', TagKeys: ['app']}))
    expect((await iam.send(new ListRoleTagsCommand({RoleName: 'app'}))).Tags).toEqual([{Key: 'lockdown:incident', Value: 'INC-1'}])
    await iam.send(new CreateRoleCommand({RoleName: 'other', AssumeRolePolicyDocument: trust(`arn:aws:iam::${acct}:root`)}))
    expect((await iam.send(new ListRolesCommand({PathPrefix: '/apps/'}))).Roles?.map((x) => x.RoleName)).toEqual(['app'])
    expect((await iam.send(new ListRolesCommand({}))).Roles?.map((x) => x.RoleName)).toEqual(['app', 'other'])
    await expect(iam.send(new CreateRoleCommand({RoleName: 'bad', AssumeRolePolicyDocument: '{not json'}))).rejects.toMatchObject({name: 'MalformedPolicyDocumentException'})
    await expect(iam.send(new PutRolePolicyCommand({RoleName: 'app', PolicyName: 'x', PolicyDocument: JSON.stringify({Version: '2012-10-17', Statement: [{Effect: 'Deny', Action: '*', Resource: '*', Condition: {DateLessThenn: {'aws:TokenIssueTime': '2020-01-01T00:00:00Z'}}}]})}))).rejects.toMatchObject({
      name: 'MalformedPolicyDocumentException',
      message: 'Invalid Condition type : DateLessThenn.',
    })
    await expect(iam.send(new PutRolePolicyCommand({RoleName: 'app', PolicyName: 'x', PolicyDocument: allow('ListRoles')}))).rejects.toMatchObject({name: 'MalformedPolicyDocumentException'})
    await expect(iam.send(new GetRoleCommand({} as {RoleName: string}))).rejects.toMatchObject({name: 'ValidationError', message: expect.stringContaining("Value null at 'roleName'")})
  })

  it('stores inline role policies and enforces the 10,240-character aggregate limit', async () => {
    await iam.send(new PutRolePolicyCommand({RoleName: 'app', PolicyName: 'read', PolicyDocument: allow('iam:Get*')}))
    expect((await iam.send(new ListRolePoliciesCommand({RoleName: 'app'}))).PolicyNames).toEqual(['read'])
    const got = await iam.send(new GetRolePolicyCommand({RoleName: 'app', PolicyName: 'read'}))
    expect(JSON.parse(decodeURIComponent(got.PolicyDocument!))).toEqual(JSON.parse(allow('iam:Get*')))
    const big = JSON.stringify({Version: '2012-10-17', Statement: [{Sid: 'a'.repeat(10_240 - 120), Effect: 'Deny', Action: '*', Resource: '*'}]})
    await expect(sim.clientsAs(sim.rootCredentials).iam.send(new PutRolePolicyCommand({RoleName: 'app', PolicyName: 'big', PolicyDocument: big}))).rejects.toMatchObject({
      name: 'LimitExceededException',
      message: 'Maximum policy size of 10240 bytes exceeded for role app',
    })
    await expect(iam.send(new DeleteRoleCommand({RoleName: 'app'}))).rejects.toMatchObject({name: 'DeleteConflictException'})
    await iam.send(new DeleteRolePolicyCommand({RoleName: 'app', PolicyName: 'read'}))
    await expect(iam.send(new GetRolePolicyCommand({RoleName: 'app', PolicyName: 'read'}))).rejects.toMatchObject({name: 'NoSuchEntityException'})
  })

  it('manages customer policies with versions, and attaches AWS and customer policies to roles', async () => {
    const p = await iam.send(new CreatePolicyCommand({PolicyName: 'ops', PolicyDocument: allow('iam:List*'), Description: 'ops'}))
    expect(p.Policy).toMatchObject({PolicyName: 'ops', DefaultVersionId: 'v1', AttachmentCount: 0, Arn: `arn:aws:iam::${acct}:policy/ops`})
    await iam.send(new CreatePolicyVersionCommand({PolicyArn: p.Policy!.Arn!, PolicyDocument: allow('iam:Get*'), SetAsDefault: true}))
    await iam.send(new CreatePolicyVersionCommand({PolicyArn: p.Policy!.Arn!, PolicyDocument: allow('iam:Tag*')}))
    const versions = await iam.send(new ListPolicyVersionsCommand({PolicyArn: p.Policy!.Arn!}))
    expect(versions.Versions?.map((v) => [v.VersionId, v.IsDefaultVersion])).toEqual([
      ['v3', false],
      ['v2', true],
      ['v1', false],
    ])
    const v2 = await iam.send(new GetPolicyVersionCommand({PolicyArn: p.Policy!.Arn!, VersionId: 'v2'}))
    expect(JSON.parse(decodeURIComponent(v2.PolicyVersion!.Document!))).toEqual(JSON.parse(allow('iam:Get*')))
    await iam.send(new SetDefaultPolicyVersionCommand({PolicyArn: p.Policy!.Arn!, VersionId: 'v3'}))
    expect((await iam.send(new GetPolicyCommand({PolicyArn: p.Policy!.Arn!}))).Policy?.DefaultVersionId).toBe('v3')
    for (let i = 0; i < 2; i++) await iam.send(new CreatePolicyVersionCommand({PolicyArn: p.Policy!.Arn!, PolicyDocument: allow('iam:Get*')}))
    await expect(sim.clientsAs(sim.rootCredentials).iam.send(new CreatePolicyVersionCommand({PolicyArn: p.Policy!.Arn!, PolicyDocument: allow('iam:Get*')}))).rejects.toMatchObject({name: 'LimitExceededException'})

    await iam.send(new AttachRolePolicyCommand({RoleName: 'other', PolicyArn: p.Policy!.Arn!}))
    await iam.send(new AttachRolePolicyCommand({RoleName: 'other', PolicyArn: 'arn:aws:iam::aws:policy/SecurityAudit'}))
    const attached = await iam.send(new ListAttachedRolePoliciesCommand({RoleName: 'other'}))
    expect(attached.AttachedPolicies?.map((x) => x.PolicyName).sort()).toEqual(['SecurityAudit', 'ops'])
    expect((await iam.send(new GetPolicyCommand({PolicyArn: p.Policy!.Arn!}))).Policy?.AttachmentCount).toBe(1)
    const aws = await iam.send(new ListPoliciesCommand({Scope: 'AWS'}))
    expect(aws.Policies?.map((x) => x.PolicyName).sort()).toEqual(['AdministratorAccess', 'ReadOnlyAccess', 'SecurityAudit'])
    expect((await iam.send(new ListPoliciesCommand({Scope: 'Local', OnlyAttached: true}))).Policies?.map((x) => x.PolicyName)).toEqual(['ops'])
    await expect(iam.send(new DeletePolicyCommand({PolicyArn: p.Policy!.Arn!}))).rejects.toMatchObject({name: 'DeleteConflictException'})
    await iam.send(new DetachRolePolicyCommand({RoleName: 'other', PolicyArn: p.Policy!.Arn!}))
    await expect(iam.send(new DetachRolePolicyCommand({RoleName: 'other', PolicyArn: p.Policy!.Arn!}))).rejects.toMatchObject({name: 'NoSuchEntityException'})
    await expect(iam.send(new AttachRolePolicyCommand({RoleName: 'other', PolicyArn: `arn:aws:iam::${acct}:policy/missing`}))).rejects.toMatchObject({name: 'NoSuchEntityException'})
  })
})
