// The WebAssembly fast path must give exactly the events JSON.parse + normalizeRecord give, on real data and
// on the odd corners of JSON, and must refuse what JSON.parse refuses (the caller then reports the error).
import {createHash} from 'node:crypto'
import {readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {gunzipSync} from 'node:zlib'
import {describe, expect, it} from 'vitest'

import {normalizeRecord, recordsOf, type TrailEvent} from '../../src/forensics/index.js'
import {RecordScanner} from '../../src/forensics/sources/record-scan.js'
import {SOURCE_SHA256} from '../../src/forensics/wasm/cloudtrail-scan.wasm.js'
import {FIXTURES, ROOT, flaws2} from './helpers.js'

/** The reference: what the files source did before the fast path, and still does when it declines. */
function slow(bytes: Buffer): TrailEvent[] {
  return recordsOf(bytes.toString('utf8')).flatMap((r) => normalizeRecord(r as Record<string, unknown>) ?? [])
}

function fileBytes(path: string): Buffer {
  const raw = readFileSync(path)
  return raw[0] === 0x1f && raw[1] === 0x8b ? gunzipSync(raw) : raw
}

const dirFiles = (dir: string) => readdirSync(dir).map((f) => join(dir, f))

const base = {eventVersion: '1.05', eventSource: 'iam.amazonaws.com', awsRegion: 'us-east-1', recipientAccountId: '111122223333'}
const identity = (arn: string, extra: object = {}) => ({type: 'IAMUser', principalId: 'AIDAEXAMPLE', arn, accountId: '111122223333', accessKeyId: 'AKIAEXAMPLE', userName: 'u', ...extra})

describe('record scanner (WebAssembly fast path)', () => {
  it('gives the same events as JSON.parse on every real fixture file', () => {
    const files = [...dirFiles(join(FIXTURES, 'grycap')), ...dirFiles(join(FIXTURES, 'stratus-red-team')), ...dirFiles(flaws2())]
    const scanner = new RecordScanner()
    let events = 0
    let scanned = 0
    for (const f of files) {
      const bytes = fileBytes(f)
      const fast = scanner.scan(bytes)
      // Stratus detonation files are JSON arrays; grycap and flaws2 are S3 delivery files: all take the fast path.
      expect(fast, f).toBeDefined()
      expect(fast, f).toEqual(slow(bytes))
      events += fast!.length
      scanned++
    }
    expect(scanned).toBe(files.length)
    expect(events).toBeGreaterThan(1000)
  })

  it('decodes escapes, non-ASCII and invalid UTF-8 the way JSON.parse of the decoded text does', () => {
    const recs = [
      {...base, eventID: 'e1', eventTime: '2024-03-01T10:00:00Z', eventName: 'ListUsers', userAgent: 'agent "quoted" \\ back\u00e9 \u2603 \ud83d\ude00', sourceIPAddress: '2001:db8::1', userIdentity: identity('arn:aws:iam::111122223333:user/j\u00f6rg')},
      {...base, eventID: 'e2\n', eventTime: '2024-03-01T10:00:01Z', eventName: 'List\\u0055sers', userAgent: 'tab\there', userIdentity: identity('arn:aws:iam::111122223333:user/a', {userName: 'x\u0000y'})},
    ]
    const text = JSON.stringify({Records: recs})
    const bytes = Buffer.concat([Buffer.from(text.slice(0, -2)), Buffer.from(',{"eventID":"bad\xff\xfe","eventTime":"2024-03-01T10:00:02Z","eventName":"X"}]}', 'latin1')])
    const fast = new RecordScanner().scan(bytes)
    expect(fast).toEqual(slow(bytes))
    expect(fast!.map((e) => e.userAgent)).toEqual([recs[0].userAgent, 'tab\there', undefined])
    expect(fast![2].id).toBe('bad\ufffd\ufffd')
  })

  it('reads pretty-printed files, arrays with non-records in them, duplicate keys (the last wins) and absent fields', () => {
    const recs: unknown[] = [
      {...base, eventID: 'p1', eventTime: '2024-03-01T10:00:00Z', eventName: 'GetUser', userIdentity: identity('arn:aws:iam::111122223333:user/a')},
      42,
      'text',
      null,
      [{eventName: 'Nested'}],
      {},
      {eventName: 'NoTime'},
      {eventTime: '2024-03-01T10:00:00Z'},
      {...base, eventTime: '2024-03-01T10:00:03.250Z', eventName: 'NoIdOrIdentity'},
      {...base, eventID: 7, eventTime: '2024-03-01T10:00:04Z', eventName: 'NumericId'},
      {...base, eventID: 'p2', eventTime: 1709287205000, eventName: 'EpochTime', userIdentity: null, requestParameters: null, responseElements: null},
      {...base, eventID: 'p3', eventTime: 'Mar 1, 2024 10:00:06 AM', eventName: 'OddTime', userAgent: {not: 'a string'}},
      {...base, eventID: 'p4', eventTime: '2024-03-01t10:00:07z', eventName: 'LowercaseTime'},
      {...base, eventID: 'p5', eventTime: '2023-02-30T10:00:08Z', eventName: 'RolledOverDay'},
      {...base, eventID: 'p6', eventTime: '2024-03-01T10:00:09.5Z', eventName: 'ShortFraction', errorCode: 'AccessDenied', errorMessage: 'no {brackets] "here"'},
      {...base, eventID: 'p7', eventTime: '2024-03-01T10:00:10Z', eventName: 'Numbers', resources: [{n: -1.5e-3}, {n: 0}, {n: 12e+4}, {deep: [[[[{}]]]]}], readOnly: true, managementEvent: false},
    ]
    const pretty = JSON.stringify({Records: recs}, null, 2).replace('"eventName": "GetUser"', '"eventName": "Overwritten",\r\n\t"eventName": "GetUser"')
    const bytes = Buffer.from(pretty)
    const fast = new RecordScanner().scan(bytes)
    expect(fast).toEqual(slow(bytes))
    const byName = new Map(fast!.map((e) => [e.name, e]))
    expect(byName.get('GetUser')).toBeDefined()
    expect(byName.has('Overwritten')).toBe(false)
    expect(byName.get('NoIdOrIdentity')!.id).toBe('NoIdOrIdentity@2024-03-01T10:00:03.250Z')
    expect(byName.get('NumericId')!.id).toBe('NumericId@2024-03-01T10:00:04Z')
    expect(byName.get('RolledOverDay')!.time).toBe(Date.parse('2023-03-02T10:00:08Z'))
    // A bare JSON array of records takes the same path.
    const array = Buffer.from(JSON.stringify(recs))
    expect(new RecordScanner().scan(array)).toEqual(slow(array))
  })

  it('matches Date.parse on every ISO time it parses itself', () => {
    const recs = []
    for (let i = 0; i < 2000; i++) {
      // Spread over 1970–2099, with and without milliseconds, month ends and leap days included.
      const t = new Date(Date.UTC(1970 + (i % 130), i % 12, 1 + ((i * 7) % 31), i % 24, (i * 13) % 60, (i * 17) % 60, i % 2 ? (i * 37) % 1000 : 0))
      const iso = i % 2 ? t.toISOString() : t.toISOString().replace(/\.\d{3}Z$/, 'Z')
      recs.push({eventID: `t${i}`, eventTime: iso, eventName: 'Tick'})
    }
    const bytes = Buffer.from(JSON.stringify({Records: recs}))
    const fast = new RecordScanner().scan(bytes)!
    expect(fast.map((e) => e.time)).toEqual(recs.map((r) => Date.parse(r.eventTime)))
  })

  it('parses requestParameters and responseElements for the events the graph reads them for', () => {
    const assume = {
      ...base,
      eventSource: 'sts.amazonaws.com',
      eventID: 'a1',
      eventTime: '2024-03-01T10:00:00Z',
      eventName: 'AssumeRole',
      userIdentity: identity('arn:aws:iam::111122223333:user/a'),
      requestParameters: {roleArn: 'arn:aws:iam::111122223333:role/r', roleSessionName: 's', sourceIdentity: 'alice'},
      responseElements: {credentials: {accessKeyId: 'ASIAEXAMPLE', expiration: 'Mar 1, 2024, 11:00:00 AM'}, assumedRoleUser: {arn: 'arn:aws:sts::111122223333:assumed-role/r/s', assumedRoleId: 'AROAEXAMPLE:s'}},
    }
    const key = {...base, eventID: 'k1', eventTime: '2024-03-01T10:00:01Z', eventName: 'UpdateAccessKey', userIdentity: identity('arn:aws:iam::111122223333:user/a'), requestParameters: {accessKeyId: 'AKIAOTHER', status: 'Inactive', userName: 'b'}}
    const login = {...base, eventID: 'c1', eventTime: '2024-03-01T10:00:02Z', eventName: 'ConsoleLogin', userIdentity: identity('arn:aws:iam::111122223333:user/a'), responseElements: {ConsoleLogin: 'Success'}, additionalEventData: {MFAUsed: 'No'}}
    const bytes = Buffer.from(JSON.stringify({Records: [assume, key, login]}))
    const fast = new RecordScanner().scan(bytes)!
    expect(fast).toEqual(slow(bytes))
    expect(fast[0].issued).toMatchObject({accessKeyId: 'ASIAEXAMPLE', roleArn: 'arn:aws:iam::111122223333:role/r', sourceIdentity: 'alice'})
    expect(fast[1].params).toMatchObject({accessKeyId: 'AKIAOTHER', status: 'Inactive'})
    expect(fast[2].issued).toMatchObject({success: true, mfaUsed: false})
  })

  it('gives every call of a session one shared Actor, and keeps sessions with alike identities apart', () => {
    const a = identity('arn:aws:iam::111122223333:user/a')
    const b = identity('arn:aws:iam::111122223333:user/a', {accessKeyId: 'AKIAEXAMPLF'})
    const recs = [a, b, a, b, a].map((u, i) => ({...base, eventID: `s${i}`, eventTime: '2024-03-01T10:00:00Z', eventName: 'GetUser', userIdentity: u}))
    const fast = new RecordScanner().scan(Buffer.from(JSON.stringify({Records: recs})))!
    expect(fast.map((e) => e.actor.accessKeyId)).toEqual(['AKIAEXAMPLE', 'AKIAEXAMPLF', 'AKIAEXAMPLE', 'AKIAEXAMPLF', 'AKIAEXAMPLE'])
    expect(fast[0].actor).toBe(fast[2].actor)
    expect(fast[0].actor).not.toBe(fast[1].actor)
  })

  it('starts its table of distinct values over when it fills, with the same events', () => {
    // 40,000 distinct agents a file: the second file overflows the 65,536-value table mid-scan.
    const file = (n: number) =>
      Buffer.from(JSON.stringify({Records: Array.from({length: 40_000}, (_, i) => ({eventID: `${n}-${i}`, eventTime: '2024-03-01T10:00:00Z', eventName: 'GetObject', userAgent: `agent-${n}-${i}`, userIdentity: identity(`arn:aws:iam::111122223333:user/u${i % 3}`)}))}))
    const scanner = new RecordScanner()
    for (const n of [1, 2, 3]) {
      const bytes = file(n)
      const fast = scanner.scan(bytes)
      expect(fast).toEqual(slow(bytes))
      expect(fast![39_999].userAgent).toBe(`agent-${n}-39999`)
    }
  })

  it('reads files of tiny records (more rows than its first guess)', () => {
    const bytes = Buffer.from(`[${Array.from({length: 5000}, (_, i) => `{"eventName":"N","eventTime":"2024-03-01T10:00:00Z","eventID":"${i}"}`).join(',')}]`)
    const fast = new RecordScanner().scan(bytes)
    expect(fast).toHaveLength(5000)
    expect(fast).toEqual(slow(bytes))
  })

  // Invalid JSON (JSON.parse throws too, and names the error), or valid JSON of a shape this path does not read.
  it.each([
    ['a truncated file', '{"Records":[{"eventName":"A","eventTime":"2024-03-01T10:00:00Z"}', 'invalid'],
    ['a trailing comma', '{"Records":[{"eventName":"A"},]}', 'invalid'],
    ['a bad escape', '{"Records":[{"eventName":"A\\x"}]}', 'invalid'],
    ['a raw control character in a string', '{"Records":[{"eventName":"A\u0001"}]}', 'invalid'],
    ['a bad literal in a skipped value', '{"Records":[{"eventName":"A","resources":[tru]}]}', 'invalid'],
    ['a bad number', '{"Records":[{"eventName":"A","n":01}]}', 'invalid'],
    ['mismatched brackets', '{"Records":[{"eventName":"A","resources":[{"a":1]}]}', 'invalid'],
    ['text after the document', '{"Records":[]} x', 'invalid'],
    ['a byte-order mark', '\ufeff{"Records":[]}', 'invalid'],
    ['an empty file', '', 'invalid'],
    ['JSON lines', '{"eventName":"A"}\n{"eventName":"B"}\n', 'invalid'],
    ['another top-level key', '{"Records":[],"Digest":1}', 'valid'],
    ['a LookupEvents response', '{"Events":[]}', 'valid'],
  ])('declines %s, leaving it to JSON.parse', (_, text, json) => {
    expect(new RecordScanner().scan(Buffer.from(text))).toBeUndefined()
    if (json === 'invalid') expect(() => JSON.parse(text)).toThrow()
    else expect(() => JSON.parse(text)).not.toThrow()
  })

  it('is built from the C source in the repository (scripts/build-wasm.sh after every change to it)', () => {
    const source = readFileSync(join(ROOT, 'src', 'forensics', 'wasm', 'cloudtrail-scan.c'))
    expect(createHash('sha256').update(source).digest('hex')).toBe(SOURCE_SHA256)
  })
})
