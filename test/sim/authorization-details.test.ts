// iam:GetAccountAuthorizationDetails through the real SDK: every role and user with inline policies,
// attachments and tags, the Filter, paging with MaxItems/Marker, AWS's validation errors, and the
// authorization a caller needs for it.
import {
  AttachRolePolicyCommand,
  CreatePolicyCommand,
  GetAccountAuthorizationDetailsCommand,
  type GetAccountAuthorizationDetailsCommandOutput,
  type EntityType,
} from '@aws-sdk/client-iam'
import {describe, expect, it} from 'vitest'

import {userWith} from '../support/principals.js'
import {useSim} from '../support/sim.js'

const ACCOUNT = '111122223333'
const trust = {Version: '2012-10-17', Statement: [{Effect: 'Allow', Principal: {AWS: `arn:aws:iam::${ACCOUNT}:root`}, Action: 'sts:AssumeRole'}]}
const read = {Version: '2012-10-17', Statement: [{Effect: 'Allow', Action: 's3:GetObject', Resource: '*'}]}
const sim = await useSim({
  scenario: {
    version: 1,
    account: {id: ACCOUNT},
    users: [{name: 'ci-deploy', tags: {team: 'build'}, inlinePolicies: {deploy: read}}],
    roles: [
      ...Array.from({length: 5}, (_, i) => ({name: `app-${i}`, trust, tags: {tier: `t${i}`}, inlinePolicies: {read}})),
      {name: 'ops', path: '/team/', trust},
    ],
  },
})
const iam = sim.clients.iam

const send = (input: {Filter?: EntityType[]; MaxItems?: number; Marker?: string}) => iam.send(new GetAccountAuthorizationDetailsCommand(input))

describe('GetAccountAuthorizationDetails', () => {
  it('returns each role with its trust, inline policies (URL-encoded, as AWS), tags and attachments', async () => {
    const arn = (await iam.send(new CreatePolicyCommand({PolicyName: 'ops-extra', PolicyDocument: JSON.stringify(read)}))).Policy!.Arn!
    await iam.send(new AttachRolePolicyCommand({RoleName: 'ops', PolicyArn: arn}))
    const r = await send({Filter: ['Role']})
    expect(r.IsTruncated).toBe(false)
    expect(r.UserDetailList).toEqual([])
    expect(r.Policies).toEqual([])
    expect(r.RoleDetailList!.map((x) => x.RoleName)).toEqual(['app-0', 'app-1', 'app-2', 'app-3', 'app-4', 'ops'])
    const app = r.RoleDetailList![0]!
    expect(app.Arn).toBe(`arn:aws:iam::${ACCOUNT}:role/app-0`)
    expect(JSON.parse(decodeURIComponent(app.AssumeRolePolicyDocument!))).toEqual(trust)
    expect(app.RolePolicyList!.map((p) => [p.PolicyName, JSON.parse(decodeURIComponent(p.PolicyDocument!))])).toEqual([['read', read]])
    expect(app.RolePolicyList![0]!.PolicyDocument).not.toContain('{')
    expect(app.Tags).toEqual([{Key: 'tier', Value: 't0'}])
    const ops = r.RoleDetailList![5]!
    expect(ops.Path).toBe('/team/')
    expect(ops.AttachedManagedPolicies).toEqual([{PolicyName: 'ops-extra', PolicyArn: arn}])
  })

  it('without a Filter returns users, roles and customer managed policies with their versions', async () => {
    const r = await send({MaxItems: 1000})
    expect(r.UserDetailList!.map((u) => [u.UserName, u.Tags, u.UserPolicyList!.map((p) => p.PolicyName)])).toEqual([['ci-deploy', [{Key: 'team', Value: 'build'}], ['deploy']]])
    expect(r.RoleDetailList).toHaveLength(6)
    const local = r.Policies!.find((p) => p.PolicyName === 'ops-extra')!
    expect(local.AttachmentCount).toBe(1)
    expect(local.PolicyVersionList!.map((v) => [v.VersionId, v.IsDefaultVersion])).toEqual([['v1', true]])
    expect(JSON.parse(decodeURIComponent(local.PolicyVersionList![0]!.Document!))).toEqual(read)
    expect(r.GroupDetailList).toEqual([])
  })

  it('pages with MaxItems and an opaque Marker, a page ending anywhere in the list', async () => {
    const pages: GetAccountAuthorizationDetailsCommandOutput[] = []
    let Marker: string | undefined
    do {
      const page = await send({Filter: ['User', 'Role'], MaxItems: 4, Marker})
      pages.push(page)
      Marker = page.IsTruncated ? page.Marker : undefined
    } while (Marker)
    expect(pages).toHaveLength(2)
    expect(pages[0]!.IsTruncated).toBe(true)
    expect(pages[0]!.UserDetailList!.map((u) => u.UserName)).toEqual(['ci-deploy'])
    expect(pages.flatMap((p) => p.RoleDetailList!.map((x) => x.RoleName))).toEqual(['app-0', 'app-1', 'app-2', 'app-3', 'app-4', 'ops'])
    expect(pages[1]!.Marker).toBeUndefined()
  })

  it('refuses what AWS refuses: an unknown entity type, MaxItems outside 1..1000, a bad Marker', async () => {
    await expect(send({Filter: ['Role', 'Robot' as EntityType]})).rejects.toMatchObject({
      name: 'ValidationError',
      message: expect.stringContaining("Value '[Role, Robot]' at 'filter' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [User, Role, Group, LocalManagedPolicy, AWSManagedPolicy]]"),
    })
    await expect(send({MaxItems: 1001})).rejects.toMatchObject({name: 'ValidationError', message: expect.stringContaining("at 'maxItems'")})
    await expect(send({MaxItems: 0})).rejects.toMatchObject({name: 'ValidationError'})
    await expect(send({Marker: 'not-a-marker!'})).rejects.toMatchObject({name: 'InvalidInputException', message: 'Invalid Marker.'})
  })

  it('is authorized as iam:GetAccountAuthorizationDetails: a principal without it is denied', async () => {
    const denied = sim.clientsAs(await userWith(sim, 'reader', [{Effect: 'Allow', Action: ['iam:ListRoles', 'iam:GetRolePolicy'], Resource: '*'}])).iam
    await expect(denied.send(new GetAccountAuthorizationDetailsCommand({Filter: ['Role']}))).rejects.toMatchObject({
      name: 'AccessDenied',
      message: expect.stringContaining('iam:GetAccountAuthorizationDetails'),
    })
    const allowed = sim.clientsAs(await userWith(sim, 'auditor', [{Effect: 'Allow', Action: 'iam:GetAccountAuthorizationDetails', Resource: '*'}])).iam
    expect((await allowed.send(new GetAccountAuthorizationDetailsCommand({Filter: ['Role']}))).RoleDetailList).toHaveLength(6)
  })
})
