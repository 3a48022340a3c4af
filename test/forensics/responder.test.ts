// The responder is not the attacker: a break-glass session (MFA, SourceIdentity, a role lockdown granted
// under /lockdown/) is labelled as such and not flagged; lockdown's own calls (user agent with its run id)
// are marked in the timeline and its revocation policy is not "privilege escalation". Hand-written
// records in CloudTrail's shape.
import {describe, expect, it} from 'vitest'

import {normalizeRecord, reportFromEvents, type TrailEvent} from '../../src/forensics/index.js'
import {ALL_TIME} from './helpers.js'

const A = '111111111111'
const alice = {type: 'IAMUser', arn: `arn:aws:iam::${A}:user/alice`, accountId: A, accessKeyId: 'AKIAALICE', userName: 'alice'}
const LOCKDOWN_UA = 'aws-sdk-js/3.700.0 ua/2.1 os/linux lang/js md/nodejs#20 lockdown/0.1.0 run/r-20241201-abcd'

function assume(role: string, key: string, name: string, mfa: boolean, extra: Record<string, unknown> = {}) {
  const roleName = role.split('/').pop()
  return {
    eventID: `as-${key}`,
    eventTime: '2024-12-01T10:00:00Z',
    eventName: 'AssumeRole',
    eventSource: 'sts.amazonaws.com',
    awsRegion: 'us-east-1',
    sourceIPAddress: '198.51.100.7',
    userAgent: 'aws-cli/2.15.0',
    recipientAccountId: A,
    userIdentity: alice,
    requestParameters: {roleArn: role, roleSessionName: name, ...(mfa ? {serialNumber: `arn:aws:iam::${A}:mfa/alice`, tokenCode: 'HIDDEN'} : {}), ...extra},
    responseElements: {
      credentials: {accessKeyId: key, expiration: '2024-12-01T11:00:00Z'},
      assumedRoleUser: {arn: `arn:aws:sts::${A}:assumed-role/${roleName}/${name}`, assumedRoleId: `AROAX:${name}`},
      ...(extra.sourceIdentity ? {sourceIdentity: extra.sourceIdentity} : {}),
    },
  }
}

function call(key: string, arn: string, name: string, o: {ua?: string; mfa?: boolean; params?: unknown; id?: string; t?: string} = {}) {
  return {
    eventID: o.id ?? `c-${key}-${name}`,
    eventTime: o.t ?? '2024-12-01T10:05:00Z',
    eventName: name,
    eventSource: 'iam.amazonaws.com',
    awsRegion: 'us-east-1',
    sourceIPAddress: '198.51.100.7',
    userAgent: o.ua ?? 'aws-cli/2.15.0',
    recipientAccountId: A,
    requestParameters: o.params ?? null,
    userIdentity: {type: 'AssumedRole', arn, accountId: A, accessKeyId: key, sessionContext: {attributes: {creationDate: '2024-12-01T10:00:00Z', mfaAuthenticated: String(o.mfa ?? false)}}},
  }
}

const report = (raws: object[]) =>
  reportFromEvents(
    raws.map((r) => normalizeRecord(r as Record<string, unknown>) as TrailEvent),
    {window: ALL_TIME, source: {kind: 'test', description: '', calls: 0, events: 0}},
  )

describe('responder sessions and lockdown’s own calls', () => {
  const bgRole = `arn:aws:iam::${A}:role/lockdown/lockdown-break-glass`
  const bgArn = `arn:aws:sts::${A}:assumed-role/lockdown-break-glass/alice`

  it('labels the break-glass session, shows its MFA, and raises no long-term-key flag for it', () => {
    const r = report([assume(bgRole, 'ASIABG', 'alice', true, {sourceIdentity: 'alice'}), call('ASIABG', bgArn, 'ListRoles', {mfa: true})])
    const s = r.sessions.find((x) => x.accessKeyIds.includes('ASIABG'))!
    expect(s).toMatchObject({breakGlass: true, mfa: true, sourceIdentity: 'alice'})
    expect(s.flags).toEqual([])
    expect(r.findings).toEqual([])
  })

  it('a role outside /lockdown/ assumed with a long-term key is flagged, and its MFA column still says yes', () => {
    const r = report([assume(`arn:aws:iam::${A}:role/admin`, 'ASIAADM', 'alice', true), call('ASIAADM', `arn:aws:sts::${A}:assumed-role/admin/alice`, 'ListRoles', {mfa: true})])
    const s = r.sessions.find((x) => x.accessKeyIds.includes('ASIAADM'))!
    expect(s.breakGlass).toBeUndefined()
    expect(s.mfa).toBe(true)
    expect(s.flags).toEqual(['long-term-key'])
  })

  it('a session without MFA on the issuing call or its calls says MFA no', () => {
    const r = report([assume(`arn:aws:iam::${A}:role/admin`, 'ASIANOMFA', 'bob', false), call('ASIANOMFA', `arn:aws:sts::${A}:assumed-role/admin/bob`, 'ListRoles')])
    expect(r.sessions.find((x) => x.accessKeyIds.includes('ASIANOMFA'))!.mfa).toBe(false)
  })

  it('marks lockdown’s own calls in the timeline and does not flag its revocation policy', () => {
    const arn = `arn:aws:sts::${A}:assumed-role/admin/alice`
    const deny = JSON.stringify({Version: '2012-10-17', Statement: [{Effect: 'Deny', Action: '*', Resource: '*', Condition: {DateLessThan: {'aws:TokenIssueTime': '2024-12-01T10:06:00Z'}}}]})
    const r = report([
      assume(`arn:aws:iam::${A}:role/admin`, 'ASIALD', 'alice', true),
      call('ASIALD', arn, 'PutRolePolicy', {ua: LOCKDOWN_UA, mfa: true, params: {roleName: 'app', policyName: 'AWSRevokeOlderSessions', policyDocument: deny}, id: 'ld-put'}),
      call('ASIALD', arn, 'CreateUser', {mfa: true, params: {userName: 'mallory'}, id: 'attacker-create', t: '2024-12-01T10:07:00Z'}),
    ])
    const mine = r.timeline.find((t) => t.eventId === 'ld-put')!
    expect(mine.lockdown).toBe(true)
    expect(r.flags.filter((f) => f.kind === 'privilege-escalation')).toEqual([])
    const other = r.timeline.find((t) => t.eventId === 'attacker-create')!
    expect(other.lockdown).toBeUndefined()
    expect(other.kind).toBe('flagged')
    expect(r.sessions.find((x) => x.accessKeyIds.includes('ASIALD'))!.activity.lockdownCalls).toBe(1)
  })
})
