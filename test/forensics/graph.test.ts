// The join rules on hand-written records: order does not matter, keys that recur are told apart by
// creation date and ARN, cross-account copies count once, chains are followed, revocations show up.
import {describe, expect, it} from 'vitest'

import {normalizeRecord, reportFromEvents, type TrailEvent} from '../../src/forensics/index.js'
import {ALL_TIME} from './helpers.js'

const A = '111111111111'
const B = '222222222222'
const USER = `arn:aws:iam::${A}:user/alice`
let n = 0

function assume(o: {t: string; key: string; role: string; name: string; caller: Record<string, unknown>; ip?: string; shared?: string; acct?: string}) {
  const [acct, roleName] = [o.role.split(':')[4], o.role.split('/').pop()]
  return {
    eventID: `e${n++}`,
    eventTime: o.t,
    eventName: 'AssumeRole',
    eventSource: 'sts.amazonaws.com',
    awsRegion: 'us-east-1',
    sourceIPAddress: o.ip ?? '198.51.100.1',
    recipientAccountId: o.acct ?? acct,
    sharedEventID: o.shared,
    userIdentity: o.caller,
    requestParameters: {roleArn: o.role, roleSessionName: o.name},
    responseElements: {
      credentials: {accessKeyId: o.key, expiration: new Date(Date.parse(o.t) + 3600_000).toISOString()},
      assumedRoleUser: {arn: `arn:aws:sts::${acct}:assumed-role/${roleName}/${o.name}`, assumedRoleId: `AROA${roleName}:${o.name}`},
    },
  }
}

function use(o: {t: string; key: string; arn: string; created: string; name?: string; ip?: string; error?: string; role?: string}) {
  return {
    eventID: `e${n++}`,
    eventTime: o.t,
    eventName: o.name ?? 'ListBuckets',
    eventSource: 's3.amazonaws.com',
    awsRegion: 'eu-west-1',
    sourceIPAddress: o.ip ?? '198.51.100.1',
    errorCode: o.error,
    userIdentity: {
      type: 'AssumedRole',
      arn: o.arn,
      accessKeyId: o.key,
      sessionContext: {attributes: {creationDate: o.created, mfaAuthenticated: 'false'}, sessionIssuer: {type: 'Role', arn: o.role}},
    },
  }
}

const userCaller = {type: 'IAMUser', arn: USER, accountId: A, accessKeyId: 'AKIAALICE', userName: 'alice'}
const events = (raws: object[]): TrailEvent[] => raws.map((r) => normalizeRecord(r as Record<string, unknown>)!)
const report = (raws: object[], opts = {}) => reportFromEvents(events(raws), {window: ALL_TIME, source: {kind: 'test', description: '', calls: 0, events: 0}, ...opts})

