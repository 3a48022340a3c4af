// Benchmark: stream 1,000,000 CloudTrail events from gzipped delivery files through parsing and graph
// building. Targets: ≥ 150,000 events/s end to end, peak RSS ≤ 400 MB. Printed beside jq running a
// simpler filter (select AssumeRole) over the same files.
//
// Measured twice over the same files: as shipped (the WebAssembly scanner), and with LOCKDOWN_SCAN=json
// (every file through JSON.parse), printed as a ratio.
//
// The files are made by repeating real grycap records (Apache-2.0, test/fixtures) with fresh event ids,
// written to a temp dir. The measured run happens in a child process so its peak RSS is its own.
//
// Memory per distinct session: the same million events once more, with the signing key rewritten so that
// every SESSION_EVENTS consecutive events form their own session (~100,000 sessions). Bytes per session =
// (peak RSS of that run − peak RSS of the few-session run) / (its sessions − theirs): the per-event cost
// (streaming, the id table) is the same in both and cancels out. Goal ≤ 3 KB.
import {execFileSync, spawnSync} from 'node:child_process'
import {mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {availableParallelism, loadavg, tmpdir} from 'node:os'
import {join, dirname} from 'node:path'
import {fileURLToPath} from 'node:url'
import {gunzipSync, gzipSync} from 'node:zlib'

const HERE = dirname(fileURLToPath(import.meta.url))
const ROOT = join(HERE, '..')
const TOTAL = Number(process.env.BENCH_EVENTS ?? 1_000_000)
// `npm run bench` builds first and measures what ships (dist/, run by bin/run.js); alone, the source.
const SRC = process.env.BENCH_DIST ? '../dist' : '../src'
const PER_FILE = 1000
/** Events per distinct session in the many-sessions run: 1M events → ~100k sessions (records without a key stay as they are). */
const SESSION_EVENTS = 14
const SESSION_GOAL_BYTES = 3 * 1024

/** A session key of ASIA + 16 characters, one per `SESSION_EVENTS` events. */
function sessionKey(n: number): string {
  return `ASIA${Math.floor(n / SESSION_EVENTS).toString(36).toUpperCase().padStart(16, '0')}`
}

export function generate(dir: string, total: number, manySessions = false): number {
  const src = join(ROOT, 'test', 'fixtures', 'cloudtrail', 'grycap')
  const records: string[] = []
  for (const f of readdirSync(src).sort()) {
    for (const r of JSON.parse(gunzipSync(readFileSync(join(src, f))).toString()).Records) {
      // A placeholder where the fresh id goes; the rest of the record is the real one, byte for byte.
      records.push(JSON.stringify({...r, eventID: '@@ID@@', ...(r.sharedEventID ? {sharedEventID: '@@SH@@'} : {})}))
    }
  }
  let n = 0
  let file = 0
  while (n < total) {
    const batch: string[] = []
    for (let i = 0; i < PER_FILE && n < total; i++, n++) {
      const id = `bench-${n.toString(36)}-${(n * 2654435761 >>> 0).toString(16)}`
      let r = records[n % records.length].replace('@@ID@@', id).replace('@@SH@@', `sh-${id}`)
      // A session is its key, creationDate and ARN (sessions seen only by their calls group by ARN and
      // creationDate): the signing key and the creation date both change every SESSION_EVENTS events.
      if (manySessions) {
        r = r
          .replace(/"accessKeyId":"A[SK]IA[A-Z0-9]+"/, `"accessKeyId":"${sessionKey(n)}"`)
          .replace(/"creationDate":"[^"]*"/, `"creationDate":"${new Date(Date.UTC(2017, 5, 1) + Math.floor(n / SESSION_EVENTS) * 1000).toISOString().replace('.000', '')}"`)
      }
      batch.push(r)
    }
    const name = `111122223333_CloudTrail_us-east-1_20170601T${String(file).padStart(6, '0')}Z_bench.json.gz`
    writeFileSync(join(dir, name), gzipSync(`{"Records":[${batch.join(',')}]}`, {level: 6}))
    file++
  }
  return file
}

interface Measured {
  events: number
  ms: number
  rssMb: number
  sessions: number
  workers: number
  /** CPU time of all threads during the scan (workers' tsx start-up included): on a shared box, the number neighbours do not change much. */
  cpuMs: number
}

/** Child process entry: read the files, build the graph, report time and peak RSS. */
async function measure(dir: string): Promise<Measured> {
  const {FileSource} = await import(`${SRC}/forensics/sources/files.js`)
  const {collectReport} = await import(`${SRC}/forensics/collect.js`)
  const {defaultWorkers} = await import(`${SRC}/forensics/parallel/scan.js`)
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  const source = new FileSource(dir)
  const workers = Number(process.env.BENCH_WORKERS ?? defaultWorkers())
  const report = await collectReport(source, {window: {start: new Date(0), end: new Date('2100-01-01')}, includeService: true, workers})
  const ms = performance.now() - t0
  // Worker threads live in this process: maxRSS covers them too.
  // cpuUsage covers every thread of the process (the workers too), from the start of the scan.
  const cpu = process.cpuUsage(cpu0)
  return {events: report.source.events, ms, rssMb: process.resourceUsage().maxRSS / 1024, sessions: report.summary.sessions, workers, cpuMs: (cpu.user + cpu.system) / 1000}
}

function jqRate(dir: string): {ms: number; matched: number} | undefined {
  try {
    execFileSync('jq', ['--version'], {stdio: 'ignore'})
  } catch {
    return undefined
  }
  const t0 = performance.now()
  const r = spawnSync('sh', ['-c', `cat ${JSON.stringify(dir)}/*.json.gz | gzip -dc | jq -c '.Records[] | select(.eventName == "AssumeRole")' | wc -l`], {encoding: 'utf8', maxBuffer: 1 << 20})
  const ms = performance.now() - t0
  if (r.status !== 0) return undefined
  return {ms, matched: Number(r.stdout.trim())}
}

/** Runs the measuring child over `dir` (its own process, so its peak RSS is its own). */
function measureIn(dir: string, env: Record<string, string> = {}): Measured {
  const child = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--measure', dir], {cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 20, env: {...process.env, ...env}})
  if (child.status !== 0) throw new Error(`bench child failed: ${child.stderr}`)
  return JSON.parse(child.stdout.trim().split('\n').pop()!) as Measured
}

/** The many-sessions run, in a dir of its own, and its line against the few-session run `few`. */
function memoryLine(few: Measured): string {
  const dir = mkdtempSync(join(tmpdir(), 'lockdown-bench-many-'))
  try {
    generate(dir, TOTAL, true)
    const many = measureIn(dir)
    const perSession = ((many.rssMb - few.rssMb) * 1024 * 1024) / Math.max(1, many.sessions - few.sessions)
    return `  memory per distinct session: ${many.events.toLocaleString('en')} events in ${many.sessions.toLocaleString('en')} sessions, peak RSS ${many.rssMb.toFixed(0)} MB (${(many.ms / 1000).toFixed(2)}s) = ${Math.round(perSession).toLocaleString('en')} bytes per session beyond the ${few.sessions}-session run (peak RSS ${few.rssMb.toFixed(0)} MB; goal ≤ ${SESSION_GOAL_BYTES.toLocaleString('en')}) ${perSession <= SESSION_GOAL_BYTES ? 'OK' : 'ABOVE GOAL'}`
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
}

/** Only the memory figure (`npm run bench -- forensics-memory`): the few- and many-session runs, nothing else. */
export async function benchForensicsMemory(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'lockdown-bench-'))
  try {
    generate(dir, TOTAL)
    const few = measureIn(dir)
    rmSync(dir, {recursive: true, force: true})
    return `forensics memory: ${TOTAL.toLocaleString('en')} events, ${few.workers} worker${few.workers > 1 ? 's' : ''}\n${memoryLine(few)}`
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
}

export async function benchForensics(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'lockdown-bench-'))
  try {
    const tg = performance.now()
    const files = generate(dir, TOTAL)
    const genS = ((performance.now() - tg) / 1000).toFixed(1)
    const loadBefore = loadavg()[0].toFixed(2)
    const cpus = availableParallelism()
    const m = measureIn(dir)
    const plain = measureIn(dir, {LOCKDOWN_SCAN: 'json'})
    const rate = m.events / (m.ms / 1000)
    const plainRate = plain.events / (plain.ms / 1000)
    const lines = [
      `forensics: ${m.events.toLocaleString('en')} events in ${files} gzipped files (generated in ${genS}s)`,
      `  parse + graph (${m.workers} worker${m.workers > 1 ? 's' : ''}): ${(m.ms / 1000).toFixed(2)}s = ${Math.round(rate).toLocaleString('en')} events/s (target ≥ 150,000) ${rate >= 150_000 ? 'OK' : 'BELOW TARGET'}`,
      `  CPU: ${(m.cpuMs / 1000).toFixed(2)}s in all threads = ${Math.round(m.events / (m.cpuMs / 1000)).toLocaleString('en')} events per CPU-second (≈ ${Math.round((m.events / (m.cpuMs / 1000)) * Math.min(m.workers, cpus)).toLocaleString('en')} events/s on ${Math.min(m.workers, cpus)} idle cores); load average before the run ${loadBefore}`,
      `  peak RSS: ${m.rssMb.toFixed(0)} MB (target ≤ 400) ${m.rssMb <= 400 ? 'OK' : 'ABOVE TARGET'}; ${m.sessions} sessions`,
      memoryLine(m),
      `  same files, every one through JSON.parse (LOCKDOWN_SCAN=json): ${(plain.ms / 1000).toFixed(2)}s = ${Math.round(plainRate).toLocaleString('en')} events/s, peak RSS ${plain.rssMb.toFixed(0)} MB; scanner/JSON.parse = ${(rate / plainRate).toFixed(2)}×${plain.sessions === m.sessions ? '' : ` — SESSIONS DIFFER (${plain.sessions} vs ${m.sessions})`}`,
    ]
    const jq = jqRate(dir)
    if (jq) {
      const jqRateS = m.events / (jq.ms / 1000)
      lines.push(`  jq select(AssumeRole): ${(jq.ms / 1000).toFixed(2)}s = ${Math.round(jqRateS).toLocaleString('en')} events/s (${jq.matched} matched); lockdown/jq = ${(rate / jqRateS).toFixed(2)}×`)
    } else lines.push('  jq not available')
    return lines.join('\n')
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
}

const self = process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]
if (self && process.argv[2] === '--measure') {
  measure(process.argv[3]).then((m) => console.log(JSON.stringify(m)))
} else if (self) {
  ;(process.argv[2] === 'memory' ? benchForensicsMemory() : benchForensics()).then((s) => console.log(s))
}
