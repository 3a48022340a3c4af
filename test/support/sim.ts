// Test helper: one simulated account per test file, SDK clients for root and for any credentials.
import {afterAll} from 'vitest'

import {type Clients, makeClients} from '../../src/aws/clients.js'
import {type SimCredentials, type SimHandle, type SimOptions, startSim} from '../../src/sim/index.js'

export interface SimFixture extends SimHandle {
  /** Clients signed as the account root. */
  clients: Clients
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
  afterAll(async () => {
    for (const c of made) c.destroy()
    await sim.stop()
  })
  return {...sim, clients, clientsAs}
}
