// `--source s3` end to end: the CLI in-process reads the simulator's trail bucket through the real
// @aws-sdk/client-s3. The drill's trail gives the same report from s3 as from its files; a 90-day bucket
// is listed only where the window, --accounts and --regions point; --max-bytes refuses before reading.
import {mkdirSync, mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {gzipSync} from 'node:zlib'
import {describe, expect, it} from 'vitest'

import {makeClients} from '../../src/aws/clients.js'
import {Attacker} from '../../src/drill/attacker.js'
import {loadDrill} from '../../src/drill/schema.js'
import {runCli} from '../support/cli.js'
import {useSim} from '../support/sim.js'

const ORG = 'o-a1b2c3d4e5'
const A = '222233334444'
const B = '333344445555'
const SOLO = '777788889999'
const DAY = 86_400_000
const p2 = (n: number) => String(n).padStart(2, '0')

/** One delivered file: `n` calls by one IAM user at `at`, plus an AssumeRole issuing a session, in the AWS layout. */
function deliver(dir: string, org: string | undefined, account: string, region: string, at: number, n: number, tag: string): string {
  const d = new Date(at)
  const ymd = [d.getUTCFullYear(), p2(d.getUTCMonth() + 1), p2(d.getUTCDate())]
  const folder = join(dir, 'AWSLogs', ...(org ? [org] : []), account, 'CloudTrail', region, ...ymd.map(String))
  mkdirSync(folder, {recursive: true})
  const stamp = `${ymd.join('')}T${p2(d.getUTCHours())}${p2(d.getUTCMinutes())}Z`
  const user = {type: 'IAMUser', principalId: `AIDA${account}`, arn: `arn:aws:iam::${account}:user/ops`, accountId: account, accessKeyId: `AKIA${account}00`, userName: 'ops'}
  const time = new Date(at - 60_000).toISOString().replace('.000', '')
  const records = [
    {eventVersion: '1.08', eventID: `${tag}-assume`, eventTime: time, eventName: 'AssumeRole', eventSource: 'sts.amazonaws.com', awsRegion: region, sourceIPAddress: '203.0.113.9', userAgent: 'aws-cli/2', recipientAccountId: account, userIdentity: user,
      requestParameters: {roleArn: `arn:aws:iam::${account}:role/app-${tag}`, roleSessionName: tag},
      responseElements: {credentials: {accessKeyId: `ASIA${tag.toUpperCase().replace(/[^A-Z0-9]/g, '')}`.slice(0, 20), expiration: 'Jan 1, 2030, 1:00:00 AM'}, assumedRoleUser: {arn: `arn:aws:sts::${account}:assumed-role/app-${tag}/${tag}`, assumedRoleId: `AROA${account}:${tag}`}}},
    ...Array.from({length: n}, (_, i) => ({eventVersion: '1.08', eventID: `${tag}-${i}`, eventTime: time, eventName: 'GetCallerIdentity', eventSource: 'sts.amazonaws.com', awsRegion: region, sourceIPAddress: '203.0.113.9', userAgent: 'aws-cli/2', recipientAccountId: account, userIdentity: user})),
  ]
  const file = join(folder, `${account}_CloudTrail_${region}_${stamp}_${tag.replace(/[^A-Za-z0-9]/g, '').padEnd(16, '0').slice(0, 16)}.json.gz`)
  writeFileSync(file, gzipSync(JSON.stringify({Records: records})))
  return file
}

describe('trail chains --source s3', () => {
  it("the compromised-role-chain drill's trail: the same sessions, chains and flags from its files and from its bucket", async () => {
    const dir = mkdtempSync(join(tmpdir(), 's3-drill-'))
    const {drill} = await loadDrill('playbooks/drills/compromised-role-chain.yaml')
    const sim = await useSim({scenario: 'playbooks/scenarios/demo-account.yaml', trailDir: dir, trailBucket: 'drill-trail'})
    const attacker = new Attacker((c, maxAttempts) => makeClients({endpoint: sim.endpoint, region: sim.region, credentials: c, maxAttempts}))
    for (const [id, src] of Object.entries(drill.attacker)) attacker.hold(id, sim.credentialsFor(src.user), 'key', src.user)
    for (const step of drill.attack) await attacker.detonate(step)
    attacker.startPressure(drill.pressure, 50)
    await new Promise((r) => setTimeout(r, 600))
    await attacker.stopPressure()
    attacker.destroy()
    sim.flushTrail()
    const env = sim.env()
    const common = ['--since', '1h', '--json', '--endpoint', sim.endpoint]
    const files = await runCli(['trail', 'chains', '--source', 'files', '--path', dir, ...common], env)
    const s3 = await runCli(['trail', 'chains', '--source', 's3', '--path', 's3://drill-trail/', ...common], env)
    expect(files.code, files.stderr).toBe(0)
    expect(s3.code, s3.stderr).toBe(0)
    const shape = (r: {sessions: unknown[]; findings: unknown[]; summary: unknown}) => ({sessions: r.sessions, findings: r.findings, summary: r.summary})
    expect(shape(s3.json)).toEqual(shape(files.json))
    // The chain the drill builds: the leaked key → app-web → app-data, and the session token beside it.
    const arns = s3.json.sessions.map((s: {arn: string}) => s.arn)
    expect(arns).toEqual(expect.arrayContaining([expect.stringContaining('assumed-role/app-web/exfil'), expect.stringContaining('assumed-role/app-data/exfil-data')]))
    expect(s3.json.summary.flags).toBeGreaterThan(0)
    expect(s3.json.source.description).toMatch(/^S3 s3:\/\/drill-trail\/ \(\d+ objects, .* read, \d+ events; \d+ keys listed in \d+ calls over \d+ prefixes; accounts 111122223333\)$/)
    const gets = sim.trailBucket!.requests().filter((r) => r.op === 'GetObject')
    expect(gets.length).toBeGreaterThan(0)
    expect(gets.every((g) => g.status === 200)).toBe(true)
  }, 60_000)

  describe('a 90-day bucket: an organization trail (two accounts) and one account’s own trail', async () => {
    const dir = mkdtempSync(join(tmpdir(), 's3-90d-'))
    const sim = await useSim({trailDir: dir, trailBucket: 'org-trail'})
    const env = sim.env()
    const today = Date.UTC(2026, 10, 30, 12, 0)
    for (let d = 0; d < 90; d++) {
      for (const [org, acct] of [[ORG, A], [ORG, B], [undefined, SOLO]] as const) {
        for (const region of ['us-east-1', 'eu-west-1']) deliver(dir, org, acct, region, today - d * DAY, 2, `${acct}-${region}-${d}`)
      }
    }
    // One busy day past a listing page: 1,200 small files in one day folder of account A.
    const busy = today - 10 * DAY
    for (let i = 0; i < 1200; i++) deliver(dir, ORG, A, 'us-east-1', busy - i * 30_000, 1, `busy-${i}`)
    const day = (ms: number) => new Date(ms).toISOString().slice(0, 10)
    const cli = (args: string[]) => runCli(['trail', 'chains', '--source', 's3', '--json', '--endpoint', sim.endpoint, '--include-service', ...args], env)

    it('a one-day window lists only that day’s prefixes, reads only its objects, of every account and layout', async () => {
      const before = sim.trailBucket!.requests().length
      const target = today - 30 * DAY
      const r = await cli(['--path', 's3://org-trail/', '--since', new Date(target - 3 * 3600_000).toISOString(), '--until', new Date(target + 3600_000).toISOString()])
      expect(r.code, r.stderr).toBe(0)
      const log = sim.trailBucket!.requests().slice(before)
      const lists = log.filter((q) => q.op === 'ListObjectsV2' && !q.delimiter)
      const gets = log.filter((q) => q.op === 'GetObject')
      // 3 accounts × 2 regions, one day prefix each (the window does not reach midnight + the delivery lag).
      const ymd = day(target).replaceAll('-', '/')
      expect(lists.map((q) => q.prefix).sort()).toEqual(
        [`AWSLogs/${ORG}/${A}/`, `AWSLogs/${ORG}/${B}/`, `AWSLogs/${SOLO}/`].flatMap((root) => ['eu-west-1', 'us-east-1'].map((rg) => `${root}CloudTrail/${rg}/${ymd}/`)).sort(),
      )
      expect(gets).toHaveLength(6)
      expect(gets.every((g) => g.key!.includes(`/${ymd}/`))).toBe(true)
      // What was listed at all, discovery included, against the bucket's 1,740 objects.
      const returned = log.filter((q) => q.op === 'ListObjectsV2').reduce((n, q) => n + (q.returned ?? 0), 0)
      expect(returned).toBeLessThan(0.02 * 1740)
      expect(r.json.sessions.map((s: {arn: string}) => s.arn.split(':')[4]).sort()).toEqual([A, A, B, B, SOLO, SOLO])
    })

    it('--accounts and --regions narrow the listing: the other accounts’ and regions’ prefixes are never listed', async () => {
      const before = sim.trailBucket!.requests().length
      const target = today - 60 * DAY
      const r = await cli(['--path', 's3://org-trail/', '--accounts', B, '--regions', 'eu-west-1', '--since', new Date(target - 3600_000).toISOString(), '--until', new Date(target).toISOString()])
      expect(r.code, r.stderr).toBe(0)
      const log = sim.trailBucket!.requests().slice(before)
      const touched = log.filter((q) => q.op !== 'HeadObject').map((q) => q.prefix ?? q.key!)
      expect(touched.filter((p) => p.includes(A) || p.includes(SOLO) || p.includes('us-east-1'))).toEqual([])
      expect(log.filter((q) => q.op === 'GetObject')).toHaveLength(1)
      expect(r.json.sessions).toHaveLength(1)
    })

    it('pages through a day of 1,200 objects (1,000 a page) and reads every one', async () => {
      const before = sim.trailBucket!.requests().length
      const r = await cli(['--path', `s3://org-trail/AWSLogs/${ORG}/${A}/CloudTrail/us-east-1/`, '--since', new Date(busy - 11 * 3600_000).toISOString(), '--until', new Date(busy).toISOString()])
      expect(r.code, r.stderr).toBe(0)
      const log = sim.trailBucket!.requests().slice(before)
      const dayPrefix = `AWSLogs/${ORG}/${A}/CloudTrail/us-east-1/${day(busy).replaceAll('-', '/')}/`
      const pages = log.filter((q) => q.op === 'ListObjectsV2' && q.prefix === dayPrefix)
      // The 1,200 busy files and that day's own: two pages.
      expect(pages.map((p) => p.returned)).toEqual([1000, 201])
      const gets = log.filter((q) => q.op === 'GetObject').length
      expect(gets).toBe(1201)
      expect(r.json.sessions.length).toBe(gets)
      expect(new Set(log.filter((q) => q.op === 'GetObject').map((q) => q.key)).size).toBe(gets)
    })

    it('--max-bytes: exit 3 before any GetObject, naming the size the window lists', async () => {
      const before = sim.trailBucket!.requests().length
      const r = await runCli(['trail', 'report', '--source', 's3', '--path', 's3://org-trail/', '--since', new Date(today - 5 * DAY).toISOString(), '--until', new Date(today).toISOString(), '--max-bytes', '2KB', '--endpoint', sim.endpoint], env)
      expect(r.code).toBe(3)
      expect(r.stderr).toMatch(/--max-bytes 2\.0 KB: the window lists \d+ objects of [\d.]+ KB \([\d,]+ bytes\) under s3:\/\/org-trail\/; nothing was read/)
      expect(r.stderr).toContain('Next: narrow the question')
      expect(sim.trailBucket!.requests().slice(before).filter((q) => q.op === 'GetObject')).toEqual([])
    })

    it('a bucket that does not exist is named, through the one AWS-error envelope', async () => {
      const none = await cli(['--path', 's3://no-such-trail/', '--since', '1h'])
      expect(none.code).not.toBe(0)
      expect(none.json.error.message).toMatch(/NoSuchBucket|does not exist/)
    })
  })
})
