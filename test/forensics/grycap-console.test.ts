// The whole grycap bucket (../shared/cloudtrail/grycap-cloudtrail-tracker, Apache-2.0): console sessions
// used from a second public IP. Expected values come from a separate Python pass over the raw records:
// successful ConsoleLogin, the (arn, creationDate) session within 2 minutes of it, and the IPs its calls
// carry (console calls are relayed by signin.amazonaws.com but keep the browser's IP; Amazon's own
// 72.21.217.0/24 console back end is not the user).
import {beforeAll, describe, expect, it} from 'vitest'

import type {ForensicReport} from '../../src/report/types.js'
import {reportOf, sharedCloudTrail} from './helpers.js'

const ALL = sharedCloudTrail('grycap-cloudtrail-tracker')
const U = 'arn:aws:iam::974349055189:user'

let r: ForensicReport
beforeAll(async () => {
  r = await reportOf(ALL)
}, 120_000)

describe('grycap, all 1,071 files, default report', () => {
  it('flags the four console sessions used from a second public IP, naming the first call from it', () => {
    const flagged = r.sessions.filter((s) => s.kind === 'console' && s.flags.includes('ip-change'))
    expect(flagged.map((s) => `${s.arn} ${s.issuedAt}`).sort()).toEqual([
      `${U}/alucloud00 2018-01-30T14:31:10.000Z`,
      `${U}/alucloud196 2017-06-01T14:59:41.000Z`,
      `${U}/alucloud28 2014-09-27T10:13:19.000Z`,
      `${U}/gmolto 2017-06-01T08:04:28.000Z`,
    ])
    const flag = (user: string) => r.flags.find((f) => f.kind === 'ip-change' && f.subject.startsWith(`${U}/${user}|`))!
    expect(flag('alucloud00')).toMatchObject({ip: '177.72.241.161', at: '2018-01-30T14:31:12.000Z', evidence: ['1101023e-e5ca-483b-afdd-a87ce2f63d8f']})
    expect(flag('alucloud196')).toMatchObject({ip: '212.169.215.169', at: '2017-06-01T22:21:33.000Z', evidence: ['3a37d07d-d1d1-4d1d-a864-08995b624ad6']})
    expect(flag('alucloud28')).toMatchObject({ip: '95.22.31.132', at: '2014-09-27T17:09:03.000Z', evidence: ['08bd4dc7-a16f-4566-82c3-2a49cdf75a3a']})
    expect(flag('gmolto').detail).toBe('created from 158.42.142.78, used from 158.42.104.174 (158.42.104.174 first at 2017-06-01T10:21:38.000Z, 465 calls)')
    expect(flag('gmolto').contain).toEqual({users: ['gmolto']})
  })

  it('gives service sessions spread over many AWS addresses no ip-change (OpsWorks, EMR, Lambda)', () => {
    const service = r.flags.filter((f) => f.kind === 'ip-change' && /assumed-role\//.test(f.subject))
    expect(service).toEqual([])
    expect(r.flags.filter((f) => f.kind === 'service-credentials-outside')).toEqual([])
  })

  it('labels IAM users’ short-lived keys by what they are, not "session-token"', () => {
    // alucloud00's 09:45:49 key was used only by Lambda (invokedBy lambda.amazonaws.com): KMS Decrypt ×45 and more.
    const fwd = r.sessions.find((s) => s.arn === `${U}/alucloud00` && s.issuedAt === '2017-06-01T09:45:49.000Z')!
    expect(fwd.kind).toBe('forward-access')
    // alucloud192's 07:31:20 session: its ConsoleLogin is in the data, linked as console.
    expect(r.sessions.find((s) => s.arn === `${U}/alucloud192` && s.issuedAt === '2017-06-01T07:31:20.000Z')!.kind).toBe('console')
    // alucloud31's 2014 key (eventVersion 1.01, before invokedBy) signs calls with user agent console.amazonaws.com.
    expect(r.sessions.find((s) => s.accessKeyIds.includes('ASIAJ7ZY35YTU4DJMCJQ'))!.kind).toBe('console-inferred')
    // The only GetSessionToken in grycap is root's, and its key is never used: no IAM user session is a session token.
    expect(r.sessions.filter((s) => s.kind === 'session-token' && s.inferred)).toEqual([])
  })

  it('opens with the findings, attack before hygiene, each naming its step', () => {
    const kinds = r.findings.map((f) => f.kind)
    expect(kinds.indexOf('ip-change')).toBeLessThan(kinds.indexOf('console-no-mfa'))
    expect(r.findings.every((f) => f.step.length > 0 && f.evidence.length > 0)).toBe(true)
    expect(r.accounts).toEqual(['974349055189'])
    expect(r.regions).toEqual(['sa-east-1', 'us-east-1'])
  })
})
