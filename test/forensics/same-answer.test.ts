// Same answer every time: the JSON report is identical, byte for byte apart from generatedAt and the
// source line (which names the path and the worker count), for 1, 2 and 3 workers and for the same
// records shuffled into other files in another order. The records are the real grycap and stratus trails
// (grycap holds 4 records delivered twice, SOURCES.md and a count of eventIDs), plus 6,000 console logins
// (past the 5,000 that were once kept, which turned the rest into "session-token" sessions) and one
// cross-account AssumeRole logged in both accounts, whose copies arrive in opposite orders.
import {mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {gunzipSync} from 'node:zlib'
import {describe, expect, it} from 'vitest'

import {collectReport, FileSource} from '../../src/forensics/index.js'
import type {ForensicReport} from '../../src/report/types.js'
import {ALL_TIME, sharedCloudTrail} from './helpers.js'

type Rec = Record<string, unknown>

function readAll(dir: string): Rec[][] {
  const out: Rec[][] = []
  const walk = (d: string) => {
    for (const f of readdirSync(d).sort()) {
      const p = join(d, f)
      if (statSync(p).isDirectory()) walk(p)
      else {
        const raw = readFileSync(p)
        const doc = JSON.parse((raw[0] === 0x1f ? gunzipSync(raw) : raw).toString())
        out.push(Array.isArray(doc) ? doc : doc.Records)
      }
    }
  }
  walk(dir)
  return out
}

const A = '111111111111'
const B = '222222222222'
const LOGINS = 6000

function consoleUser(i: number): Rec[] {
  const at = new Date(Date.parse('2019-03-01T00:00:00Z') + i * 1000).toISOString().replace('.000', '')
  const arn = `arn:aws:iam::${A}:user/ct-${i}`
  const user = {type: 'IAMUser', principalId: `AIDACT${i}`, arn, accountId: A, userName: `ct-${i}`}
  return [
    {eventVersion: '1.05', eventID: `login-${i}`, eventTime: at, eventName: 'ConsoleLogin', eventSource: 'signin.amazonaws.com', awsRegion: 'us-east-1', sourceIPAddress: '198.51.100.7', userAgent: 'Mozilla/5.0', recipientAccountId: A, userIdentity: user, responseElements: {ConsoleLogin: 'Success'}, additionalEventData: {MFAUsed: 'No'}},
    {eventVersion: '1.05', eventID: `call-${i}`, eventTime: at, eventName: 'DescribeInstances', eventSource: 'ec2.amazonaws.com', awsRegion: 'us-east-1', sourceIPAddress: '198.51.100.7', userAgent: 'console.ec2.amazonaws.com', recipientAccountId: A, userIdentity: {...user, accessKeyId: `ASIACT${String(i).padStart(8, '0')}`, invokedBy: 'signin.amazonaws.com', sessionContext: {attributes: {creationDate: at, mfaAuthenticated: 'false'}}}},
  ]
}

/** User in A assumes a role in B: logged in both accounts, one sharedEventID, two eventIDs. */
function crossAccount(): {a: Rec; b: Rec; use: Rec} {
  const base = {
    eventVersion: '1.08', eventTime: '2019-04-01T10:00:00Z', eventName: 'AssumeRole', eventSource: 'sts.amazonaws.com', awsRegion: 'us-east-1', sourceIPAddress: '203.0.113.5', userAgent: 'aws-cli/2.15', sharedEventID: 'shared-x',
    userIdentity: {type: 'IAMUser', principalId: 'AIDAXA', arn: `arn:aws:iam::${A}:user/dev`, accountId: A, accessKeyId: 'AKIAXADEV', userName: 'dev'},
    requestParameters: {roleArn: `arn:aws:iam::${B}:role/deploy`, roleSessionName: 'dev'},
    responseElements: {credentials: {accessKeyId: 'ASIAXBDEPLOY', expiration: 'Apr 1, 2019, 11:00:00 AM'}, assumedRoleUser: {arn: `arn:aws:sts::${B}:assumed-role/deploy/dev`, assumedRoleId: 'AROAXB:dev'}},
  }
  const use = {
    eventVersion: '1.08', eventID: 'x-use', eventTime: '2019-04-01T10:05:00Z', eventName: 'ListBuckets', eventSource: 's3.amazonaws.com', awsRegion: 'us-east-1', sourceIPAddress: '203.0.113.5', userAgent: 'aws-cli/2.15', recipientAccountId: B,
    userIdentity: {type: 'AssumedRole', principalId: 'AROAXB:dev', arn: `arn:aws:sts::${B}:assumed-role/deploy/dev`, accountId: B, accessKeyId: 'ASIAXBDEPLOY', sessionContext: {attributes: {creationDate: '2019-04-01T10:00:00Z', mfaAuthenticated: 'false'}, sessionIssuer: {type: 'Role', arn: `arn:aws:iam::${B}:role/deploy`, accountId: B, userName: 'deploy'}}},
  }
  return {a: {...base, eventID: 'x-in-a', recipientAccountId: A}, b: {...base, eventID: 'x-in-b', recipientAccountId: B}, use}
}

/** A seeded shuffle (mulberry32): the same "random" order on every run. */
function shuffle<T>(xs: T[], seed: number): T[] {
  const out = [...xs]
  let s = seed
  const rnd = () => {
    s = (s + 0x6d2b79f5) | 0
    let t = Math.imul(s ^ (s >>> 15), 1 | s)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1))
    ;[out[i], out[j]] = [out[j], out[i]]
  }
  return out
}

