// A report built by hand, so renderer tests do not depend on the graph code: two sessions in a chain,
// one flag, one gap, and text that needs escaping in every format.
import type {Activity, ForensicReport, SessionRow} from '../../src/report/types.js'

const activity = (calls: number, byName: Record<string, number>, ips: Record<string, number>): Activity => ({
  calls,
  byName,
  errors: calls ? {AccessDenied: 1} : ({} as Record<string, number>),
  first: calls ? '2024-07-30T21:35:00.000Z' : undefined,
  last: calls ? '2024-07-30T21:50:00.000Z' : undefined,
  ips,
  regions: calls ? ['us-east-1'] : [],
})

export const ONE: SessionRow = {
  id: 'ASIAONE|2024-07-30T21:31:15.000Z|arn:aws:sts::111122223333:assumed-role/app/ci',
  kind: 'role',
  arn: 'arn:aws:sts::111122223333:assumed-role/app/ci',
  principal: 'arn:aws:iam::111122223333:role/app',
  sessionName: 'ci',
  accessKeyIds: ['ASIAONE'],
  issuedAt: '2024-07-30T21:31:15.000Z',
  expiresAt: '2024-07-30T22:31:15.000Z',
  sourceIp: '192.0.2.10',
  userAgent: 'aws-cli/2.15',
  issuer: {kind: 'iam-user', id: 'arn:aws:iam::111122223333:user/alice', accessKeyId: 'AKIAALICE'},
  depth: 1,
  inferred: false,
  activity: activity(3, {AssumeRole: 1, ListBuckets: 2}, {'192.0.2.10': 3}),
  flags: ['long-term-key'],
}

export const TWO: SessionRow = {
  id: 'ASIATWO|2024-07-30T21:40:00.000Z|arn:aws:sts::444455556666:assumed-role/admin/<script>"x"',
  kind: 'role',
  arn: 'arn:aws:sts::444455556666:assumed-role/admin/<script>"x"',
  principal: 'arn:aws:iam::444455556666:role/admin',
  sessionName: '<script>"x"|evil',
  accessKeyIds: ['ASIATWO'],
  issuedAt: '2024-07-30T21:40:00.000Z',
  sourceIp: '192.0.2.10',
  issuer: {kind: 'session', id: ONE.arn, accessKeyId: 'ASIAONE', sessionId: ONE.id},
  depth: 2,
  inferred: false,
  activity: activity(5, {CreateUser: 1, 'Get|Thing': 4}, {'203.0.113.9': 5}),
  flags: ['deep-chain', 'ip-change'],
}

export function fixtureReport(): ForensicReport {
  return {
    title: 'INC-7 forensics',
    generatedAt: '2024-07-31T00:00:00.000Z',
    window: {start: '2024-07-30T00:00:00.000Z', end: '2024-07-31T00:00:00.000Z'},
    source: {kind: 'files', description: 'test data', calls: 0, events: 42},
    accounts: ['111122223333'],
    regions: ['us-east-1'],
    summary: {events: 42, sessions: 2, issued: 2, inferred: 0, console: 0, chains: 1, maxDepth: 2, flags: 1, hiddenServiceSessions: 0},
    sessions: [ONE, TWO],
    principals: [],
    flags: [{kind: 'ip-change', at: '2024-07-30T21:45:00.000Z', subject: TWO.id, detail: 'created from 192.0.2.10, used from 203.0.113.9', detection: 'ip-change', ip: '203.0.113.9', evidence: ['ev-ip-1'], contain: {roles: ['admin', 'app']}}],
    findings: [
      {
        detection: 'ip-change',
        kind: 'ip-change',
        at: '2024-07-30T21:45:00.000Z',
        who: `${TWO.arn} (ASIATWO)`,
        what: 'created from 192.0.2.10, used from 203.0.113.9',
        from: '203.0.113.9',
        evidence: ['ev-ip-1'],
        step: 'revoke-sessions roles: [admin, app]',
        contain: {roles: ['admin', 'app']},
      },
    ],
    timeline: [
      {at: '2024-07-30T21:31:15.000Z', actor: 'arn:aws:iam::111122223333:user/alice', sessionId: ONE.id, event: 'AssumeRole', detail: 'alice → app', ip: '192.0.2.10', kind: 'issue'},
      {at: '2024-07-30T21:40:00.000Z', actor: ONE.arn, sessionId: TWO.id, event: 'AssumeRole', detail: 'app → admin', ip: '192.0.2.10', kind: 'issue'},
    ],
    timelineDropped: 0,
    gaps: ['Data events are not in LookupEvents.'],
  }
}
