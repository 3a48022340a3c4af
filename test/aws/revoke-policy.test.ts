import {describe, expect, it} from 'vitest'

import {policySize} from '../../src/aws/policies/document.js'
import {mergeRevokeSpecs, readRevokeSpec, revokePolicy} from '../../src/aws/policies/revoke.js'
import {trustFor} from '../../src/aws/policies/trust.js'

const T1 = '2026-11-26T09:00:00.000Z'
const T2 = '2026-11-26T10:00:00.000Z'

describe('revocation policy', () => {
  it('is the console AWSRevokeOlderSessions deny on aws:TokenIssueTime', () => {
    expect(revokePolicy({allBefore: T1}).Statement).toEqual([
      {Sid: 'LockdownRevokeOlderSessions', Effect: 'Deny', Action: '*', Resource: '*', Condition: {DateLessThan: {'aws:TokenIssueTime': T1}}},
    ])
  })

  it('never moves a cutoff earlier when merged again', () => {
    const existing = readRevokeSpec(revokePolicy({allBefore: T2}))
    expect(mergeRevokeSpecs(existing, {allBefore: T1}).allBefore).toBe(T2)
    expect(mergeRevokeSpecs(readRevokeSpec(revokePolicy({allBefore: T1})), {allBefore: T2}).allBefore).toBe(T2)
  })

  it('accumulates single-session statements, keyed by session, keeping the later cutoff for each', () => {
    const a = {userId: 'AROAEXAMPLE:attacker'}
    const b = {sourceIdentity: 'mallory'}
    const first = revokePolicy({sessions: [{match: a, before: T1}]})
    const merged = mergeRevokeSpecs(readRevokeSpec(first), {sessions: [{match: b, before: T1}, {match: a, before: T2}]})
    const doc = revokePolicy(merged)
    expect(doc.Statement).toHaveLength(2)
    expect(doc.Statement.find((s) => s.Condition?.StringLike)?.Condition).toEqual({StringLike: {'aws:userid': 'AROAEXAMPLE:attacker'}, DateLessThan: {'aws:TokenIssueTime': T2}})
    expect(doc.Statement.find((s) => s.Condition?.StringEquals)?.Condition).toEqual({StringEquals: {'aws:SourceIdentity': 'mallory'}, DateLessThan: {'aws:TokenIssueTime': T1}})
    // A session already covered by the principal-wide cutoff needs no statement of its own.
    expect(revokePolicy(mergeRevokeSpecs(merged, {allBefore: T2})).Statement).toHaveLength(1)
  })

  it('counts size as AWS does: whitespace outside strings is free', () => {
    expect(policySize('{ "a" : "b c" }')).toBe('{"a":"b c"}'.length)
    expect(policySize({Version: '2012-10-17'})).toBe(JSON.stringify({Version: '2012-10-17'}).length)
  })
})

describe('trust policies', () => {
  const trust = (AWS: unknown) => ({Version: '2012-10-17' as const, Statement: [{Effect: 'Allow' as const, Principal: {AWS}, Action: 'sts:AssumeRole', Resource: '*'}]})
  it('tells direct trust from trust of the account root (where permissions decide)', () => {
    expect(trustFor(trust('arn:aws:iam::111122223333:role/app-web'), 'arn:aws:iam::111122223333:role/app-web')).toBe('direct')
    expect(trustFor(trust('111122223333'), 'arn:aws:iam::111122223333:role/app-web')).toBe('account')
    expect(trustFor(trust('arn:aws:iam::111122223333:root'), 'arn:aws:iam::111122223333:role/app-web')).toBe('account')
    expect(trustFor(trust('arn:aws:iam::999999999999:root'), 'arn:aws:iam::111122223333:role/app-web')).toBe(false)
  })
})