describe('session graph', () => {
  const roleA = `arn:aws:iam::${A}:role/app`
  const roleB = `arn:aws:iam::${B}:role/admin`
  const arnA = `arn:aws:sts::${A}:assumed-role/app/s1`
  const arnB = `arn:aws:sts::${B}:assumed-role/admin/hop`
  const chain = [
    assume({t: '2024-01-01T10:00:00Z', key: 'ASIAONE', role: roleA, name: 's1', caller: userCaller}),
    use({t: '2024-01-01T10:01:00Z', key: 'ASIAONE', arn: arnA, created: '2024-01-01T10:00:00Z', name: 'GetCallerIdentity'}),
    // The app session assumes a role in account B: logged in A and in B with one sharedEventID.
    assume({t: '2024-01-01T10:02:00Z', key: 'ASIATWO', role: roleB, name: 'hop', shared: 'sh-1', acct: A, caller: {type: 'AssumedRole', arn: arnA, accessKeyId: 'ASIAONE', sessionContext: {attributes: {creationDate: '2024-01-01T10:00:00Z'}, sessionIssuer: {arn: roleA}}}}),
    assume({t: '2024-01-01T10:02:00Z', key: 'ASIATWO', role: roleB, name: 'hop', shared: 'sh-1', acct: B, caller: {type: 'AWSAccount', accountId: A, principalId: `AROAapp:s1`}}),
    use({t: '2024-01-01T10:03:00Z', key: 'ASIATWO', arn: arnB, created: '2024-01-01T10:02:00Z', name: 'CreateUser', ip: '203.0.113.9'}),
  ]

  it('follows a user → role → cross-account role chain and counts the shared event once', () => {
    const r = report(chain)
    const one = r.sessions.find((s) => s.accessKeyIds.includes('ASIAONE'))!
    const two = r.sessions.find((s) => s.accessKeyIds.includes('ASIATWO'))!
    expect(one.depth).toBe(1)
    expect(one.issuer).toMatchObject({kind: 'iam-user', id: USER, accessKeyId: 'AKIAALICE'})
    expect(two.depth).toBe(2)
    expect(two.issuer).toMatchObject({kind: 'session', sessionId: one.id})
    expect(two.flags).toEqual(expect.arrayContaining(['deep-chain', 'ip-change']))
    expect(r.summary.events).toBe(4)
    expect(r.gaps.join(' ')).toContain('1 cross-account duplicate')
    // GetCallerIdentity plus the AssumeRole it made.
    expect(one.activity.calls).toBe(2)
    expect(r.flags.find((f) => f.kind === 'persistence')!.subject).toBe(two.id)
  })

  it('gives the same answer whatever order the events arrive in', () => {
    const shuffled = [chain[4], chain[2], chain[1], chain[3], chain[0]]
    const a = report(chain)
    const b = report(shuffled)
    expect(b.sessions).toEqual(a.sessions)
    expect(b.flags).toEqual(a.flags)
  })

  it('tells apart two sessions that reuse one key id, by creation date and ARN', () => {
    const arn1 = `arn:aws:sts::${A}:assumed-role/app/first`
    const arn2 = `arn:aws:sts::${A}:assumed-role/app/second`
    const r = report([
      assume({t: '2024-02-01T00:00:00Z', key: 'ASIASAME', role: roleA, name: 'first', caller: userCaller}),
      assume({t: '2024-03-01T00:00:00Z', key: 'ASIASAME', role: roleA, name: 'second', caller: userCaller}),
      use({t: '2024-03-01T00:10:00Z', key: 'ASIASAME', arn: arn2, created: '2024-03-01T00:00:00Z'}),
      use({t: '2024-03-01T00:11:00Z', key: 'ASIASAME', arn: arn2, created: '2024-03-01T00:00:00Z'}),
      use({t: '2024-02-01T00:05:00Z', key: 'ASIASAME', arn: arn1, created: '2024-02-01T00:00:00Z'}),
    ])
    const first = r.sessions.find((s) => s.arn === arn1)!
    const second = r.sessions.find((s) => s.arn === arn2)!
    expect(first.activity.calls).toBe(1)
    expect(second.activity.calls).toBe(2)
    expect(r.summary.inferred).toBe(0)
  })

  it('does not join a use whose creation date is far from the issue time; infers a session instead', () => {
    const r = report([
      assume({t: '2024-02-01T00:00:00Z', key: 'ASIAREUSE', role: roleA, name: 's1', caller: userCaller}),
      use({t: '2024-05-01T00:10:00Z', key: 'ASIAREUSE', arn: arnA, created: '2024-05-01T00:00:00Z', role: roleA}),
    ])
    expect(r.sessions).toHaveLength(2)
    const inferred = r.sessions.find((s) => s.inferred)!
    expect(inferred.issuedAt).toBe('2024-05-01T00:00:00.000Z')
    expect(inferred.principal).toBe(roleA)
    expect(r.sessions.find((s) => !s.inferred)!.activity.calls).toBe(0)
  })

  it('marks AccessDenied after a revoke-older-sessions policy as containment evidence', () => {
    const r = report([
      assume({t: '2024-04-01T09:00:00Z', key: 'ASIAOLD', role: roleA, name: 's1', caller: userCaller}),
      use({t: '2024-04-01T09:30:00Z', key: 'ASIAOLD', arn: arnA, created: '2024-04-01T09:00:00Z'}),
      {
        eventID: 'rev',
        eventTime: '2024-04-01T10:00:00Z',
        eventName: 'PutRolePolicy',
        eventSource: 'iam.amazonaws.com',
        awsRegion: 'us-east-1',
        sourceIPAddress: '192.0.2.7',
        userIdentity: {type: 'IAMUser', arn: `arn:aws:iam::${A}:user/responder`, accessKeyId: 'AKIARESP'},
        requestParameters: {
          roleName: 'app',
          policyName: 'AWSRevokeOlderSessions',
          policyDocument: '{"Statement":[{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"DateLessThan":{"aws:TokenIssueTime":"2024-04-01T10:00:00Z"}}}]}',
        },
      },
      use({t: '2024-04-01T10:05:00Z', key: 'ASIAOLD', arn: arnA, created: '2024-04-01T09:00:00Z', error: 'AccessDenied'}),
    ])
    const f = r.flags.find((x) => x.kind === 'denied-after-revocation')!
    expect(f.at).toBe('2024-04-01T10:05:00.000Z')
    expect(f.detail).toContain('AWSRevokeOlderSessions')
    expect(r.timeline.some((t) => t.kind === 'revocation' && t.at === '2024-04-01T10:00:00.000Z')).toBe(true)
  })

  it('--access-key keeps the session and the chain around it', () => {
    const r = report(chain, {accessKeys: ['ASIATWO']})
    expect(r.sessions.map((s) => s.accessKeyIds[0])).toEqual(['ASIAONE', 'ASIATWO'])
    const none = report(chain, {roles: ['nothing-*']})
    expect(none.sessions).toEqual([])
  })

  it('names SAML and OIDC providers as the parents of federated role sessions', () => {
    const sts = (name: string, ui: object, req: object, resp: object) => ({
      eventID: `e${n++}`, eventTime: '2024-06-01T12:00:00Z', eventName: name, eventSource: 'sts.amazonaws.com', awsRegion: 'us-east-1', sourceIPAddress: '198.51.100.7',
      userIdentity: ui, requestParameters: req, responseElements: resp,
    })
    const r = report([
      sts('AssumeRoleWithSAML', {type: 'SAMLUser', principalId: 'idp:alice', userName: 'alice', identityProvider: 'idp'},
        {roleArn: roleA, principalArn: `arn:aws:iam::${A}:saml-provider/Okta`},
        {credentials: {accessKeyId: 'ASIASAML', expiration: '2024-06-01T13:00:00Z'}, assumedRoleUser: {arn: `arn:aws:sts::${A}:assumed-role/app/alice@example.com`, assumedRoleId: 'AROA:alice'}}),
      sts('AssumeRoleWithWebIdentity', {type: 'WebIdentityUser', principalId: 'token.actions.githubusercontent.com:repo:x', userName: 'repo:x', identityProvider: 'token.actions.githubusercontent.com'},
        {roleArn: roleA, roleSessionName: 'gha'},
        {credentials: {accessKeyId: 'ASIAOIDC', expiration: '2024-06-01T13:00:00Z'}, assumedRoleUser: {arn: `arn:aws:sts::${A}:assumed-role/app/gha`, assumedRoleId: 'AROA:gha'}, provider: 'token.actions.githubusercontent.com'}),
    ])
    expect(r.sessions.find((s) => s.accessKeyIds[0] === 'ASIASAML')!.issuer).toEqual({kind: 'saml', id: `arn:aws:iam::${A}:saml-provider/Okta`})
    expect(r.sessions.find((s) => s.accessKeyIds[0] === 'ASIAOIDC')!.issuer).toEqual({kind: 'oidc', id: 'token.actions.githubusercontent.com'})
  })

  it('joins GetSessionToken credentials to the user calls made with them', () => {
    const r = report([
      {
        eventID: 'gst', eventTime: '2024-06-02T08:00:00Z', eventName: 'GetSessionToken', eventSource: 'sts.amazonaws.com', awsRegion: 'us-east-1', sourceIPAddress: '198.51.100.8',
        userIdentity: userCaller, requestParameters: {durationSeconds: 3600},
        responseElements: {credentials: {accessKeyId: 'ASIATOKEN', expiration: 'Jun 2, 2024, 9:00:00 AM'}},
      },
      {
        eventID: 'u', eventTime: '2024-06-02T08:10:00Z', eventName: 'CreateAccessKey', eventSource: 'iam.amazonaws.com', awsRegion: 'us-east-1', sourceIPAddress: '198.51.100.8',
        userIdentity: {...userCaller, accessKeyId: 'ASIATOKEN', sessionContext: {attributes: {creationDate: '2024-06-02T08:00:00Z', mfaAuthenticated: 'true'}}},
        requestParameters: {userName: 'alice'}, responseElements: {accessKey: {accessKeyId: 'AKIANEW', userName: 'alice'}},
      },
    ])
    expect(r.sessions).toHaveLength(1)
    const s = r.sessions[0]
    expect(s).toMatchObject({kind: 'session-token', arn: USER, principal: USER, expiresAt: '2024-06-02T09:00:00.000Z', inferred: false})
    expect(s.activity.byName).toEqual({CreateAccessKey: 1})
    expect(s.flags).toContain('long-term-key')
    const created = r.timeline.find((t) => t.kind === 'key-status')!
    expect(created.detail).toBe('AKIANEW (user alice)')
    expect(created.sessionId).toBe(s.id)
  })

  it('links a console role switch to its SwitchRole event and the user who switched', () => {
    const adminArn = `arn:aws:sts::${A}:assumed-role/Admin/alice`
    const r = report([
      {
        eventID: 'sw', eventTime: '2024-06-03T09:00:00Z', eventName: 'SwitchRole', eventSource: 'signin.amazonaws.com', awsRegion: 'us-east-1', sourceIPAddress: '198.51.100.9',
        userIdentity: {type: 'AssumedRole', arn: adminArn, principalId: 'AROAADMIN:alice', accountId: A},
        responseElements: {SwitchRole: 'Success'},
        additionalEventData: {SwitchFrom: USER, SwitchTo: `arn:aws:iam::${A}:role/Admin`},
      },
      use({t: '2024-06-03T09:01:00Z', key: 'ASIACONSOLE1', arn: adminArn, created: '2024-06-03T09:00:01Z', role: `arn:aws:iam::${A}:role/Admin`, name: 'DescribeInstances'}),
      use({t: '2024-06-03T09:02:00Z', key: 'ASIACONSOLE2', arn: adminArn, created: '2024-06-03T09:00:01Z', role: `arn:aws:iam::${A}:role/Admin`, name: 'DeleteTrail'}),
    ])
    expect(r.sessions).toHaveLength(1)
    expect(r.sessions[0]).toMatchObject({
      kind: 'switch-role',
      principal: `arn:aws:iam::${A}:role/Admin`,
      accessKeyIds: ['ASIACONSOLE1', 'ASIACONSOLE2'],
      sourceIp: '198.51.100.9',
      issuer: {kind: 'iam-user', id: USER},
      consoleLoginId: 'sw',
      inferred: false,
    })
    expect(r.sessions[0].activity.calls).toBe(2)
  })
})
