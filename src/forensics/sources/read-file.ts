// Reads one CloudTrail file into events in bounded memory, whatever it holds. A file that inflates to at
// most WHOLE_LIMIT is read whole and goes through the WebAssembly scanner in one call (the common case:
// AWS delivery files are small). Anything bigger, and anything the scanner does not take as is, streams
// through a splitter (split.ts) in chunks; its records are scanned in batches, and a batch with a record
// the scanner does not read goes record by record through JSON.parse, so each problem is named by line.
// A file that breaks partway (truncated or corrupt gzip, past the inflated-size cap) keeps the records
// read before the break, and the break is named with the file.
import {createReadStream} from 'node:fs'
import {Readable} from 'node:stream'
import {open, readFile, stat} from 'node:fs/promises'
import {promisify} from 'node:util'
import {createGunzip, gunzip} from 'node:zlib'

import {normalizeRecord, type TrailEvent} from '../event.js'
import {newFindings, note, type FileFindings} from './input-report.js'
import {RecordScanner} from './record-scan.js'
import {unwrapRecord} from './shapes.js'
import {BracketSplitter, LineSplitter, type SplitSink} from './split.js'

const gunzipAsync = promisify(gunzip)
/** LOCKDOWN_SCAN=json turns the fast path off: for a side-by-side benchmark, or to rule it out when in doubt. */
const JSON_ONLY = process.env.LOCKDOWN_SCAN === 'json'
/** Output chunk of gunzip: each 16 KB default chunk was a round trip to libuv's pool. */
const GUNZIP_CHUNK = 256 * 1024
/** Read whole up to this many (inflated) bytes; past it, stream. Two files are in flight at once. */
const WHOLE_LIMIT = 32 * 1024 * 1024
/** A compressed file this big inflates past WHOLE_LIMIT at any sane ratio: stream it from the start. */
const WHOLE_COMPRESSED = 8 * 1024 * 1024
/** No CloudTrail record comes near this (the service caps events at 256 KB); past it, a record is skipped. */
export const MAX_RECORD_BYTES = 16 * 1024 * 1024
/** Records per scanner batch, and bytes: small enough to stay cheap, big enough to amortise the call. */
const BATCH_RECORDS = 4096
const BATCH_BYTES = 4 * 1024 * 1024
/** How much of a file's start decides between JSON lines and the bracket splitter. */
const PEEK = 1024 * 1024

/** Default per-file cap on inflated bytes: a 2 GB delivery file reads, a 6 GB gzip bomb is refused. */
export const DEFAULT_MAX_FILE_BYTES = Number(process.env.LOCKDOWN_TRAIL_MAX_FILE_BYTES) || 4 * 1024 ** 3

export interface ReadOptions {
  /** Inflated bytes past which a file is cut off and named. */
  maxFileBytes?: number
}

/**
 * A file read ahead: whole bytes, or only the knowledge that it must be streamed. `stream` reads it from
 * elsewhere than the disk (an S3 object too big to hold), with whether it is gzip (sniffed by the opener).
 */
export type Opened = {file: string; whole?: Buffer; nonEmpty?: boolean; error?: string; stream?: () => Promise<{body: Readable; gzip: boolean}>}

export const isGzip = (b: Buffer) => b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b

/** Reads a small file whole (gunzip capped at WHOLE_LIMIT); anything else is left to stream. */
export async function openTrailFile(file: string): Promise<Opened> {
  const size = await stat(file).then((s) => s.size, (e: Error) => e)
  if (size instanceof Error) return {file, error: `could not be read (${size.message})`}
  if (size > WHOLE_COMPRESSED) return {file}
  const buf = await readFile(file)
  // Sniff the gzip magic rather than trust the name: S3 downloads sometimes drop or add `.gz`.
  if (!isGzip(buf)) return buf.length <= WHOLE_LIMIT ? {file, whole: buf} : {file}
  try {
    return {file, whole: await gunzipAsync(buf, {chunkSize: GUNZIP_CHUNK, maxOutputLength: WHOLE_LIMIT})}
  } catch {
    // Too big to hold, truncated or corrupt: streaming reads what can be read and names the break.
    return {file}
  }
}

/** Objects up to this size (compressed) are read whole into memory, as files are; bigger ones stream. */
export const WHOLE_READ_BYTES = WHOLE_COMPRESSED

