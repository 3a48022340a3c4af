// Entering an account (src/aws/access.ts) through the real SDK against the simulator: the chain of
// AssumeRole calls, its session name and SourceIdentity as the target's trail records them, ExternalId on
// the last hop, renewal before the session expires, and an unreachable account named with its reason.
import {CreateRoleCommand} from '@aws-sdk/client-iam'
import {describe, expect, it} from 'vitest'

import {assumeChain, enterAccount, AccountUnreachableError, sourceIdentityOf, sessionNameFor, type AccessBase} from '../../src/aws/access.js'
import {getIdentity} from '../../src/aws/identity.js'
import {makeClients} from '../../src/aws/clients.js'
import {useSim} from '../support/sim.js'
import {userWith} from '../support/principals.js'

const sim = await useSim({scenario: 'playbooks/scenarios/empty-account.yaml'})
const account = sim.accountId
const trust = (principal: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({Version: '2012-10-17', Statement: [{Effect: 'Allow', Principal: {AWS: principal}, Action: ['sts:AssumeRole', 'sts:SetSourceIdentity'], ...extra}]})
await sim.clients.iam.send(new CreateRoleCommand({RoleName: 'hub', AssumeRolePolicyDocument: trust(`arn:aws:iam::${account}:root`)}))
await sim.clients.iam.send(
  new CreateRoleCommand({RoleName: 'access', AssumeRolePolicyDocument: trust(`arn:aws:iam::${account}:role/hub`, {Condition: {StringEquals: {'sts:ExternalId': 'xyz-123'}}})}),
)
const keys = await userWith(sim, 'alice', [{Effect: 'Allow', Action: ['sts:AssumeRole', 'sts:SetSourceIdentity', 'iam:GetUser'], Resource: '*'}])
const aws = {endpoint: sim.endpoint, region: sim.region, maxAttempts: 1}
const alice = makeClients({...aws, credentials: keys})
const id = await getIdentity(alice)
const base: AccessBase = {clients: alice, aws, identity: {...id, principalArn: id.arn}}
const assumes = () => sim.records().filter((r) => r.eventName === 'AssumeRole' && !r.errorCode) as {requestParameters: Record<string, string>}[]

describe('entering an account', () => {
  it('the caller’s own account is reached with the caller’s credentials, no AssumeRole', async () => {
    const before = assumes().length
    const e = await enterAccount(base, account, {role: 'access'}, {runId: 'r1'})
    expect(e.access).toBe('caller')
    expect(e.clients).toBe(alice)
    expect(assumes().length).toBe(before)
  })

  it('a chain assumes each hop with session lockdown-<run id>, SourceIdentity the caller’s name, ExternalId on the last hop', async () => {
    const before = assumes().length
    const clients = assumeChain(base, [`arn:aws:iam::${account}:role/hub`, `arn:aws:iam::${account}:role/access`], {runId: '20261201T193000Z-ab12', externalId: 'xyz-123'})
    const who = await getIdentity(clients)
    expect(who.arn).toBe(`arn:aws:sts::${account}:assumed-role/access/lockdown-20261201T193000Z-ab12`)
    const made = assumes().slice(before)
    expect(made.map((r) => r.requestParameters.roleArn)).toEqual([`arn:aws:iam::${account}:role/hub`, `arn:aws:iam::${account}:role/access`])
    expect(made.map((r) => r.requestParameters.roleSessionName)).toEqual(['lockdown-20261201T193000Z-ab12', 'lockdown-20261201T193000Z-ab12'])
    expect(made[0].requestParameters.sourceIdentity).toBe('alice')
    expect(made[1].requestParameters.externalId).toBe('xyz-123')
    clients.destroy()
  })

  it('without the ExternalId the trust refuses, and the error names the account, the role and AWS’s reason', async () => {
    const clients = assumeChain(base, [`arn:aws:iam::${account}:role/hub`, `arn:aws:iam::${account}:role/access`], {runId: 'r2', account})
    const error = await getIdentity(clients).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AccountUnreachableError)
    expect((error as AccountUnreachableError).hop).toBe(`arn:aws:iam::${account}:role/access`)
    expect((error as AccountUnreachableError).kind).toBe('access-denied')
    expect((error as Error).message).toContain(account)
    clients.destroy()
  })

  it('an account whose access role cannot be assumed is AccountUnreachableError, not a crash', async () => {
    const error = await enterAccount(base, '999988887777', {role: 'OrganizationAccountAccessRole'}, {runId: 'r3'}).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AccountUnreachableError)
    expect((error as AccountUnreachableError).account).toBe('999988887777')
    expect((error as Error).message).toContain('arn:aws:iam::999988887777:role/OrganizationAccountAccessRole')
  })

  it('renews the session before it expires: a call after the first session lapsed still succeeds', async () => {
    let clock = Date.now()
    const clients = assumeChain(base, [`arn:aws:iam::${account}:role/hub`], {runId: 'r4', durationSeconds: 900, renewBeforeMs: 5 * 60_000, now: () => clock})
    const first = await getIdentity(clients)
    const before = assumes().length
    // 14 minutes on: one minute left of a 15-minute session, inside the renewal window.
    clock += 14 * 60_000
    sim.setClockOffset(14 * 60_000)
    try {
      const second = await getIdentity(clients)
      expect(second.arn).toBe(first.arn)
      expect(second.accessKeyId).not.toBe(first.accessKeyId)
      expect(assumes().length).toBe(before + 1)
      // 16 minutes on: the first session has expired in the account; the renewed one still works.
      clock += 2 * 60_000
      sim.setClockOffset(16 * 60_000)
      await expect(getIdentity(clients)).resolves.toMatchObject({arn: first.arn})
    } finally {
      sim.setClockOffset(0)
      clients.destroy()
    }
  })

  it('the names STS accepts: a session name within 64 characters, SourceIdentity from a user or an SSO session', () => {
    expect(sessionNameFor('x'.repeat(80)).length).toBe(64)
    expect(sourceIdentityOf('arn:aws:iam::111122223333:user/ops/alice')).toBe('alice')
    expect(sourceIdentityOf('arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_Admin_1/bob@example.com')).toBe('bob@example.com')
  })
})
