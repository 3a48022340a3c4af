// Benchmark: what partition projection saves. A 90-day trail bucket (real grycap records, Apache-2.0,
// test/fixtures, spread over 90 days × 2 regions with fresh ids and times) is delivered to the
// simulator's bucket; the CloudTrail table is made by `lockdown trail athena setup`'s SQL; then a report
// for a one-day window runs through the real --source athena (the generated SQL, through the SDK, on the
// simulator's DuckDB) and a query with no partition predicate reads the whole table. Printed: the
// generated SQL's partition predicates, and the bytes the engine scanned for each.
import {mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {gunzipSync, gzipSync} from 'node:zlib'

import {makeClients} from '../src/aws/clients.js'
import {sizeText} from '../src/forensics/athena/cost.js'
import {runToEnd} from '../src/forensics/athena/run.js'
import {createDatabaseSql, createTableSql, partitionPredicates} from '../src/forensics/athena/sql.js'
import {collectReport} from '../src/forensics/collect.js'
import {AthenaSource} from '../src/forensics/sources/athena.js'
import {startSim, TRAIL_BUCKET} from '../src/sim/index.js'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const DAYS = 90
const REGIONS = ['us-east-1', 'eu-west-1']
const FILES_A_DAY = 3
const PER_FILE = 400
const ACCT = '111122223333'
const DAY_MS = 86_400_000
const OUT = 's3://bench-athena-results/'

function deliver(dir: string, today: number): {objects: number; bytes: number; events: number} {
  const src = join(ROOT, 'test', 'fixtures', 'cloudtrail', 'grycap')
  const records: Record<string, unknown>[] = []
  for (const f of readdirSync(src).sort()) records.push(...JSON.parse(gunzipSync(readFileSync(join(src, f))).toString()).Records)
  let n = 0
  let objects = 0
  let bytes = 0
  for (let d = DAYS - 1; d >= 0; d--) {
    const day = today - d * DAY_MS
    const [y, m, dd] = new Date(day).toISOString().slice(0, 10).split('-')
    for (const region of REGIONS) {
      const folder = join(dir, 'AWSLogs', ACCT, 'CloudTrail', region, y!, m!, dd!)
      mkdirSync(folder, {recursive: true})
      for (let f = 0; f < FILES_A_DAY; f++) {
        const batch = Array.from({length: PER_FILE}, (_, i) => {
          const r = records[n++ % records.length]!
          const at = new Date(day + Math.floor(((f * PER_FILE + i) / (FILES_A_DAY * PER_FILE)) * (DAY_MS - 1000))).toISOString().replace(/\.\d+Z$/, 'Z')
          return {...r, eventID: `bench-${n}`, eventTime: at, awsRegion: region, recipientAccountId: ACCT}
        })
        const gz = gzipSync(JSON.stringify({Records: batch}))
        writeFileSync(join(folder, `${ACCT}_CloudTrail_${region}_${y}${m}${dd}T${String(f).padStart(2, '0')}00Z_bench${f}.json.gz`), gz)
        objects++
        bytes += gz.length
      }
    }
  }
  return {objects, bytes, events: n}
}

export async function benchAthena(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'lockdown-bench-athena-'))
  const today = Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate())
  const bucket = deliver(dir, today)
  const sim = await startSim({trailDir: dir, faults: {lookupEventsRate: 0}})
  const clients = makeClients({endpoint: sim.endpoint, region: sim.region, credentials: sim.rootCredentials})
  try {
    const client = await clients.athena()
    const since = new Date(today - DAYS * DAY_MS).toISOString().slice(0, 10).replace(/-/g, '/')
    for (const sql of [createDatabaseSql('bench'), createTableSql('bench', 'trail', {bucket: TRAIL_BUCKET, accounts: [ACCT], regions: REGIONS, since})]) {
      const r = await runToEnd(client, {sql, outputLocation: OUT}, {pollMs: 20})
      if (r.state !== 'SUCCEEDED') throw new Error(`setup ${r.state}: ${r.reason}`)
    }
    // One day in the middle of the 90.
    const start = today - 45 * DAY_MS
    const window = {start: new Date(start), end: new Date(start + DAY_MS - 1)}
    const predicates = partitionPredicates({account: 'account', region: 'region', day: 'timestamp'}, {start: window.start.getTime(), end: window.end.getTime()})
    const source = new AthenaSource({table: 'bench.trail', client: async () => client, outputLocation: OUT, pollMs: 20})
    let t = performance.now()
    const report = await collectReport(source, {window})
    const dayMs = performance.now() - t
    const dayBytes = source.queries.reduce((s, q) => s + q.bytes, 0)
    t = performance.now()
    const whole = await runToEnd(client, {sql: 'SELECT count(*) FROM bench.trail', database: 'bench', outputLocation: OUT}, {pollMs: 20})
    const wholeMs = performance.now() - t
    if (whole.state !== 'SUCCEEDED') throw new Error(`whole-table query ${whole.state}: ${whole.reason}`)
    const perQuery = source.queries.map((q) => sizeText(q.bytes)).join(' + ')
    return [
      `bucket: ${DAYS} days × ${REGIONS.length} regions, ${bucket.objects} objects, ${bucket.events.toLocaleString('en-US')} events, ${sizeText(bucket.bytes)}`,
      `generated partition predicates for one day (${window.start.toISOString().slice(0, 10)}): ${predicates.join(' AND ')}`,
      `one-day report (${source.queries.length} queries: ${perQuery}): ${sizeText(dayBytes)} scanned in ${(dayMs / 1000).toFixed(1)} s, ${report.summary.events} events`,
      `whole table (SELECT count(*), no partition predicate): ${sizeText(whole.bytesScanned)} scanned in ${(wholeMs / 1000).toFixed(1)} s`,
      `one-day scan per query = ${((100 * dayBytes) / source.queries.length / whole.bytesScanned).toFixed(2)}% of the whole table (the day and the day after: files land in the folder of their delivery day)`,
    ].join('\n')
  } finally {
    clients.destroy()
    await sim.stop()
    rmSync(dir, {recursive: true, force: true})
  }
}
