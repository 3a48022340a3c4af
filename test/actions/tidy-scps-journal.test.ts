// What undo of a tidy-scps change accepts from the journal about an SCP's description: undo creates a
// deleted SCP again with it, so it is held to what AWS could have returned (at most 512 characters), and a
// journal written before the description was recorded still undoes (the SCP then gets lockdown's own).
import {describe, expect, it} from 'vitest'

import {emptySpec, scpDocument} from '../../src/aws/policies/scp-revoke.js'
import {checkTidyScpJournal} from '../../src/actions/tidy-scps/journal-check.js'

const ID = 'p-abcd1234'
const change = (before: Record<string, unknown>) => ({
  target: `arn:aws:organizations::111122223333:policy/o-abcdefghij/service_control_policy/${ID}`,
  principal: `arn:aws:organizations::111122223333:policy/o-abcdefghij/service_control_policy/${ID}`,
  summary: 'detach SCP … and delete it',
  before: {content: scpDocument({...emptySpec('2026-01-01T00:00:00Z'), roles: ['arn:aws:iam::*:role/app-*']}, 'run-1'), targets: ['r-ab12'], ...before},
  after: {content: null, targets: []},
  data: {policyId: ID, name: 'lockdown-revoke-org-r-ab12', runs: ['run-1'], remove: 'all'},
})

describe('tidy-scps journal check', () => {
  it('accepts the description as read, and a journal written before descriptions were recorded', () => {
    expect(checkTidyScpJournal(change({description: 'lockdown revoke-org: denies sessions issued before a cutoff'}))).toBeUndefined()
    expect(checkTidyScpJournal(change({}))).toBeUndefined()
  })

  it('refuses a description AWS could never have returned, naming the field', () => {
    expect(checkTidyScpJournal(change({description: 'x'.repeat(513)}))).toMatch(/^before\.description: /)
    expect(checkTidyScpJournal(change({description: 42}))).toMatch(/^before\.description: /)
  })
})