/** Bytes already in memory (an S3 object read whole), opened as openTrailFile opens a file from disk. */
export async function openTrailBytes(file: string, buf: Buffer): Promise<Opened> {
  const again = (gzip: boolean) => async () => ({body: Readable.from([buf]), gzip})
  if (!isGzip(buf)) return buf.length <= WHOLE_LIMIT ? {file, whole: buf} : {file, stream: again(false)}
  try {
    return {file, whole: await gunzipAsync(buf, {chunkSize: GUNZIP_CHUNK, maxOutputLength: WHOLE_LIMIT})}
  } catch {
    // Too big to hold inflated, truncated or corrupt: streaming reads what can be read and names the break.
    return {file, stream: again(true)}
  }
}

/** Whether bytes hold anything but whitespace. */
function hasContent(b: Buffer): boolean {
  for (let i = 0; i < b.length; i++) {
    const c = b[i]
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return true
  }
  return false
}

/** JSON lines, or something the bracket splitter reads: decided on the first complete lines. */
function looksLikeLines(file: string, head: Buffer, complete: boolean): boolean {
  if (/\.(jsonl|ndjson)(\.gz)?$/i.test(file)) return true
  const text = head.toString('utf8', 0, Math.min(head.length, PEEK))
  // Not a JSON document at all: lines, so that each bad line is named rather than the file once.
  const first = text.search(/\S/)
  if (first >= 0 && text[first] !== '{' && text[first] !== '[') return true
  const lines = text.split('\n')
  if (!complete) lines.pop()
  let tried = 0
  for (const l of lines) {
    if (l.trim() === '') continue
    if (++tried > 3) break
    try {
      const v = JSON.parse(l)
      if (v && typeof v === 'object' && !Array.isArray(v) && !Array.isArray(v.Records) && !Array.isArray(v.Events) && !Array.isArray(v.QueryResultRows)) return true
    } catch {
      // a line that is not JSON on its own: a pretty-printed document, or a bad line; look at the next
    }
  }
  return false
}

/** Records cut from a file become events, in batches through the scanner, record by record when needed. */
class Batcher implements SplitSink {
  private pieces: Buffer[] = []
  private lines: number[] = []
  private bytes = 0
  ready: TrailEvent[] = []

  constructor(private readonly scanner: RecordScanner, readonly found: FileFindings) {}

  record(bytes: Buffer, line: number): void {
    this.pieces.push(bytes)
    this.lines.push(line)
    this.bytes += bytes.length + 1
    if (this.pieces.length >= BATCH_RECORDS || this.bytes >= BATCH_BYTES) this.flush()
  }

  problem(what: string, line: number): void {
    this.found.records++
    note(this.found.unreadable, what, line)
  }

  flush(): void {
    const n = this.pieces.length
    if (!n) return
    const parts: Buffer[] = [Buffer.from('[')]
    for (let i = 0; i < n; i++) parts.push(i ? COMMA : EMPTY, this.pieces[i])
    parts.push(Buffer.from(']'))
    const fast = JSON_ONLY ? undefined : this.scanner.scan(Buffer.concat(parts))
    if (fast && this.scanner.lastRecords === n && fast.length === n) {
      this.found.records += n
      this.found.events += n
      if (this.scanner.lastNoIdentity) this.slowIdentityNotes()
      for (const e of fast) this.ready.push(e)
    } else {
      for (let i = 0; i < n; i++) this.slow(this.pieces[i], this.lines[i])
    }
    this.pieces = []
    this.lines = []
    this.bytes = 0
  }

  /** The scanner counted records without userIdentity; find their lines (rare: parse this batch to name the first). */
  private slowIdentityNotes(): void {
    for (let i = 0; i < this.pieces.length; i++) {
      try {
        const r = JSON.parse(this.pieces[i].toString('utf8'))
        if (!r || typeof r.userIdentity !== 'object' || r.userIdentity === null) this.noIdentity(this.lines[i])
      } catch {
        // the scanner read it, so JSON.parse does too
      }
    }
  }

  private noIdentity(line: number): void {
    const n = this.found.noIdentity
    if (n) n.count++
    else this.found.noIdentity = {count: 1, line}
  }

  private slow(bytes: Buffer, line: number): void {
    let raw: unknown
    try {
      raw = JSON.parse(bytes.toString('utf8'))
    } catch {
      this.problem('not JSON', line)
      return
    }
    // A line or element that is itself a delivery file or a lookup-events page.
    const o = raw as {Records?: unknown; Events?: unknown}
    const list = raw && typeof raw === 'object' && !Array.isArray(raw) && (Array.isArray(o.Records) || Array.isArray(o.Events)) ? ((o.Records ?? o.Events) as unknown[]) : [raw]
    for (const r of list) {
      const u = unwrapRecord(r)
      if ('unreadable' in u) {
        this.problem(u.unreadable, line)
        continue
      }
      const e = normalizeRecord(u.record)
      if (!e) {
        this.problem('with an eventTime that is not a time', line)
        continue
      }
      this.found.records++
      this.found.events++
      if (u.timeFrom) note(this.found.timeFrom, u.timeFrom, line)
      const id = u.record.userIdentity
      if (typeof id !== 'object' || id === null) this.noIdentity(line)
      this.ready.push(e)
    }
  }
}

