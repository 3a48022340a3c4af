// flaws2.cloud: a Lambda role's credentials stolen and used from the attacker's IP. Expected values were
// read from the eight delivery files (see ../shared/cloudtrail/SOURCES.md), not from this code.
import {describe, expect, it} from 'vitest'

import {byKey, flaws2, reportOf} from './helpers.js'

describe('flaws2-cloud', () => {
  it('links the level1 Lambda key to its AssumeRole and sees it move to the attacker IP', async () => {
    const r = await reportOf(flaws2())
    const s = byKey(r, 'ASIAZQNB3KHGIGYQXVVG')
    expect(s.arn).toBe('arn:aws:sts::653711331788:assumed-role/level1/level1')
    expect(s.principal).toBe('arn:aws:iam::653711331788:role/service-role/level1')
    expect(s.issuer).toMatchObject({kind: 'service', id: 'lambda.amazonaws.com'})
    expect(s.issuedAt).toBe('2018-11-28T23:03:12.000Z')
    expect(s.expiresAt).toBe('2018-11-29T11:03:12.000Z')
    expect(s.inferred).toBe(false)
    // 5 CreateLogStream by the Lambda itself (all AccessDenied), then 4 calls from the attacker.
    expect(s.activity.ips).toEqual({'34.234.236.212': 5, '104.102.221.250': 4})
    expect(s.activity.byName).toEqual({CreateLogStream: 5, BatchGetImage: 1, GetDownloadUrlForLayer: 1, ListImages: 1, ListObjects: 1})
    expect(s.activity.errors).toEqual({AccessDenied: 5})
    expect(s.activity.first).toBe('2018-11-28T23:03:12.000Z')
    expect(s.activity.last).toBe('2018-11-28T23:06:33.000Z')
    expect(s.flags).toContain('ip-change')
    const f = r.flags.find((x) => x.kind === 'ip-change' && x.subject === s.id)!
    expect(f.at).toBe('2018-11-28T23:04:54.000Z') // the attacker's first call, ListObjects
    expect(f.detail).toContain('104.102.221.250')
  })

  it('hides the unflagged ECS sessions as service noise unless asked for', async () => {
    const quiet = await reportOf(flaws2())
    expect(quiet.sessions.map((s) => s.accessKeyIds[0])).toEqual(['ASIAZQNB3KHGIGYQXVVG'])
    expect(quiet.summary.hiddenServiceSessions).toBe(2)

    const all = await reportOf(flaws2(), {includeService: true})
    expect(all.sessions).toHaveLength(3)
    const level3 = byKey(all, 'ASIAZQNB3KHGNXWXBSJS')
    expect(level3.arn).toBe('arn:aws:sts::653711331788:assumed-role/level3/d190d14a-2404-45d6-9113-4eda22d7f2c7')
    expect(level3.issuer).toMatchObject({kind: 'service', id: 'ecs-tasks.amazonaws.com'})
    expect(level3.activity.byName).toEqual({ListBuckets: 1})
    expect(level3.activity.ips).toEqual({'104.102.221.250': 1})
    expect(byKey(all, 'ASIAZQNB3KHGMG7YRUEW').activity.calls).toBe(0)
  })

  it('an explicit --role selects a service session even without flags', async () => {
    const r = await reportOf(flaws2(), {roles: ['level3']})
    expect(r.sessions.map((s) => s.accessKeyIds[0])).toEqual(['ASIAZQNB3KHGNXWXBSJS'])
  })
})
