// CloudTrail files: S3 delivery files (`{"Records":[…]}`, .json or .json.gz), JSON arrays of events
// (LookupEvents / Grimoire dumps), `aws cloudtrail lookup-events` output, CloudTrail Lake results and JSON
// lines (plain or wrapped by Logstash/Elastic/OpenSearch), of any size (read-file.ts). Two files are read
// ahead (gunzip on libuv's pool) while the main thread parses. A file that cannot be read, or holds
// records that cannot be, is named in the input report; the rest of the files are still read.
import {InvalidInputError} from '../../errors.js'
import type {TrailEvent} from '../event.js'
import {inputReport, newFindings, type FileFindings, type InputReport} from './input-report.js'
import {expandTrailPaths} from './paths.js'
import {openTrailFile, readTrailFile, type Opened, type ReadOptions} from './read-file.js'
import {RecordScanner} from './record-scan.js'
import {unwrapRecord} from './shapes.js'
import {matchesQuery, type SourceStats, type TrailQuery, type TrailSource} from './types.js'
import type {SourceDef} from './registry.js'

const PREFETCH = 2

/**
 * Raw records in one already-loaded document, whichever shape it has (tests and other tools; the files
 * source itself streams). Unwrapped as the files source does; what is not a record is left out.
 */
export function recordsOf(text: string): unknown[] {
  const start = text.search(/\S/)
  if (start < 0) return []
  let docs: unknown[]
  try {
    docs = [JSON.parse(text)]
  } catch {
    docs = text.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l))
  }
  const out: unknown[] = []
  for (const doc of docs) {
    const d = doc as {Records?: unknown[]; Events?: unknown[]; QueryResultRows?: unknown[]}
    const list = Array.isArray(doc) ? doc : (d.Records ?? d.Events ?? d.QueryResultRows ?? [doc])
    for (const r of list) {
      const u = unwrapRecord(r)
      out.push('record' in u ? u.record : r)
    }
  }
  return out
}

export class FileSource implements TrailSource {
  readonly kind = 'files'
  readonly indexed = false
  private readonly st: SourceStats = {calls: 0, events: 0, files: 0}
  private input: InputReport = inputReport(0, [], 0)

  constructor(readonly path: string, readonly readOptions: ReadOptions = {}) {}

  describe(): string {
    return `CloudTrail files at ${this.path} (${this.st.files} files, ${this.st.events} events)`
  }

  stats(): SourceStats {
    return {...this.st}
  }

  /** What the last read found that is not an event: unreadable files and records, wrapper times. */
  inputReport(): InputReport {
    return this.input
  }

  async *events(q: TrailQuery, signal?: AbortSignal): AsyncGenerator<TrailEvent> {
    const files = await expandTrailPaths(this.path)
    const scanner = new RecordScanner()
    const pending: Promise<Opened>[] = []
    const all: FileFindings[] = []
    let nonEmpty = 0
    let next = 0
    const fill = () => {
      while (pending.length < PREFETCH && next < files.length) pending.push(openTrailFile(files[next++]))
    }
    while (pending.length || next < files.length) {
      signal?.throwIfAborted()
      fill()
      const opened = await pending.shift()!
      fill()
      this.st.files++
      const found = newFindings(opened.file)
      for await (const batch of readTrailFile(opened, scanner, found, this.readOptions)) {
        for (const e of batch) {
          this.st.events++
          if (matchesQuery(e, q)) yield e
        }
      }
      all.push(found)
      if (opened.nonEmpty) nonEmpty++
    }
    this.input = inputReport(files.length, all, nonEmpty)
  }
}

/** `--source files` (or `--path DIR`): a directory, file or glob on this machine. */
export const filesSource: SourceDef = {
  kind: 'files',
  summary: 'CloudTrail files on this machine (an `aws s3 sync` of AWSLogs/, exports, dumps): any size, any number of accounts.',
  flags: {path: {description: 'CloudTrail files: a directory, file or glob (.json, .json.gz, JSON lines); s3://bucket/prefix reads the bucket (--source s3).'}},
  permissions: [],
  impliedBy: (v) => typeof v.path === 'string' && !v.path.startsWith('s3://'),
  wholeByDefault: () => true,
  open(v) {
    const path = v.path as string | undefined
    if (!path) throw new InvalidInputError('--source files needs --path (a directory, file or glob of CloudTrail files)', [], {next: 'lockdown trail chains --source files --path ./AWSLogs'})
    return new FileSource(path)
  },
}
