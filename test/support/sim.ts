// Test helper: one simulator per test file (one account, or every account of an organization scenario),
// SDK clients for root and for any credentials.
//
//   const sim = await useSim({scenario: 'playbooks/scenarios/organization.yaml'})
//   sim.clients                                   // the top-level (management) account's root
//   sim.clientsIn('222233334444')                 // a member account's root
//   sim.clientsAs(sim.credentialsFor('dev-ci', '222233334444'))   // a seeded user of a member account
//   await userWith(sim, 'probe', statements, {account: '333344445555'})  // test/support/principals.ts
//   sim.records('333344445555')                   // that account's trail
import {afterAll} from 'vitest'

import {type Clients, makeClients} from '../../src/aws/clients.js'
import {type SimCredentials, type SimHandle, type SimOptions, startSim} from '../../src/sim/index.js'

export interface SimFixture extends SimHandle {
  /** Clients signed as the top-level account's root. */
  clients: Clients
  /** Clients signed as the root of one hosted account (a member of the organization, or the top-level one). */
  clientsIn(accountId: string): Clients
  /** Clients signed with other credentials (a user's key, a session). */
  clientsAs(creds: SimCredentials & {sessionToken?: string}): Clients
}

export async function useSim(opts: SimOptions = {}): Promise<SimFixture> {
  // Tests page through LookupEvents quickly; the 2 requests/s limit has its own test.
  const sim = await startSim({...opts, faults: {lookupEventsRate: 0, ...opts.faults}})
  const made: Clients[] = []
  const clientsAs = (creds: SimCredentials & {sessionToken?: string}) => {
    const c = makeClients({endpoint: sim.endpoint, credentials: creds, region: sim.region, maxAttempts: 1})
    made.push(c)
    return c
  }
  const clients = clientsAs(sim.rootCredentials)
  const roots = new Map<string, Clients>([[sim.accountId, clients]])
  const clientsIn = (accountId: string) => {
    let c = roots.get(accountId)
    if (!c) roots.set(accountId, (c = clientsAs(sim.rootCredentialsOf(accountId))))
    return c
  }
  afterAll(async () => {
    for (const c of made) c.destroy()
    await sim.stop()
  })
  return {...sim, clients, clientsIn, clientsAs}
}