const COMMA = Buffer.from(',')
const EMPTY = Buffer.alloc(0)

/**
 * Events of one file, in batches, in file order. `found` is filled as the file is read: records, events,
 * what could not be read and where, and the error that stopped the file early, if one did.
 */
export async function* readTrailFile(opened: Opened, scanner: RecordScanner, found: FileFindings, opts: ReadOptions = {}): AsyncGenerator<TrailEvent[]> {
  const {file, whole} = opened
  if (opened.error) {
    found.error = opened.error
    return
  }
  if (whole) {
    opened.nonEmpty = hasContent(whole)
    const fast = JSON_ONLY ? undefined : scanner.scan(whole)
    // No record at all from bytes that hold something: let the splitter say what they hold instead.
    if (fast && fast.length === scanner.lastRecords && !scanner.lastNoIdentity && (fast.length > 0 || !opened.nonEmpty)) {
      found.records += fast.length
      found.events += fast.length
      yield fast
      return
    }
    const b = new Batcher(scanner, found)
    const split = looksLikeLines(file, whole, true) ? new LineSplitter(b, MAX_RECORD_BYTES) : new BracketSplitter(b, MAX_RECORD_BYTES)
    split.push(whole)
    split.end()
    b.flush()
    yield b.ready
    return
  }
  yield* streamTrailFile(opened, scanner, found, opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES)
}

async function sniffGzip(file: string): Promise<boolean> {
  const fh = await open(file, 'r')
  try {
    const b = Buffer.alloc(2)
    const {bytesRead} = await fh.read(b, 0, 2, 0)
    return isGzip(b.subarray(0, bytesRead))
  } finally {
    await fh.close()
  }
}

const mb = (n: number) => `${Math.round(n / 1024 / 1024).toLocaleString('en')} MB`

async function* streamTrailFile(opened: Opened, scanner: RecordScanner, found: FileFindings, cap: number): AsyncGenerator<TrailEvent[]> {
  const {file} = opened
  const elsewhere = opened.stream ? await opened.stream() : undefined
  const gz = elsewhere ? elsewhere.gzip : await sniffGzip(file)
  const input = elsewhere?.body ?? createReadStream(file, {highWaterMark: 1024 * 1024})
  const gunzip = gz ? createGunzip({chunkSize: GUNZIP_CHUNK}) : undefined
  if (gunzip) {
    input.on('error', (e: Error) => gunzip.destroy(e))
    input.pipe(gunzip)
  }
  const stream = gunzip ?? input
  const b = new Batcher(scanner, found)
  let split: BracketSplitter | LineSplitter | undefined
  let head: Buffer[] = []
  let headBytes = 0
  let total = 0
  opened.nonEmpty = false
  const decide = (complete: boolean) => {
    const h = Buffer.concat(head)
    split = looksLikeLines(file, h, complete) ? new LineSplitter(b, MAX_RECORD_BYTES) : new BracketSplitter(b, MAX_RECORD_BYTES)
    split.push(h)
    head = []
  }
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      total += chunk.length
      if (total > cap) {
        found.error = `${gz ? 'inflates' : 'is'} past the ${mb(cap)} per-file cap (a gzip bomb, or set LOCKDOWN_TRAIL_MAX_FILE_BYTES); the rest of the file was not read`
        break
      }
      if (!opened.nonEmpty && hasContent(chunk)) opened.nonEmpty = true
      if (!split) {
        head.push(chunk)
        headBytes += chunk.length
        if (headBytes >= PEEK || chunk.includes(0x0a)) decide(false)
      } else split.push(chunk)
      if (b.ready.length) {
        yield b.ready
        b.ready = []
      }
    }
  } catch (err) {
    const e = err as NodeJS.ErrnoException
    found.error = gz ? `not a readable gzip file after ${mb(total)} inflated (${e.message}): truncated or corrupt` : `could not be read (${e.message})`
  } finally {
    input.destroy()
    gunzip?.destroy()
  }
  if (!split) decide(true)
  // A break mid-file leaves a record half read: the error names the file, not a "truncated record" too.
  if (found.error) b.flush()
  else split!.end()
  b.flush()
  if (b.ready.length) yield b.ready
}

export {newFindings}
