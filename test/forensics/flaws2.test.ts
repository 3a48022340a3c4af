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
    // The Lambda's key used with the aws-cli from an address the Lambda never called from.
    expect(s.flags).toEqual(['service-credentials-outside'])
    const f = r.flags.find((x) => x.kind === 'service-credentials-outside' && x.subject === s.id)!
    expect(f.at).toBe('2018-11-28T23:04:54.000Z') // the attacker's first call, ListObjects
    expect(f.ip).toBe('104.102.221.250')
    expect(f.evidence).toEqual(['8b3e9429-989c-4e28-92b3-da8df5603f6d'])
    expect(f.detail).toContain('(the service called from 34.234.236.212)')
  })

  it('flags the stolen ECS task role level3 by default: aws-cli from the attacker IP, first call ListBuckets', async () => {
    const r = await reportOf(flaws2())
    const level3 = byKey(r, 'ASIAZQNB3KHGNXWXBSJS')
    expect(level3.flags).toEqual(['service-credentials-outside'])
    const f = r.flags.find((x) => x.subject === level3.id)!
    expect(f).toMatchObject({at: '2018-11-28T23:09:28.000Z', ip: '104.102.221.250', evidence: ['65e111a0-83ae-4ba8-9673-16291a804873']})
    expect(f.detail).toContain('first call ListBuckets')
    expect(f.contain).toEqual({roles: ['level3']})
  })

  it('shows the 22 anonymous S3 reads from the attacker IP as a finding', async () => {
    const r = await reportOf(flaws2())
    const f = r.flags.find((x) => x.kind === 'external-access')!
    // 22 GetObject records with userIdentity.accountId ANONYMOUS_PRINCIPAL, 23:02:56 → 23:09:36.
    expect(f.subject).toBe('anonymous from 104.102.221.250')
    expect(f.detail).toMatch(/^22 anonymous call\(s\) \(GetObject ×22\) from 104\.102\.221\.250/)
    expect(f.detail).toContain('between 2018-11-28T23:02:56.000Z and 2018-11-28T23:09:36.000Z')
    // Four reads share the first second; the smallest event id of them is named.
    expect(f.evidence).toEqual(['38993e7c-b9e9-46eb-9f93-82e710147d39'])
    expect(r.findings.map((x) => x.detection)).toEqual(['service-credentials-outside', 'service-credentials-outside', 'external-access'])
  })

  it('timeline: the attacker-relevant calls themselves, first call per IP, errors, the flagged call', async () => {
    const r = await reportOf(flaws2())
    const level1 = byKey(r, 'ASIAZQNB3KHGIGYQXVVG')
    const mine = r.timeline.filter((t) => t.sessionId === level1.id)
    // First call from the Lambda's own IP (CreateLogStream 77b02a51, denied) and from the attacker's (ListObjects 8b3e9429, flagged).
    expect(mine.find((t) => t.eventId === '77b02a51-70c8-465b-94df-579c1fe42a5c')).toMatchObject({event: 'CreateLogStream', ip: '34.234.236.212', kind: 'first-ip'})
    expect(mine.find((t) => t.eventId === '8b3e9429-989c-4e28-92b3-da8df5603f6d')).toMatchObject({event: 'ListObjects', ip: '104.102.221.250', kind: 'flagged'})
    expect(mine.filter((t) => t.kind === 'error').map((t) => t.error)).toEqual(['AccessDenied', 'AccessDenied', 'AccessDenied', 'AccessDenied'])
    // The anonymous reads appear too, at their first call.
    expect(r.timeline.find((t) => t.event === 'external-access')).toMatchObject({ip: '104.102.221.250', eventId: '38993e7c-b9e9-46eb-9f93-82e710147d39'})
  })

  it('collapses only the unused, unflagged ECS execution-role session, and says why', async () => {
    const quiet = await reportOf(flaws2())
    expect(quiet.sessions.map((s) => s.accessKeyIds[0]).sort()).toEqual(['ASIAZQNB3KHGIGYQXVVG', 'ASIAZQNB3KHGNXWXBSJS'])
    expect(quiet.summary.hiddenServiceSessions).toBe(1)
    expect(quiet.summary.hiddenReason).toContain('a flagged session is always shown')

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
