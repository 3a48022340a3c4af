// The Organizations read API through the real SDK: the tree (roots, OUs, accounts per parent), every account
// with State and the legacy Status, paging, tags, AWS's errors, management-only access, IAM authorization,
// and throttling through the faults.
import {
  CreatePolicyCommand,
  DescribeAccountCommand,
  DescribeOrganizationCommand,
  DescribeOrganizationalUnitCommand,
  ListAccountsCommand,
  ListAccountsForParentCommand,
  ListOrganizationalUnitsForParentCommand,
  ListParentsCommand,
  ListRootsCommand,
  ListTagsForResourceCommand,
  OrganizationsClient,
  paginateListAccounts,
} from '@aws-sdk/client-organizations'
import {describe, expect, it} from 'vitest'

import {userWith} from '../support/principals.js'
import {useSim} from '../support/sim.js'

const MGMT = '111122223333'
const DEV = '222233334444'
const PROD = '333344445555'
const ORG = 'o-a1b2c3d4e5'

describe('Organizations', async () => {
  const sim = await useSim({scenario: 'playbooks/scenarios/organization.yaml'})
  const org = sim.clientsAs(sim.credentialsFor('lockdown-operator')).organizations

  it('describes the organization, to the management account and to members alike', async () => {
    const {Organization} = await org.send(new DescribeOrganizationCommand({}))
    expect(Organization).toMatchObject({Id: ORG, Arn: `arn:aws:organizations::${MGMT}:organization/${ORG}`, MasterAccountId: MGMT, FeatureSet: 'ALL'})
    const fromDev = await sim.clientsIn(DEV).organizations.send(new DescribeOrganizationCommand({}))
    expect(fromDev.Organization?.Id).toBe(ORG)
  })

  it('walks the tree: the root, OUs under each parent, the accounts directly under each', async () => {
    const {Roots} = await org.send(new ListRootsCommand({}))
    expect(Roots).toHaveLength(1)
    const root = Roots![0]!
    expect(root).toMatchObject({Name: 'Root', Arn: `arn:aws:organizations::${MGMT}:root/${ORG}/${root.Id}`})
    expect(root.Id).toMatch(/^r-[0-9a-z]{4,32}$/)
    const ous = async (parent: string) => (await org.send(new ListOrganizationalUnitsForParentCommand({ParentId: parent}))).OrganizationalUnits!
    const top = await ous(root.Id!)
    expect(top.map((o) => o.Name)).toEqual(['Workloads', 'Legacy'])
    const workloads = top.find((o) => o.Name === 'Workloads')!
    expect(workloads.Id).toMatch(/^ou-[0-9a-z]{4,32}-[0-9a-z]{8,32}$/)
    expect(workloads.Arn).toBe(`arn:aws:organizations::${MGMT}:ou/${ORG}/${workloads.Id}`)
    const [dev, prod] = await ous(workloads.Id!)
    expect([dev!.Name, prod!.Name]).toEqual(['Dev', 'Prod'])
    expect(await ous(prod!.Id!)).toEqual([])
    const accountsIn = async (parent: string) => (await org.send(new ListAccountsForParentCommand({ParentId: parent}))).Accounts!.map((a) => a.Id)
    expect(await accountsIn(root.Id!)).toEqual([MGMT, '555566667777'])
    expect(await accountsIn(prod!.Id!)).toEqual([PROD])
    expect(await accountsIn(workloads.Id!)).toEqual([])
    expect((await org.send(new ListParentsCommand({ChildId: PROD}))).Parents).toEqual([{Id: prod!.Id, Type: 'ORGANIZATIONAL_UNIT'}])
    expect((await org.send(new DescribeOrganizationalUnitCommand({OrganizationalUnitId: prod!.Id}))).OrganizationalUnit?.Name).toBe('Prod')
  })

  it('lists every account with State and the legacy Status, in pages of at most 20 joined by NextToken', async () => {
    const first = await org.send(new ListAccountsCommand({MaxResults: 2}))
    expect(first.Accounts!.map((a) => a.Id)).toEqual([MGMT, DEV])
    expect(first.NextToken).toBeTruthy()
    const all = []
    // The SDK's own client for its paginator (lockdown's loads its package on first send).
    const sdk = new OrganizationsClient({endpoint: sim.endpoint, region: 'us-east-1', credentials: sim.credentialsFor('lockdown-operator'), maxAttempts: 1})
    for await (const page of paginateListAccounts({client: sdk, pageSize: 2}, {})) all.push(...page.Accounts!)
    sdk.destroy()
    expect(all.map((a) => [a.Id, a.Name, a.State, a.Status, a.JoinedMethod])).toEqual([
      [MGMT, 'mgmt', 'ACTIVE', 'ACTIVE', 'CREATED'],
      [DEV, 'dev', 'ACTIVE', 'ACTIVE', 'CREATED'],
      [PROD, 'prod', 'ACTIVE', 'ACTIVE', 'CREATED'],
      ['444455556666', 'legacy', 'ACTIVE', 'ACTIVE', 'INVITED'],
      ['555566667777', 'sandbox', 'SUSPENDED', 'SUSPENDED', 'CREATED'],
    ])
    expect(all[0]!.JoinedTimestamp).toBeInstanceOf(Date)
    expect(all[2]!.Arn).toBe(`arn:aws:organizations::${MGMT}:account/${ORG}/${PROD}`)
    await expect(org.send(new ListAccountsCommand({MaxResults: 21}))).rejects.toMatchObject({name: 'InvalidInputException', Reason: 'MAX_VALUE_EXCEEDED'})
    // A token belongs to the listing that gave it.
    await expect(org.send(new ListRootsCommand({NextToken: first.NextToken}))).rejects.toMatchObject({name: 'InvalidInputException', Reason: 'INVALID_NEXT_TOKEN'})
  })

  it('describes one account and its tags; unknown ids are AWS errors', async () => {
    expect((await org.send(new DescribeAccountCommand({AccountId: PROD}))).Account).toMatchObject({Id: PROD, Name: 'prod', Email: `aws+${PROD}@example.com`, State: 'ACTIVE'})
    expect((await org.send(new ListTagsForResourceCommand({ResourceId: PROD}))).Tags).toEqual([{Key: 'env', Value: 'prod'}])
    await expect(org.send(new DescribeAccountCommand({AccountId: '999988887777'}))).rejects.toMatchObject({name: 'AccountNotFoundException'})
    await expect(org.send(new DescribeAccountCommand({AccountId: 'nope'}))).rejects.toMatchObject({name: 'InvalidInputException', Reason: 'INVALID_PATTERN'})
    await expect(org.send(new ListOrganizationalUnitsForParentCommand({ParentId: 'ou-abcd-12345678'}))).rejects.toMatchObject({name: 'ParentNotFoundException'})
    await expect(org.send(new ListAccountsForParentCommand({ParentId: 'r-zzzz'}))).rejects.toMatchObject({name: 'ParentNotFoundException'})
    await expect(org.send(new ListTagsForResourceCommand({ResourceId: '999988887777'}))).rejects.toMatchObject({name: 'TargetNotFoundException'})
  })

  it('answers only the management account: a member, even as its admin, gets AccessDeniedException', async () => {
    const dev = sim.clientsIn(DEV).organizations
    for (const cmd of [new ListAccountsCommand({}), new ListRootsCommand({}), new DescribeAccountCommand({AccountId: DEV})]) {
      await expect(dev.send(cmd as ListAccountsCommand)).rejects.toMatchObject({name: 'AccessDeniedException', message: "You don't have permissions to access this resource."})
    }
  })

  it('authorizes with IAM: a management-account user without organizations:* is refused', async () => {
    const key = await userWith(sim, 'no-org', [{Effect: 'Allow', Action: 'organizations:DescribeOrganization', Resource: '*'}])
    const c = sim.clientsAs(key).organizations
    await expect(c.send(new DescribeOrganizationCommand({}))).resolves.toBeTruthy()
    await expect(c.send(new ListAccountsCommand({}))).rejects.toMatchObject({
      name: 'AccessDeniedException',
      message: `User: arn:aws:iam::${MGMT}:user/no-org is not authorized to perform: organizations:ListAccounts on resource: * because no identity-based policy allows the organizations:ListAccounts action`,
    })
  })

  it('throttles with TooManyRequestsException when the faults say so, then answers again', async () => {
    try {
      sim.setFaults({organizationsThrottle: 2})
      await expect(org.send(new ListRootsCommand({}))).rejects.toMatchObject({name: 'TooManyRequestsException', $metadata: {httpStatusCode: 400}})
      await expect(org.send(new ListAccountsCommand({}))).rejects.toMatchObject({name: 'TooManyRequestsException'})
      await expect(org.send(new ListRootsCommand({}))).resolves.toBeTruthy()
      sim.setFaults({organizationsRate: 1})
      const burst = await Promise.allSettled([1, 2, 3, 4].map(() => org.send(new ListRootsCommand({}))))
      expect(burst.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason.name)).toContain('TooManyRequestsException')
    } finally {
      sim.setFaults({organizationsThrottle: 0, organizationsRate: 0})
    }
  })
})

