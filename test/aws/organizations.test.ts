// Discovery against the simulated organization through the real SDK: every account with its OU path,
// state and tags; a throttled Organizations API is retried with backoff; a member account may not read it.
import {describe, expect, it} from 'vitest'

import {discoverOrganization, ouPath, selectAccounts} from '../../src/aws/organizations.js'
import {useSim} from '../support/sim.js'

const sim = await useSim({scenario: 'playbooks/scenarios/organization.yaml'})

describe('discovering the organization', () => {
  it('finds every account with its OU path, state and tags; selection keeps ACTIVE ones and says why the others are out', async () => {
    const org = await discoverOrganization(sim.clients)
    expect(org.id).toBe('o-a1b2c3d4e5')
    expect(org.managementAccount).toBe('111122223333')
    const byId = Object.fromEntries(org.accounts.map((a) => [a.id, a]))
    expect(Object.keys(byId).sort()).toEqual(['111122223333', '222233334444', '333344445555', '444455556666', '555566667777'])
    expect(ouPath(byId['333344445555'])).toBe('Workloads/Prod')
    expect(byId['333344445555'].tags).toEqual({env: 'prod'})
    expect(byId['555566667777'].state).toBe('SUSPENDED')
    const sel = selectAccounts(org, {ous: ['Workloads']})
    expect(sel.accounts.map((a) => a.id)).toEqual(['222233334444', '333344445555'])
    expect(selectAccounts(org, {}).skipped).toEqual([{account: '555566667777', name: 'sandbox', reason: expect.stringContaining('SUSPENDED')}])
  })

  it('TooManyRequestsException is retried with backoff (the test clients make one attempt each: the retries are discovery’s own)', async () => {
    sim.setFaults({organizationsThrottle: 3})
    try {
      const org = await discoverOrganization(sim.clients, {backoffMs: 10})
      expect(org.accounts).toHaveLength(5)
    } finally {
      sim.setFaults({organizationsThrottle: 0})
    }
  })

  it('a member account’s principal is refused (AccessDeniedException), as in AWS', async () => {
    await expect(discoverOrganization(sim.clientsIn('222233334444'))).rejects.toMatchObject({name: 'AccessDeniedException'})
  })
})
