// Benchmark: `--source s3` against `--source files` on the same objects, and what window pruning saves.
//
// 1. 1,000,000 events (the forensics bench's files: real grycap records, Apache-2.0, with fresh ids) are
//    put in the simulator's trail bucket layout; the same directory is read once as files (the parallel
//    workers) and once through S3 on loopback (ListObjectsV2 + GetObject through the real SDK, SigV4
//    verified by the simulator). The simulator runs in its own process (`lockdown sim serve`), as S3 is
//    not in the reader's process: its CPU is not the reader's. Goal: s3 within 1.3× of files.
// 2. A 90-day bucket (3 accounts, 2 regions, 24 files a day): the keys a one-day window lists (discovery
//    included) against a naive full listing of the bucket. Goal: under 2%.
import {spawn} from 'node:child_process'
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {availableParallelism, loadavg, tmpdir} from 'node:os'
import {join} from 'node:path'
import {gzipSync} from 'node:zlib'

import {makeClients} from '../src/aws/clients.js'
import {listObjectsPage} from '../src/aws/s3.js'
import {collectReport} from '../src/forensics/collect.js'
import {defaultWorkers} from '../src/forensics/parallel/scan.js'
import {FileSource} from '../src/forensics/sources/files.js'
import {S3Source} from '../src/forensics/sources/s3.js'
import {startSim} from '../src/sim/index.js'
import {generate} from './forensics.js'

const TOTAL = Number(process.env.BENCH_EVENTS ?? 1_000_000)
const ACCT = '111122223333'
const ALL = {start: new Date(0), end: new Date('2100-01-01')}
const BUCKET = 'bench-trail'

/** `lockdown sim serve` in a child process over `dir`; resolves once it prints where it listens. */
async function serveChild(dir: string): Promise<{endpoint: string; credentials: {accessKeyId: string; secretAccessKey: string}; stop(): void}> {
  const child = spawn(process.execPath, [join(import.meta.dirname, '..', 'bin', 'dev.js'), 'sim', 'serve', '--port', '0', '--trail-dir', dir, '--trail-bucket', BUCKET, '--json'], {stdio: ['ignore', 'pipe', 'inherit']})
  let out = ''
  const info = await new Promise<{endpoint: string; root: {accessKeyId: string; secretAccessKey: string}}>((resolve, reject) => {
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString()
      try {
        resolve(JSON.parse(out))
      } catch {
        // not the whole JSON yet
      }
    })
    child.once('exit', (code) => reject(new Error(`sim serve exited ${code}: ${out}`)))
  })
  return {endpoint: info.endpoint, credentials: info.root, stop: () => child.kill('SIGTERM')}
}

async function timed<T>(fn: () => Promise<T>): Promise<{ms: number; value: T}> {
  const t0 = performance.now()
  const value = await fn()
  return {ms: performance.now() - t0, value}
}

/** 90 days × 3 accounts (an organization trail and an account's own) × 2 regions × 24 files. */
function ninetyDays(dir: string, today: number): number {
  let n = 0
  const p2 = (x: number) => String(x).padStart(2, '0')
  for (let d = 0; d < 90; d++) {
    for (const [org, acct] of [['o-a1b2c3d4e5', '222233334444'], ['o-a1b2c3d4e5', '333344445555'], [undefined, ACCT]] as const) {
      for (const region of ['us-east-1', 'eu-west-1']) {
        const day = new Date(today - d * 86_400_000)
        const folder = join(dir, 'AWSLogs', ...(org ? [org] : []), acct, 'CloudTrail', region, String(day.getUTCFullYear()), p2(day.getUTCMonth() + 1), p2(day.getUTCDate()))
        mkdirSync(folder, {recursive: true})
        for (let h = 0; h < 24; h++) {
          const stamp = `${day.getUTCFullYear()}${p2(day.getUTCMonth() + 1)}${p2(day.getUTCDate())}T${p2(h)}05Z`
          const at = new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate(), h, 1)).toISOString().replace('.000', '')
          const record = {eventVersion: '1.08', eventID: `e-${n}`, eventTime: at, eventName: 'GetCallerIdentity', eventSource: 'sts.amazonaws.com', awsRegion: region, sourceIPAddress: '203.0.113.9', recipientAccountId: acct, userIdentity: {type: 'IAMUser', arn: `arn:aws:iam::${acct}:user/ops`, accountId: acct, accessKeyId: `AKIA${acct}00`, userName: 'ops'}}
          writeFileSync(join(folder, `${acct}_CloudTrail_${region}_${stamp}_${String(n++).padStart(16, '0')}.json.gz`), gzipSync(JSON.stringify({Records: [record]})))
        }
      }
    }
  }
  return n
}

