// Which accounts an `{organization: true, ous, tags, exclude}` entry names (pure; discovery against the
// simulated organization is tested in test/aws/organizations.test.ts).
import {describe, expect, it} from 'vitest'

import {selectAccounts, type Organization} from '../../src/aws/organizations.js'

const workloads = {id: 'ou-root-workloads', name: 'Workloads'}
const org: Organization = {
  id: 'o-a1b2c3d4e5',
  managementAccount: '111122223333',
  accounts: [
    {id: '111122223333', name: 'mgmt', state: 'ACTIVE', ous: [], root: 'r-abcd', tags: {}},
    {id: '222233334444', name: 'dev', state: 'ACTIVE', ous: [workloads, {id: 'ou-root-dev', name: 'Dev'}], root: 'r-abcd', tags: {env: 'dev'}},
    {id: '333344445555', name: 'prod', state: 'ACTIVE', ous: [workloads, {id: 'ou-root-prod', name: 'Prod'}], root: 'r-abcd', tags: {env: 'prod'}},
    {id: '555566667777', name: 'old', state: 'SUSPENDED', ous: [workloads], root: 'r-abcd', tags: {env: 'prod'}},
  ],
}
const ids = (s: ReturnType<typeof selectAccounts>) => s.accounts.map((a) => a.id)

describe('selecting accounts of an organization', () => {
  it('everything ACTIVE; a SUSPENDED account is skipped with its state as the reason', () => {
    const s = selectAccounts(org, {})
    expect(ids(s)).toEqual(['111122223333', '222233334444', '333344445555'])
    expect(s.skipped).toEqual([{account: '555566667777', name: 'old', reason: expect.stringContaining('SUSPENDED')}])
  })

  it('an OU (by id or name) names every account beneath it, at any depth', () => {
    expect(ids(selectAccounts(org, {ous: ['ou-root-workloads']}))).toEqual(['222233334444', '333344445555'])
    expect(ids(selectAccounts(org, {ous: ['Prod']}))).toEqual(['333344445555'])
    expect(ids(selectAccounts(org, {ous: ['r-abcd']}))).toHaveLength(3)
  })

  it('tags must all match; exclude takes an account out with the reason', () => {
    expect(ids(selectAccounts(org, {tags: {env: 'prod'}}))).toEqual(['333344445555'])
    const s = selectAccounts(org, {exclude: ['111122223333']})
    expect(ids(s)).toEqual(['222233334444', '333344445555'])
    expect(s.skipped.map((x) => x.reason)).toContain('excluded by accounts: exclude')
  })
})
