// grycap-cloudtrail-tracker (Apache-2.0): a subset of one real day (2017-06-01, 06:45–08:20 UTC) with
// console sessions, key status changes and Elastic Beanstalk's service role. Values read with jq.
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {byKey, FIXTURES, reportOf} from './helpers.js'

const DIR = join(FIXTURES, 'grycap')
const ACCT = 'arn:aws:iam::974349055189'

describe('grycap-cloudtrail-tracker', () => {
  it('links console sessions (all their short-lived keys) to their ConsoleLogin', async () => {
    const r = await reportOf(DIR)
    const gmolto = r.sessions.find((s) => s.arn === `${ACCT}:user/gmolto`)!
    expect(gmolto.kind).toBe('console')
    expect(gmolto.issuedAt).toBe('2017-06-01T08:04:28.000Z')
    expect(gmolto.consoleLoginId).toBe('bf5701f2-f7c0-40c0-8933-49aacde543c1')
    expect(gmolto.accessKeyIds).toEqual(['ASIAIJDGJCJ4ZX7IPAEQ', 'ASIAJT7TUTHOC2R3BJOQ'])
    expect(gmolto.activity.calls).toBe(641)
    expect(gmolto.sourceIp).toBe('158.42.142.78')
    expect(gmolto.mfa).toBe(false)
    expect(gmolto.flags).toContain('console-no-mfa')

    const micafer = r.sessions.find((s) => s.arn === `${ACCT}:user/micafer` && s.kind === 'console')!
    expect(micafer.consoleLoginId).toBe('b9332197-2faa-4dca-ae61-6d0eddf1b600')
    expect(micafer.accessKeyIds).toEqual(['ASIAIQJRDYXXE43U42LQ', 'ASIAIYOR5VGUAKJ5PYUQ', 'ASIAJAYDGCVIOCBVBHDA'])
    expect(micafer.activity.calls).toBe(49)

    expect(r.sessions.find((s) => s.arn === `${ACCT}:user/alucloud00`)!.activity.calls).toBe(432)
    expect(r.sessions.find((s) => s.arn === `${ACCT}:user/alucloud206`)!.activity.calls).toBe(371)
  })

  it('leaves a console session whose login is not in the data unlinked', async () => {
    const r = await reportOf(DIR)
    const s = r.sessions.find((x) => x.arn === `${ACCT}:user/alucloud192`)!
    expect(s.inferred).toBe(true)
    expect(s.consoleLoginId).toBeUndefined()
    expect(s.issuedAt).toBe('2017-06-01T07:31:20.000Z')
    expect(s.activity.calls).toBe(37)
  })

  it('shows the key set Inactive at 08:07:13 and Active at 08:11:32 while in use', async () => {
    const r = await reportOf(DIR)
    const f = r.flags.find((x) => x.kind === 'key-reactivated')!
    expect(f.subject).toBe('AKIAI4DAJ75TZ2FB3BHA')
    expect(f.detail).toContain('Inactive at 2017-06-01T08:07:13.000Z')
    expect(f.detail).toContain('Active again at 2017-06-01T08:11:32.000Z')
    // 28 calls before the deactivation and 58 after the reactivation in these files; none in between.
    expect(f.detail).toContain('used 28 times before, 0 while inactive, 58 after')
    const statuses = r.timeline.filter((t) => t.kind === 'key-status' && t.detail.startsWith('AKIAI4DAJ75TZ2FB3BHA'))
    expect(statuses.map((t) => [t.at, t.detail])).toEqual([
      ['2017-06-01T08:07:13.000Z', 'AKIAI4DAJ75TZ2FB3BHA → Inactive (user micafer)'],
      ['2017-06-01T08:11:32.000Z', 'AKIAI4DAJ75TZ2FB3BHA → Active (user micafer)'],
    ])
    // Made from gmolto's console session: the timeline says which session acted.
    expect(statuses[0].sessionId).toBe(`${ACCT}:user/gmolto|2017-06-01T08:04:28.000Z`)
    const key = r.principals.find((p) => p.accessKeyId === 'AKIAI4DAJ75TZ2FB3BHA')!
    expect(key.activity.calls).toBe(86)
  })

  it('links the Elastic Beanstalk service role sessions when services are included', async () => {
    const r = await reportOf(DIR, {includeService: true})
    const eb = byKey(r, 'ASIAJWQDUUAT74AUKGYA')
    expect(eb.arn).toBe('arn:aws:sts::974349055189:assumed-role/aws-elasticbeanstalk-service-role/elasticbeanstalk')
    expect(eb.issuer).toMatchObject({kind: 'service', id: 'elasticbeanstalk.amazonaws.com'})
    expect(eb.activity.byName).toEqual({DescribeAutoScalingGroups: 1})
    expect(byKey(r, 'ASIAJMRMNER2IEF3GOSQ').issuedAt).toBe('2017-06-01T08:02:57.000Z')
    const quiet = await reportOf(DIR)
    expect(quiet.sessions.some((s) => s.issuer.kind === 'service')).toBe(false)
  })
})
