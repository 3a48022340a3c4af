// `--source s3 --path s3://bucket/prefix`: the trail bucket read where it is, no `aws s3 sync` first.
// Lists only the prefixes of the window's accounts, regions and days (s3-plan.ts), refuses before any
// GetObject when the listed bytes exceed --max-bytes, then reads objects in parallel (bounded; each
// retried with backoff past the client's own adaptive retries) and parses them in key order through the
// same reader as files: an object up to 8 MB is held as a file of that size would be, a bigger one is
// streamed from the response. Progress goes to stderr; the report's source line says what was read.
import {getObjectStream, isRetryableRead, listObjectsPage, type S3Client} from '../../aws/s3.js'
import {getIdentity} from '../../aws/identity.js'
import type {Clients} from '../../aws/clients.js'
import {InvalidInputError, PreflightError} from '../../errors.js'
import {parseSize, sizeText} from '../athena/cost.js'
import type {TrailEvent} from '../event.js'
import {scanObjectsParallel, type ScanResult} from '../parallel/scan.js'
import {inputReport, newFindings, type FileFindings, type InputReport} from './input-report.js'
import {isGzip, openTrailBytes, readTrailFile, WHOLE_READ_BYTES, type Opened} from './read-file.js'
import {RecordScanner} from './record-scan.js'
import {s3Grants} from './grants.js'
import type {SourceDef} from './registry.js'
import {keyInWindow, parseS3Url, planPrefixes, type ListPrefix, type S3Location} from './s3-plan.js'
import {S3Progress, type ProgressSink} from './s3-progress.js'
import {matchesQuery, type SourceStats, type TrailQuery, type TrailSource} from './types.js'

const TRAIL_KEY = /\.(json|jsonl|ndjson)(\.gz)?$/i
/** Objects fetched at once (and held ahead of the parser). S3 serves thousands a second a prefix. */
const CONCURRENCY = 8
const READ_ATTEMPTS = 4
/** Fewer objects than this are parsed on the main thread: each worker costs a start-up. */
const PARALLEL_MIN_OBJECTS = 32

export interface S3SourceOptions {
  location: S3Location
  client: () => Promise<S3Client>
  /** 12-digit ids, or undefined for every account in the bucket; 'current' is resolved through `caller`. */
  accounts?: string[]
  regions?: string[]
  maxBytes?: number
  caller?: () => Promise<string>
  progress?: ProgressSink
  tty?: boolean
  concurrency?: number
}

interface Listed {
  key: string
  size: number
}

export interface S3ReadStats {
  listCalls: number
  /** Keys and common prefixes the listings returned: what the question cost in S3 listing. */
  keysListed: number
  prefixes: number
  objects: number
  bytes: number
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const t = setTimeout(resolve, ms)
    signal?.addEventListener('abort', () => (clearTimeout(t), reject(signal.reason)), {once: true})
  })

/** Runs `fn` over `items`, at most `n` at once, results in input order. */
async function mapLimit<T, R>(items: T[], n: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length)
  let next = 0
  await Promise.all(Array.from({length: Math.min(n, items.length)}, async () => {
    while (next < items.length) {
      const i = next++
      out[i] = await fn(items[i])
    }
  }))
  return out
}

export class S3Source implements TrailSource {
  readonly kind = 's3'
  readonly indexed = false
  private readonly st: SourceStats = {calls: 0, events: 0, files: 0}
  readonly read: S3ReadStats = {listCalls: 0, keysListed: 0, prefixes: 0, objects: 0, bytes: 0}
  private input: InputReport = inputReport(0, [], 0)
  private listedBytes = 0
  private accountsRead: string[] = []
  private listed?: {key: string; objects: Listed[]}
  private readonly failed = new Map<string, string>()

  constructor(readonly opts: S3SourceOptions) {}

  get url(): string {
    return `s3://${this.opts.location.bucket}/${this.opts.location.prefix}`
  }