const root = mkdtempSync(join(tmpdir(), 'lockdown-same-'))
const x = crossAccount()
const realFiles = [...readAll(sharedCloudTrail('grycap-cloudtrail-tracker')), ...readAll(sharedCloudTrail('stratus-red-team'))]
const logins = Array.from({length: LOGINS}, (_, i) => consoleUser(i))

// As delivered: one file per original file, then the logins 500 a file, then A's copy before B's.
const asDelivered = join(root, 'delivered')
mkdirSync(asDelivered)
realFiles.forEach((recs, i) => writeFileSync(join(asDelivered, `f${String(i).padStart(5, '0')}.json`), JSON.stringify({Records: recs})))
for (let k = 0; k < LOGINS; k += 500) writeFileSync(join(asDelivered, `logins-${k}.json`), JSON.stringify({Records: logins.slice(k, k + 500).flat()}))
writeFileSync(join(asDelivered, 'x1-a.json'), JSON.stringify({Records: [x.a]}))
writeFileSync(join(asDelivered, 'x2-b.json'), JSON.stringify({Records: [x.b, x.use]}))

// Shuffled: every record in a seeded random order, 97 to a file (so repeats land in other files), B's copy first.
const shuffled = join(root, 'shuffled')
mkdirSync(shuffled)
const all = shuffle([...realFiles.flat(), ...logins.flat(), x.use], 42)
for (let k = 0; k < all.length; k += 97) writeFileSync(join(shuffled, `s${shuffle([...'abcdefghij'], k).join('')}.json`), JSON.stringify(all.slice(k, k + 97)))
writeFileSync(join(shuffled, '0-b.json'), JSON.stringify([x.b]))
writeFileSync(join(shuffled, 'z-a.json'), JSON.stringify([x.a]))

async function run(dir: string, workers: number, partEvents?: number): Promise<ForensicReport> {
  return collectReport(new FileSource(dir), {window: ALL_TIME, includeService: true, workers, partEvents, now: new Date('2026-01-01T00:00:00Z')})
}

/** The report as --json prints it, less the source line that names the path and the worker count. */
const canonical = (r: ForensicReport) => JSON.stringify({...r, source: {...r.source, description: ''}})

describe('same answer every time', () => {
  it('1, 2 and 3 workers, files as delivered and shuffled: one JSON report', async () => {
    const reports: [string, ForensicReport][] = []
    for (const dir of [asDelivered, shuffled]) for (const w of [1, 2, 3]) reports.push([`${dir === shuffled ? 'shuffled' : 'delivered'}, ${w} worker(s)`, await run(dir, w)])
    // Workers hand their results over in parts as they go: parts of 500 events, so a session's calls fall in several parts.
    for (const dir of [asDelivered, shuffled]) reports.push([`${dir === shuffled ? 'shuffled' : 'delivered'}, 3 workers in parts of 500 events`, await run(dir, 3, 500)])
    const first = reports[0][1]
    expect(reports[1][1].source.description).toContain('2 workers')
    for (const [what, r] of reports.slice(1)) expect(canonical(r), what).toBe(canonical(first))

    // 17,912 records less the 4 repeats, every login and call, and the cross-account AssumeRole once.
    expect(first.summary.events).toBe(17_912 - 4 + 2 * LOGINS + 2)
    expect(first.gaps).toContain('4 record(s) delivered more than once (same eventID) were counted once.')
    // Every one of the 6,000 logins is its own console session: no cap turns any into something else.
    const ct = first.sessions.filter((s) => s.arn.includes(':user/ct-'))
    expect(ct).toHaveLength(LOGINS)
    expect(new Set(ct.map((s) => s.kind))).toEqual(new Set(['console']))
    // The assumed role lives in B: credited to B whichever account's copy was read first.
    const deploy = first.sessions.find((s) => s.accessKeyIds.includes('ASIAXBDEPLOY'))!
    expect(deploy.account).toBe(B)
    expect(deploy.activity.calls).toBe(1)
  }, 240_000)
})
