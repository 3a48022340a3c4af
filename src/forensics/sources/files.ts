// CloudTrail log files as delivered to S3 (`{"Records":[…]}`, .json or .json.gz), JSON arrays of events
// (LookupEvents / Grimoire dumps) and JSON lines. Memory stays bounded: delivery files are small (AWS
// caps them), are read one at a time with two gunzips in flight on libuv's pool while the main thread
// parses, and only JSON-lines files (.jsonl/.ndjson, of any size) are streamed line by line.
import {createReadStream} from 'node:fs'
import {readFile} from 'node:fs/promises'
import {createInterface} from 'node:readline'
import {createGunzip, gunzip} from 'node:zlib'
import {promisify} from 'node:util'

import {InvalidInputError} from '../../errors.js'
import {normalizeRecord, type TrailEvent} from '../event.js'
import {expandTrailPaths} from './paths.js'
import {RecordScanner} from './record-scan.js'
import {matchesQuery, type SourceStats, type TrailQuery, type TrailSource} from './types.js'

const gunzipAsync = promisify(gunzip)
const PREFETCH = 2
/** LOCKDOWN_SCAN=json turns the fast path off: for a side-by-side benchmark, or to rule it out when in doubt. */
const JSON_ONLY = process.env.LOCKDOWN_SCAN === 'json'
/** Output chunk of gunzip: a delivery file inflates to about 1 MB, and each 16 KB default chunk was a round trip to libuv's pool. */
const GUNZIP_CHUNK = 256 * 1024

/** One file's bytes, gunzipped when it is gzip (sniffed, not trusted from the name). */
export async function loadTrailFile(file: string): Promise<Buffer> {
  const buf = await readFile(file)
  // Sniff the gzip magic rather than trust the name: S3 downloads sometimes drop or add `.gz`.
  return buf[0] === 0x1f && buf[1] === 0x8b ? await gunzipAsync(buf, {chunkSize: GUNZIP_CHUNK}) : buf
}

/** Raw records in one already-loaded file, whichever of the three shapes it has. */
export function recordsOf(text: string, file = '(input)'): unknown[] {
  const start = text.search(/\S/)
  if (start < 0) return []
  if (text[start] === '[' || text[start] === '{') {
    try {
      const doc = JSON.parse(text)
      if (Array.isArray(doc)) return doc
      if (Array.isArray(doc.Records)) return doc.Records
      if (Array.isArray(doc.Events)) return doc.Events.map((e: {CloudTrailEvent?: string}) => (e.CloudTrailEvent ? JSON.parse(e.CloudTrailEvent) : e))
      return [doc]
    } catch (err) {
      // Several objects, one a line: JSON lines.
      if (text[start] !== '{') throw new InvalidInputError(`${file}: not JSON (${(err as Error).message})`)
    }
  }
  const out: unknown[] = []
  let line = 0
  for (const l of text.split('\n')) {
    line++
    if (l.trim() === '') continue
    try {
      out.push(JSON.parse(l))
    } catch {
      throw new InvalidInputError(`${file}:${line}: not a JSON event, a {"Records":[…]} file or a JSON array`)
    }
  }
  return out
}

/**
 * Events in one already-loaded file. Delivery files and arrays go through the scanner's fast path; other
 * shapes and invalid JSON through JSON.parse and normalizeRecord: the same events, or the error by name.
 */
export function eventsOf(bytes: Buffer, file: string, scanner: RecordScanner): TrailEvent[] {
  const fast = JSON_ONLY ? undefined : scanner.scan(bytes)
  if (fast) return fast
  const out: TrailEvent[] = []
  for (const r of recordsOf(bytes.toString('utf8'), file)) {
    const e = normalizeRecord(r as Record<string, unknown>)
    if (e) out.push(e)
  }
  return out
}

async function* streamLines(file: string): AsyncGenerator<unknown> {
  const input = createReadStream(file)
  const stream = /\.gz$/i.test(file) ? input.pipe(createGunzip()) : input
  for await (const l of createInterface({input: stream, crlfDelay: Infinity})) {
    if (l.trim() !== '') yield JSON.parse(l)
  }
}

export class FileSource implements TrailSource {
  readonly kind = 'files'
  readonly indexed = false
  private readonly st: SourceStats = {calls: 0, events: 0, files: 0}

  constructor(readonly path: string) {}

  describe(): string {
    return `CloudTrail files at ${this.path} (${this.st.files} files, ${this.st.events} events)`
  }

  stats(): SourceStats {
    return {...this.st}
  }

  async *events(q: TrailQuery, signal?: AbortSignal): AsyncGenerator<TrailEvent> {
    const files = await expandTrailPaths(this.path)
    const pending: Promise<Buffer>[] = []
    const lineFiles = (f: string) => /\.(jsonl|ndjson)(\.gz)?$/i.test(f)
    const scanner = new RecordScanner()
    let next = 0
    const fill = () => {
      while (pending.length < PREFETCH && next < files.length && !lineFiles(files[next])) pending.push(loadTrailFile(files[next++]))
    }
    while (next < files.length || pending.length) {
      signal?.throwIfAborted()
      fill()
      this.st.files++
      if (pending.length) {
        const file = files[next - pending.length]
        const bytes = await pending.shift()!
        fill()
        for (const e of eventsOf(bytes, file, scanner)) {
          this.st.events++
          if (matchesQuery(e, q)) yield e
        }
        continue
      }
      for await (const r of streamLines(files[next++])) {
        const e = normalizeRecord(r as Record<string, unknown>)
        if (!e) continue
        this.st.events++
        if (matchesQuery(e, q)) yield e
      }
    }
  }
}