  describe(): string {
    const r = this.read
    const accounts = this.accountsRead.length ? `; accounts ${this.accountsRead.join(', ')}` : ''
    return `S3 ${this.url} (${r.objects.toLocaleString('en')} objects, ${sizeText(r.bytes)} read, ${this.st.events.toLocaleString('en')} events; ${r.keysListed.toLocaleString('en')} keys listed in ${r.listCalls} calls over ${r.prefixes} prefixes${accounts})`
  }

  stats(): SourceStats {
    return {...this.st}
  }

  inputReport(): InputReport {
    return this.input
  }

  private async page(client: S3Client, a: {prefix: string; delimiter?: string; token?: string; startAfter?: string}, signal?: AbortSignal) {
    this.read.listCalls++
    this.st.calls++
    const p = await listObjectsPage(client, {bucket: this.opts.location.bucket, ...a}, signal)
    this.read.keysListed += p.objects.length + p.prefixes.length
    return p
  }

  /** The keys under one planned prefix, in order, within the window's delivery minutes. */
  private async listPrefix(client: S3Client, lp: ListPrefix, q: TrailQuery, signal?: AbortSignal): Promise<Listed[]> {
    const out: Listed[] = []
    let token: string | undefined
    do {
      const p = await this.page(client, {prefix: lp.prefix, token, startAfter: token ? undefined : lp.startAfter}, signal)
      for (const o of p.objects) if (TRAIL_KEY.test(o.key) && keyInWindow(o.key, q.start, q.end)) out.push(o)
      // Past the window's last delivery minute nothing more in this day can hold its events.
      const lastKey = p.objects.at(-1)?.key
      token = lp.stopAfter && lastKey && lastKey > lp.stopAfter ? undefined : p.nextToken
    } while (token)
    return out
  }

  private async plan(client: S3Client, q: TrailQuery, signal?: AbortSignal): Promise<Listed[]> {
    let accounts = this.opts.accounts
    if (accounts?.includes('current')) {
      const me = await this.opts.caller!()
      accounts = accounts.map((a) => (a === 'current' ? me : a))
    }
    const children = async (prefix: string) => {
      const names: string[] = []
      let token: string | undefined
      do {
        const p = await this.page(client, {prefix, delimiter: '/', token}, signal)
        for (const c of p.prefixes) names.push(c.slice(prefix.length, -1))
        token = p.nextToken
      } while (token)
      return names
    }
    const plan = await planPrefixes(this.opts.location, {start: q.start, end: q.end, accounts, regions: this.opts.regions}, children)
    this.accountsRead = plan.accounts
    this.read.prefixes = plan.prefixes.length
    if (!plan.prefixes.length && !plan.accounts.length) {
      throw new InvalidInputError(`No CloudTrail logs under ${this.url}${accounts ? ` for account(s) ${accounts.join(', ')}` : ''}: no AWSLogs/<account>/ or AWSLogs/<org id>/<account>/ folder`, [], {
        next: `aws s3 ls ${this.url} (then lockdown trail chains --source s3 --path s3://<bucket>/<the prefix that holds AWSLogs/>)`,
      })
    }
    const lists = await mapLimit(plan.prefixes, CONCURRENCY, (lp) => this.listPrefix(client, lp, q, signal))
    return lists.flat()
  }

  /** One object opened as a file would be: whole when small, else a stream; retried while the read can be retried. */
  private async open(client: S3Client, o: Listed, signal?: AbortSignal): Promise<Opened> {
    const file = `s3://${this.opts.location.bucket}/${o.key}`
    if (o.size > WHOLE_READ_BYTES) {
      return {
        file,
        stream: async () => {
          this.st.calls++
          const {body} = await getObjectStream(client, this.opts.location.bucket, o.key, signal)
          const first: Buffer | null = await new Promise((resolve, reject) => {
            body.once('readable', () => resolve(body.read(2) as Buffer | null))
            body.once('error', reject)
          })
          if (first) body.unshift(first)
          return {body, gzip: first !== null && isGzip(first)}
        },
      }
    }
    const bytes = await this.fetchBytes(client, o, signal)
    return Buffer.isBuffer(bytes) ? openTrailBytes(file, bytes) : {file, error: bytes.error}
  }