export async function benchS3(): Promise<string> {
  const lines: string[] = []
  const dir = mkdtempSync(join(tmpdir(), 'lockdown-bench-s3-'))
  const folder = join(dir, 'AWSLogs', ACCT, 'CloudTrail', 'us-east-1', '2017', '06', '01')
  mkdirSync(folder, {recursive: true})
  const files = generate(folder, TOTAL)
  const sim = await serveChild(dir)
  const clients = makeClients({endpoint: sim.endpoint, region: 'us-east-1', credentials: sim.credentials})
  try {
    const load = loadavg()[0].toFixed(2)
    const workers = defaultWorkers()
    const opts = {window: ALL, includeService: true, workers}
    const f = await timed(() => collectReport(new FileSource(dir), opts))
    const source = new S3Source({location: {bucket: BUCKET, prefix: ''}, client: () => clients.s3()})
    const cpu0 = process.cpuUsage()
    const s = await timed(() => collectReport(source, opts))
    const cpu = process.cpuUsage(cpu0)
    const ratio = s.ms / f.ms
    const same = s.value.summary.sessions === f.value.summary.sessions && s.value.source.events === f.value.source.events
    lines.push(
      `s3: ${TOTAL.toLocaleString('en')} events in ${files} objects; ${availableParallelism()} CPUs, load average ${load} before`,
      `  --source files (${workers} workers): ${(f.ms / 1000).toFixed(2)}s = ${Math.round(f.value.source.events / (f.ms / 1000)).toLocaleString('en')} events/s`,
      `  --source s3 (loopback to sim serve, SigV4, ${source.read.objects} GetObject, ${source.read.listCalls} list calls): ${(s.ms / 1000).toFixed(2)}s = ${Math.round(s.value.source.events / (s.ms / 1000)).toLocaleString('en')} events/s; reader CPU ${((cpu.user + cpu.system) / 1000 / 1000).toFixed(2)}s in all its threads`,
      `  s3 / files: ${ratio.toFixed(2)}× (goal ≤ 1.3×) ${ratio <= 1.3 ? 'OK' : 'ABOVE GOAL'}; same answer: ${same ? 'yes' : 'NO'} (${s.value.summary.sessions} sessions)`,
    )
  } finally {
    clients.destroy()
    sim.stop()
    rmSync(dir, {recursive: true, force: true})
  }

  const dir90 = mkdtempSync(join(tmpdir(), 'lockdown-bench-s3-90d-'))
  const sim90 = await startSim({trailDir: dir90, trailBucket: BUCKET})
  const c90 = makeClients({endpoint: sim90.endpoint, region: sim90.region, credentials: sim90.rootCredentials})
  try {
    const today = Date.UTC(2026, 10, 30, 12, 0)
    const objects = ninetyDays(dir90, today)
    const s3 = await c90.s3()
    let naive = 0
    let token: string | undefined
    do {
      const p = await listObjectsPage(s3, {bucket: BUCKET, prefix: '', token})
      naive += p.objects.length
      token = p.nextToken
    } while (token)
    const day = today - 30 * 86_400_000
    const source = new S3Source({location: {bucket: BUCKET, prefix: ''}, client: async () => s3})
    await collectReport(source, {window: {start: new Date(day - 6 * 3600_000), end: new Date(day + 6 * 3600_000)}})
    const share = source.read.keysListed / naive
    lines.push(
      `  one-day window of a 90-day bucket (${objects.toLocaleString('en')} objects, 3 accounts, 2 regions): ${source.read.keysListed} keys listed in ${source.read.listCalls} calls (discovery included), ${source.read.objects} objects read, against ${naive.toLocaleString('en')} for a full listing = ${(share * 100).toFixed(2)}% (goal < 2%) ${share < 0.02 ? 'OK' : 'ABOVE GOAL'}`,
    )
  } finally {
    c90.destroy()
    await sim90.stop()
    rmSync(dir90, {recursive: true, force: true})
  }
  return lines.join('\n')
}

if (process.argv[1]?.endsWith('s3.ts')) console.log(await benchS3())
