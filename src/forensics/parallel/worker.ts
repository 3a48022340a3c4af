// Worker side of the parallel file scan: read, normalize and accumulate its share of the files (the same
// reader as the main thread, read-file.ts), posting the accumulator in parts as it goes (PART_EVENTS),
// the last with what each file held that is not an event. Events that carry a sharedEventID go back as
// events instead, so the main thread can count cross-account copies once across workers. Before a batch is accumulated, the main thread says
// which of its event ids were already seen (in any worker): a record delivered twice counts once.
import {type MessagePort, parentPort, workerData} from 'node:worker_threads'

import type {TrailEvent} from '../event.js'
import {Accumulator} from '../graph/accumulate.js'
import {idHash} from '../graph/seen-ids.js'
import {newFindings, type FileFindings} from '../sources/input-report.js'
import {openTrailBytes, openTrailFile, readTrailFile, type Opened, type ReadOptions} from '../sources/read-file.js'
import {RecordScanner} from '../sources/record-scan.js'
import {matchesQuery, type TrailQuery} from '../sources/types.js'

export interface ScanJob {
  files?: string[]
  /** Instead of files: objects the main thread fetched (S3), as `{file, bytes}` messages, then `{end}`. */
  objects?: MessagePort
  query: TrailQuery
  read: ReadOptions
  /** Events per part handed over (PART_EVENTS unless a test asks for smaller parts). */
  partEvents?: number
}

/** Asks the main thread which of these events' ids it has seen before (it records the rest). */
function repeats(batch: TrailEvent[]): Promise<Uint8Array> {
  const pairs = new Uint32Array(2 * batch.length)
  for (let i = 0; i < batch.length; i++) {
    const [hi, lo] = idHash(batch[i].id)
    pairs[2 * i] = hi
    pairs[2 * i + 1] = lo
  }
  return new Promise((resolve) => {
    parentPort!.once('message', (m: {repeats: Uint8Array}) => resolve(m.repeats))
    parentPort!.postMessage({ids: pairs}, [pairs.buffer])
  })
}

/**
 * Events accumulated before the worker hands them to the main thread and starts afresh. The main thread
 * folds each part in as it comes (merging is the same in any order and split), so a worker holds a
 * part's sessions, not its whole share's, and no share arrives at the end as one large clone.
 */
const PART_EVENTS = 5_000

async function run(job: ScanJob): Promise<void> {
  let acc = new Accumulator({dedupe: false})
  const shared: TrailEvent[] = []
  const findings: FileFindings[] = []
  let events = 0
  let nonEmpty = 0
  const scanner = new RecordScanner()
  let i = 0
  for await (const opened of openedFiles(job)) {
    i++
    const found = newFindings(opened.file)
    for await (const batch of readTrailFile(opened, scanner, found, job.read)) {
      events += batch.length
      const wanted = batch.filter((e) => matchesQuery(e, job.query))
      // Events with a sharedEventID are counted (and vetted) on the main thread; ids made up are never repeats.
      const vet = wanted.filter((e) => !e.sharedId && !e.synthetic)
      const seen = vet.length ? await repeats(vet) : new Uint8Array(0)
      const repeated = new Set(vet.filter((_, k) => seen[k]))
      acc.repeats += repeated.size
      for (const e of wanted) {
        if (e.sharedId) shared.push(e)
        else if (!repeated.has(e)) acc.add(e)
      }
    }
    findings.push(found)
    if (opened.nonEmpty) nonEmpty++
    // Each object taken frees a place in its lane (the main thread sends at most two ahead).
    if (job.objects) job.objects.postMessage({took: 1})
    if (acc.events >= (job.partEvents ?? PART_EVENTS) && (job.objects || i < job.files!.length)) {
      parentPort!.postMessage({part: acc})
      acc = new Accumulator({dedupe: false})
      scanner.forget()
    }
  }
  parentPort!.postMessage({done: true, acc, shared, events, files: i, findings, nonEmpty})
}

/** The files of the share, one read ahead (gunzip of the next runs on libuv's pool while this one parses), or the objects sent. */
async function* openedFiles(job: ScanJob): AsyncGenerator<Opened> {
  if (job.objects) {
    const port = job.objects
    const queue: ({file: string; bytes: Uint8Array} | {end: true})[] = []
    let wake: (() => void) | undefined
    port.on('message', (m) => {
      queue.push(m)
      wake?.()
    })
    for (;;) {
      while (!queue.length) await new Promise<void>((r) => (wake = r))
      const m = queue.shift()!
      if ('end' in m) break
      yield await openTrailBytes(m.file, Buffer.from(m.bytes.buffer, m.bytes.byteOffset, m.bytes.byteLength))
    }
    port.close()
    return
  }
  const files = job.files ?? []
  let next = files.length ? openTrailFile(files[0]) : undefined
  for (let i = 0; i < files.length; i++) {
    const opened = await next!
    next = i + 1 < files.length ? openTrailFile(files[i + 1]) : undefined
    yield opened
  }
}

run(workerData as ScanJob).catch((err: Error) => parentPort!.postMessage({error: err.message}))