  /** An object's bytes, retried with backoff while the failure is one a retry can fix. */
  private async fetchBytes(client: S3Client, o: Listed, signal?: AbortSignal): Promise<Buffer | {error: string}> {
    for (let attempt = 1; ; attempt++) {
      try {
        this.st.calls++
        const {body} = await getObjectStream(client, this.opts.location.bucket, o.key, signal)
        const chunks: Buffer[] = []
        for await (const c of body) chunks.push(c as Buffer)
        return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)
      } catch (e) {
        if (signal?.aborted || !isRetryableRead(e)) throw e
        if (attempt >= READ_ATTEMPTS) return {error: `could not be read after ${attempt} attempts (${(e as Error).message})`}
        await sleep(Math.min(4000, 200 * 2 ** attempt), signal)
      }
    }
  }

  /** The window's objects, listed once per question (the parallel scan and the stream share it), and --max-bytes held. */
  private async objects(client: S3Client, q: TrailQuery, signal?: AbortSignal): Promise<Listed[]> {
    const key = `${q.start}|${q.end}`
    if (this.listed?.key === key) return this.listed.objects
    const objects = await this.plan(client, q, signal)
    this.listedBytes = objects.reduce((n, o) => n + o.size, 0)
    const max = this.opts.maxBytes
    if (max !== undefined && this.listedBytes > max) {
      throw new PreflightError(
        `--max-bytes ${sizeText(max)}: the window lists ${objects.length.toLocaleString('en')} objects of ${sizeText(this.listedBytes)} (${this.listedBytes.toLocaleString('en')} bytes) under ${this.url}; nothing was read`,
        {next: 'narrow the question (--since/--until, --accounts, --regions) or raise --max-bytes, then rerun lockdown trail report --source s3', detail: {objects: objects.length, bytes: this.listedBytes, maxBytes: max}},
      )
    }
    this.listed = {key, objects}
    return objects
  }

  /**
   * Parsing on worker threads, as files are: objects fetched here (8 at once) go to the workers as bytes.
   * Undefined when the window holds too few objects for threads to pay off: events() then reads them.
   */
  async scanParallel(q: TrailQuery, workers: number, signal?: AbortSignal): Promise<ScanResult | undefined> {
    const client = await this.opts.client()
    const objects = await this.objects(client, q, signal)
    if (objects.length < PARALLEL_MIN_OBJECTS || workers < 2) return undefined
    // Workers count events as they parse; this line knows them at the end.
    const progress = new S3Progress(objects.length, this.listedBytes, this.opts.progress, this.opts.tty ?? false, false)
    const big = objects.filter((o) => o.size > WHOLE_READ_BYTES)
    const scan = await scanObjectsParallel(q, workers, async (send) => {
      await mapLimit(objects.filter((o) => o.size <= WHOLE_READ_BYTES), this.opts.concurrency ?? CONCURRENCY, async (o) => {
        const bytes = await this.fetchBytes(client, o, signal)
        const file = `s3://${this.opts.location.bucket}/${o.key}`
        // A read that failed for good is sent as nothing; the worker's findings then name the file.
        await send(file, Buffer.isBuffer(bytes) ? bytes : Buffer.alloc(0))
        if (!(Buffer.isBuffer(bytes))) this.failed.set(file, bytes.error)
        this.read.objects++
        this.read.bytes += o.size
        progress.objects = this.read.objects
        progress.bytes = this.read.bytes
        progress.tick()
      })
    })
    // Objects too big to hold are streamed here, into the same accumulator.
    const scanner = new RecordScanner()
    const extra: FileFindings[] = []
    for (const o of big) {
      const opened = await this.open(client, o, signal)
      const found = newFindings(opened.file)
      for await (const batch of readTrailFile(opened, scanner, found)) {
        scan.events += batch.length
        for (const e of batch) if (matchesQuery(e, q)) scan.acc.add(e)
      }
      extra.push(found)
      this.read.objects++
      this.read.bytes += o.size
    }
    progress.events = scan.events
    progress.done()
    this.st.events = scan.events
    this.st.files = this.read.objects
    const findings = [...scan.input.findings.map((f) => (this.failed.has(f.file) ? {...f, error: this.failed.get(f.file)} : f)), ...extra]
    for (const [file, error] of this.failed) if (!findings.some((f) => f.file === file)) findings.push({...newFindings(file), error})
    // The workers' report lists only files with something to say; the events count covers them all.
    this.input = {...inputReport(objects.length, findings, scan.input.nonEmpty + extra.filter((f) => f.events > 0).length), events: scan.input.events + extra.reduce((n, f) => n + f.events, 0)}
    return scan
  }

  async *events(q: TrailQuery, signal?: AbortSignal): AsyncGenerator<TrailEvent> {
    const client = await this.opts.client()
    const objects = await this.objects(client, q, signal)
    const progress = new S3Progress(objects.length, this.listedBytes, this.opts.progress, this.opts.tty ?? false)
    const scanner = new RecordScanner()
    const all: FileFindings[] = []
    const pending: Promise<Opened>[] = []
    const ahead = this.opts.concurrency ?? CONCURRENCY
    let nonEmpty = 0
    let next = 0
    const fill = () => {
      while (pending.length < ahead && next < objects.length) {
        const p = this.open(client, objects[next++], signal)
        p.catch(() => undefined) // awaited in order below; a rejection before then is not unhandled
        pending.push(p)
      }
    }
    fill()
    for (let i = 0; i < objects.length; i++) {
      signal?.throwIfAborted()
      const opened = await pending.shift()!
      fill()
      const found = newFindings(opened.file)
      for await (const batch of readTrailFile(opened, scanner, found)) {
        for (const e of batch) {
          this.st.events++
          if (matchesQuery(e, q)) yield e
        }
        progress.events = this.st.events
        progress.tick()
      }
      all.push(found)
      if (opened.nonEmpty) nonEmpty++
      this.st.files++
      this.read.objects++
      this.read.bytes += objects[i].size
      progress.objects = this.read.objects
      progress.bytes = this.read.bytes
      progress.tick()
    }
    progress.done()
    this.input = inputReport(objects.length, all, nonEmpty)
  }
}

