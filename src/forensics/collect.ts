// Asks a source for what the graph needs and builds the report. A scanning source (files) is read once.
// An indexed one (LookupEvents, Lake) is asked in rounds so nothing unneeded is fetched: first the
// issuing events in the window, then calls made with the keys of the sessions in question, then console
// users' calls (a console session has no issued key to look up).
import {InvalidInputError} from '../errors.js'
import type {ForensicReport} from '../report/types.js'
import {withCoverage} from './coverage.js'
import {ISSUING_EVENTS, LOOKUP_NOTED_EVENTS, type TrailEvent} from './event.js'
import {Accumulator} from './graph/accumulate.js'
import {buildReport, type GraphOptions} from './graph/report.js'
import {scanFilesParallel, type ScanResult} from './parallel/scan.js'
import {FileSource} from './sources/files.js'
import {describeInput, nothingReadable, type InputReport} from './sources/input-report.js'
import {expandTrailPaths} from './sources/paths.js'
import type {TrailQuery, TrailSource} from './sources/types.js'

export interface CollectOptions extends Omit<GraphOptions, 'source'> {
  /** Most session keys an indexed source is asked about (each costs at least one call per region). */
  maxKeys?: number
  /** Worker threads for a files source (1: parse on the main thread). Needs dist/ or tsx (see parallel/scan.ts). */
  workers?: number
  /** Events a worker hands over at a time (see parallel/scan.ts); tests make it small to exercise the hand-over. */
  partEvents?: number
  signal?: AbortSignal
}

const PARALLEL_MIN_FILES = 32

async function feed(acc: Accumulator, it: AsyncIterable<TrailEvent>, seen?: Set<string>): Promise<void> {
  for await (const e of it) {
    if (seen) {
      // Rounds overlap (an AssumeRole made with a key in question comes back in both): add each once.
      const id = `${e.region}|${e.id}`
      if (seen.has(id)) continue
      seen.add(id)
    }
    acc.add(e)
  }
}

/**
 * What the files held that is not an event goes first in the report's gaps and into `source.problems`
 * (the trail commands print those on stderr). Input with something in it but no readable event at all
 * is exit 2: an empty report would say "nothing happened" about data that was never read.
 */
function withInput(input: InputReport, acc: Accumulator, build: () => ForensicReport): ForensicReport {
  const problems = describeInput(input)
  if (nothingReadable(input)) {
    throw new InvalidInputError(`No readable CloudTrail event in ${input.files} file(s):\n${problems.map((p) => `  ${p}`).join('\n')}`, [], {
      next: 'check the files named above (gzip -t FILE; head -c 1000 FILE), then rerun lockdown trail report --path <dir-or-glob>',
    })
  }
  const report = build()
  if (acc.repeats) report.gaps.push(`${acc.repeats} record(s) delivered more than once (same eventID) were counted once.`)
  if (problems.length) {
    report.gaps.unshift(...problems)
    report.source.problems = problems
  }
  return report
}

export async function collectReport(source: TrailSource, opts: CollectOptions): Promise<ForensicReport> {
  const acc = new Accumulator()
  const start = opts.window.start.getTime()
  const end = opts.window.end.getTime()
  const sourceInfo = () => {
    const st = source.stats()
    return {kind: source.kind, description: source.describe(), calls: st.calls, events: st.events}
  }
  // Threads pay off only past a few dozen files (each worker costs a start-up).
  if (source instanceof FileSource && (opts.workers ?? 1) > 1 && (await expandTrailPaths(source.path)).length >= PARALLEL_MIN_FILES) {
    const scan = await scanFilesParallel(source.path, {start, end}, opts.workers!, source.readOptions, {partEvents: opts.partEvents})
    const description = `CloudTrail files at ${source.path} (${scan.files} files, ${scan.events} events, ${opts.workers} workers)`
    return withInput(scan.input, scan.acc, () => buildReport(scan.acc, {...opts, source: {kind: source.kind, description, calls: 0, events: scan.events}}))
  }
  // A scanning source that can parse on worker threads (s3) does, as files do; it says when too few objects make it not worth it.
  const parallel = source as TrailSource & {scanParallel?: (q: TrailQuery, workers: number, signal?: AbortSignal) => Promise<ScanResult | undefined>}
  if (!source.indexed && (opts.workers ?? 1) > 1 && parallel.scanParallel) {
    const scan = await parallel.scanParallel({start, end}, opts.workers!, opts.signal)
    if (scan) {
      const described = {kind: source.kind, description: source.describe(), calls: source.stats().calls, events: scan.events}
      return withInput((source as Partial<Pick<FileSource, 'inputReport'>>).inputReport?.() ?? scan.input, scan.acc, () => buildReport(scan.acc, {...opts, source: described}))
    }
  }
  if (!source.indexed) {
    await feed(acc, source.events({start, end}, opts.signal))
    const report = () => buildReport(acc, {...opts, source: sourceInfo()})
    // Sources that read files (on disk or in S3) say what in them was not an event.
    const input = (source as Partial<Pick<FileSource, 'inputReport'>>).inputReport?.()
    return input ? withInput(input, acc, report) : report()
  }

  const seen = new Set<string>()
  const rounds: string[] = []
  const round = async (what: string, q: Omit<TrailQuery, 'start' | 'end'>) => {
    const before = source.stats().calls
    await feed(acc, source.events({start, end, ...q}, opts.signal), seen)
    rounds.push(`${source.stats().calls - before} for ${what}`)
  }
  // Persistence and tampering made with a long-term key never shows in a session's calls: ask for each
  // name with the issuing events (LookupEvents: one call series a name; Lake: one query).
  await round('issuing, persistence and tampering events by name', {eventNames: [...ISSUING_EVENTS, ...LOOKUP_NOTED_EVENTS]})
  const first = buildReport(acc, {...opts, source: sourceInfo()})
  const keys = new Set(opts.accessKeys ?? [])
  for (const s of first.sessions) for (const k of s.accessKeyIds) keys.add(k)
  // The long-term key at the root of each chain: what the leaked key did itself (CreateUser, CreateAccessKey…).
  for (const s of first.sessions) if (s.issuer.accessKeyId?.startsWith('AKIA')) keys.add(s.issuer.accessKeyId)
  const max = opts.maxKeys ?? 500
  const asked = [...keys].slice(0, max)
  if (asked.length) await round(`${asked.length} access key(s)`, {accessKeyIds: asked})
  const users = new Set<string>()
  for (const s of first.sessions) if (s.kind === 'console') users.add(s.arn.slice(s.arn.lastIndexOf('/') + 1))
  // A principal named exactly (no glob) is looked up by user name too: its own calls with its keys.
  for (const p of opts.principals ?? []) if (!/[*?]/.test(p)) users.add(p.slice(p.lastIndexOf('/') + 1))
  if (users.size) await round(`${users.size} user name(s)`, {userNames: [...users]})

  const report = buildReport(acc, {...opts, source: sourceInfo()})
  if (keys.size > max) report.gaps.unshift(`${keys.size - max} session key(s) were not looked up (over the ${max}-key budget): narrow with --role, --principal or --access-key.`)
  report.gaps.unshift(`${report.source.kind === 'lookup' ? 'LookupEvents' : 'The source'} was asked ${report.source.calls} time(s): ${rounds.join(', ')}.`)
  return withCoverage(report, source)
}