describe('an account in no organization', async () => {
  const sim = await useSim({scenario: {account: {id: '123456789012'}, organization: false}})
  it('answers AWSOrganizationsNotInUseException', async () => {
    await expect(sim.clients.organizations.send(new DescribeOrganizationCommand({}))).rejects.toMatchObject({name: 'AWSOrganizationsNotInUseException', message: 'Your account is not a member of an organization.'})
    await expect(sim.clients.organizations.send(new ListAccountsCommand({}))).rejects.toMatchObject({name: 'AWSOrganizationsNotInUseException'})
  })
})

describe('a delegated administrator', async () => {
  const sim = await useSim({scenario: {account: {id: MGMT}, organization: {accounts: [{id: DEV}, {id: PROD}], delegatedAdministrators: [DEV]}}})
  it('reads the organization like the management account; other members and policy management stay refused', async () => {
    const dev = sim.clientsIn(DEV).organizations
    expect((await dev.send(new ListAccountsCommand({}))).Accounts!.map((a) => a.Id)).toEqual([MGMT, DEV, PROD])
    await expect(dev.send(new DescribeAccountCommand({AccountId: PROD}))).resolves.toBeTruthy()
    await expect(sim.clientsIn(PROD).organizations.send(new ListAccountsCommand({}))).rejects.toMatchObject({name: 'AccessDeniedException'})
    await expect(dev.send(new CreatePolicyCommand({Name: 'x', Description: '', Type: 'SERVICE_CONTROL_POLICY', Content: JSON.stringify({Version: '2012-10-17', Statement: [{Effect: 'Deny', Action: 'iam:*', Resource: '*'}]})}))).rejects.toMatchObject({name: 'AccessDeniedException'})
  })
})