/** `--source s3` (or `--path s3://…`): the trail bucket, listed by the window's prefixes and read in place. */
export const s3Source: SourceDef = {
  kind: 's3',
  summary: 'The CloudTrail bucket read in place (s3://bucket/prefix): only the window’s account, region and day prefixes are listed; any number of accounts.',
  flags: {
    'max-bytes': {description: 'Refuse (exit 3) before reading when the objects the window lists are bigger than this (500MB, 20GB).'},
  },
  permissions: ['s3:ListBucket', 's3:GetObject'],
  grants: s3Grants,
  impliedBy: (v) => typeof v.path === 'string' && v.path.startsWith('s3://'),
  readsAccounts: true,
  open(v, env) {
    const path = v.path as string | undefined
    if (!path?.startsWith('s3://')) throw new InvalidInputError('--source s3 needs --path s3://bucket/prefix (the trail bucket, and the prefix that holds AWSLogs/)', [], {next: 'lockdown trail chains --source s3 --path s3://my-trail-bucket/'})
    const words = v.accounts as string[] | undefined
    if (words?.some((w) => w !== 'current' && w !== 'organization' && !/^\d{12}$/.test(w))) {
      throw new InvalidInputError(`--accounts ${words.join(',')}: expected current, organization or 12-digit account ids`, [], {next: 'lockdown trail chains --source s3 --path s3://bucket/ --accounts 222233334444'})
    }
    const regions = v.regions as string[] | undefined
    const clients = (): Clients => env.clients()
    return new S3Source({
      location: parseS3Url(path),
      client: () => clients().s3(),
      accounts: words?.length && !words.includes('organization') ? words : undefined,
      regions: regions?.length ? regions : undefined,
      maxBytes: typeof v['max-bytes'] === 'string' ? parseSize(v['max-bytes'], '--max-bytes') : undefined,
      caller: async () => (await getIdentity(clients())).account,
      progress: env.progress,
      tty: env.tty,
    })
  },
}
