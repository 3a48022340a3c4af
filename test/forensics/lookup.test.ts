// LookupEvents through the real SDK against a loopback CloudTrail holding two Stratus detonations.
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {makeClients} from '../../src/aws/clients.js'
import {collectReport, LookupSource, TokenBucket} from '../../src/forensics/index.js'
import {ISSUING_EVENTS, LOOKUP_NOTED_EVENTS} from '../../src/forensics/event.js'
import {startFakeCloudTrail} from './fake-cloudtrail.js'
import {ALL_TIME, FIXTURES} from './helpers.js'

const load = (f: string) => JSON.parse(readFileSync(join(FIXTURES, 'stratus-red-team', f), 'utf8'))
const RECORDS = [...load('aws.credential-access.ec2-get-password-data.json'), ...load('aws.persistence.sts-federation-token.json')]
const REGIONS = ['apiso-northsouth-3r', 'ap-isob-east-1r']
const creds = {accessKeyId: 'AKIATEST', secretAccessKey: 'test'}
/** Virtual time: the token bucket's waits advance it instead of the wall clock. */
function virtualClock() {
  let now = 0
  return {now: () => now, sleep: async (ms: number) => void (now += ms)}
}

describe('LookupEvents source', () => {
  let fake: Awaited<ReturnType<typeof startFakeCloudTrail>>
  beforeAll(async () => {
    fake = await startFakeCloudTrail(RECORDS)
  })
  afterAll(() => fake.close())

  it('asks for issuing, persistence and tampering events by name, then only the keys in question, and counts every call', async () => {
    const clients = makeClients({endpoint: fake.endpoint, credentials: creds, maxAttempts: 1})
    const clock = virtualClock()
    const source = new LookupSource({regions: REGIONS, client: (r) => clients.cloudtrail(r), clock})
    fake.requests.length = 0
    const r = await collectReport(source, {window: ALL_TIME})
    clients.destroy()

    // Round 1: the 7 issuing and 22 persistence/tampering event names, one call each, in each region.
    // Round 2: the 3 issued keys (two for the password-data role, one federation token) and the two
    // long-term keys at the chains' roots (christophe's, the federation user's), in each region.
    const byName = [...ISSUING_EVENTS, ...LOOKUP_NOTED_EVENTS]
    const names = fake.requests.filter((q) => q.attr?.AttributeKey === 'EventName')
    expect(names.map((q) => q.attr!.AttributeValue).sort()).toEqual([...byName, ...byName].sort())
    const keys = fake.requests.filter((q) => q.attr?.AttributeKey === 'AccessKeyId').map((q) => `${q.region}:${q.attr!.AttributeValue}`)
    expect(keys.sort()).toEqual(
      REGIONS.flatMap((reg) => ['AKIA6V1GNZTT65XQH36M', 'AKIAWOGXN38MFN92ING5', 'ASIA7RQR64ZW9JXKWPUO', 'ASIANQQHHS551LWULIWD', 'ASIASTJKC5GCM7ZE6LUP'].map((k) => `${reg}:${k}`)).sort(),
    )
    expect(fake.requests.every((q) => q.attr)).toBe(true)
    expect(fake.requests).toHaveLength(68)
    expect(r.source.calls).toBe(68)
    expect(r.source.kind).toBe('lookup')
    // Within 2 requests/s per region: 34 calls a region, a burst of 2 then 2 a second.
    expect(clock.now()).toBeGreaterThanOrEqual(16_000)
    expect(r.gaps[0]).toBe('LookupEvents was asked 68 time(s): 58 for issuing, persistence and tampering events by name, 10 for 5 access key(s).')

    // The same sessions as reading the files.
    const pw = r.sessions.find((s) => s.accessKeyIds.includes('ASIANQQHHS551LWULIWD'))!
    expect(pw.activity.byName).toEqual({GetPasswordData: 30})
    expect(pw.issuer.accessKeyId).toBe('AKIAWOGXN38MFN92ING5')
    expect(r.sessions.find((s) => s.accessKeyIds.includes('ASIASTJKC5GCM7ZE6LUP'))!.activity.calls).toBe(1)
    expect(r.gaps.join(' ')).toContain('management events only')
  })

  it('looks an exactly named principal up by user name as well, for its own key activity', async () => {
    const clients = makeClients({endpoint: fake.endpoint, credentials: creds, maxAttempts: 1})
    const source = new LookupSource({regions: [REGIONS[0]], client: (r) => clients.cloudtrail(r), clock: virtualClock()})
    fake.requests.length = 0
    const r = await collectReport(source, {window: ALL_TIME, principals: ['christophe']})
    clients.destroy()
    expect(fake.requests.filter((q) => q.attr?.AttributeKey === 'Username').map((q) => q.attr!.AttributeValue)).toEqual(['christophe'])
    // christophe's long-term key made the 4 AssumeRole calls of this detonation, 2 of them denied.
    const key = r.principals.find((p) => p.accessKeyId === 'AKIAWOGXN38MFN92ING5')!
    expect(key.activity.byName).toEqual({AssumeRole: 4})
    expect(key.activity.errors).toEqual({AccessDenied: 2})
    expect(r.sessions.map((s) => s.accessKeyIds[0]).sort()).toEqual(['ASIA7RQR64ZW9JXKWPUO', 'ASIANQQHHS551LWULIWD'])
  })

  it('finds what a leaked long-term key did itself, and --principal keeps that principal’s own persistence flags', async () => {
    // christophe's AKIAOZUDECYXYM4ONAN4 made CreateUser, CreateAccessKey and AttachUserPolicy: no session, no issuing event.
    const admin = await startFakeCloudTrail(load('aws.persistence.iam-create-admin-user.json'))
    const clients = makeClients({endpoint: admin.endpoint, credentials: creds, maxAttempts: 1})
    const source = new LookupSource({regions: ['ap-isob-central-3r'], client: (r) => clients.cloudtrail(r), clock: virtualClock()})
    const r = await collectReport(source, {window: ALL_TIME, principals: ['christophe']})
    clients.destroy()
    await admin.close()
    expect(r.flags.map((f) => `${f.detection} ${f.detail.split(' ')[0]}`).sort()).toEqual(['iam-persistence CreateAccessKey', 'iam-persistence CreateUser', 'privilege-escalation AttachUserPolicy'])
    expect(r.flags.every((f) => f.subject === 'arn:aws:iam::229654561268:user/christophe')).toBe(true)
    expect(r.findings.find((f) => f.detection === 'iam-persistence')!.contain.keys).toEqual(['AKIAOZUDECYXYM4ONAN4', 'AKIAXAFZN8JEPF6L682H'])
  })

  it('pages 50 events at a time', async () => {
    const clients = makeClients({endpoint: fake.endpoint, credentials: creds, maxAttempts: 1})
    const many = Array.from({length: 120}, (_, i) => ({...RECORDS[0], eventID: `x${i}`, eventName: 'AssumeRole', awsRegion: 'r1'}))
    const big = await startFakeCloudTrail(many)
    const c2 = makeClients({endpoint: big.endpoint, credentials: creds, maxAttempts: 1})
    const source = new LookupSource({regions: ['r1'], client: (r) => c2.cloudtrail(r), clock: virtualClock()})
    let n = 0
    for await (const _ of source.events({start: ALL_TIME.start.getTime(), end: ALL_TIME.end.getTime(), eventNames: ['AssumeRole']})) n++
    expect(n).toBe(120)
    expect(big.requests.map((q) => q.nextToken)).toEqual([undefined, '50', '100'])
    await big.close()
    clients.destroy()
    c2.destroy()
  })

  it('retries ThrottlingException and counts the retried calls', async () => {
    const throttled = await startFakeCloudTrail(RECORDS, {throttleFirst: 2})
    const clients = makeClients({endpoint: throttled.endpoint, credentials: creds, maxAttempts: 1})
    const slept: number[] = []
    const source = new LookupSource({regions: [REGIONS[1]], client: (r) => clients.cloudtrail(r), clock: {now: () => 0, sleep: async (ms) => void slept.push(ms)}, ratePerSec: 1000})
    let n = 0
    for await (const _ of source.events({start: ALL_TIME.start.getTime(), end: ALL_TIME.end.getTime(), eventNames: ['GetFederationToken']})) n++
    expect(n).toBe(1)
    expect(source.stats().calls).toBe(3)
    expect(slept).toEqual([500, 1000])
    await throttled.close()
    clients.destroy()
  })
})

describe('token bucket', () => {
  it('lets 2 requests a second through after a burst of 2', async () => {
    let now = 0
    const clock = {now: () => now, sleep: async (ms: number) => void (now += ms)}
    const b = new TokenBucket(2, 2, clock)
    const at: number[] = []
    for (let i = 0; i < 6; i++) {
      await b.take()
      at.push(now)
    }
    expect(at).toEqual([0, 0, 500, 1000, 1500, 2000])
  })
})
