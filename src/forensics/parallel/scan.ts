// Parallel scan of CloudTrail files: JSON.parse dominates the cost, so each worker parses and accumulates
// its share and the main thread merges the accumulators (in parts, as each worker sends them) (the graph join runs once, after the merge,
// so splitting the files changes nothing in the result).
import {availableParallelism} from 'node:os'
import {extname} from 'node:path'
import {fileURLToPath} from 'node:url'
import {MessageChannel, type TransferListItem, Worker} from 'node:worker_threads'

import type {TrailEvent} from '../event.js'
import {Accumulator, internTable} from '../graph/accumulate.js'
import {inputReport, type FileFindings, type InputReport} from '../sources/input-report.js'
import {expandTrailPaths} from '../sources/paths.js'
import type {ReadOptions} from '../sources/read-file.js'
import type {TrailQuery} from '../sources/types.js'

export interface ScanResult {
  acc: Accumulator
  files: number
  events: number
  input: InputReport
}

interface WorkerResult {
  shared: TrailEvent[]
  events: number
  files: number
  findings: FileFindings[]
  nonEmpty: number
}

/**
 * Default worker count: one more than the cores. Each worker waits on file reads and gunzip (libuv's
 * pool) between parses; a spare worker keeps every core parsing meanwhile (measured on 2 cores: 3
 * workers ran 1.2–1.45× faster than 2 over the same million events).
 */
export function defaultWorkers(): number {
  return Math.max(1, availableParallelism() + 1)
}

/**
 * Workers load this module's sibling with the same extension: from dist/ that is plain .js; from source
 * (.ts, under tsx) a small bootstrap registers tsx in the worker first, since module hooks do not
 * follow a thread.
 */
function startWorker(workerData: unknown, transferList: TransferListItem[] = []): Worker {
  const ext = extname(fileURLToPath(import.meta.url))
  const url = new URL(`./worker${ext}`, import.meta.url)
  if (ext === '.js') return new Worker(url, {workerData, transferList})
  const boot = `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(url.href)}) })`
  return new Worker(boot, {eval: true, workerData, transferList})
}

export interface ScanOptions {
  /** Events a worker accumulates before it hands them over (default PART_EVENTS in worker.ts; tests make parts small). */
  partEvents?: number
}

export async function scanFilesParallel(path: string, query: TrailQuery, workers: number, read: ReadOptions = {}, opts: ScanOptions = {}): Promise<ScanResult> {
  const files = await expandTrailPaths(path)
  const n = Math.max(1, Math.min(workers, files.length))
  // Interleave so each worker gets files from the whole time range (delivery files sort by time).
  const shares = Array.from({length: n}, (_, i) => files.filter((_, j) => j % n === i))
  // The main thread's accumulator holds the one set of seen event ids: workers ask it before they add.
  const acc = new Accumulator()
  // One table for every part merged: each event name, IP or account id is one string however many sessions hold it.
  const intern = internTable()
  const results = await Promise.all(shares.map((share) => runWorker({files: share, query, read, partEvents: opts.partEvents}, acc, intern).done))
  let events = 0
  for (const r of results) events += r.events
  for (const r of results) for (const e of r.shared) acc.add(e)
  const input = inputReport(files.length, results.flatMap((r) => r.findings), results.reduce((n, r) => n + r.nonEmpty, 0))
  return {acc, files: files.length, events, input}
}

/** One worker, its messages answered and folded in: id checks, parts, the final result. */
function runWorker(data: Record<string, unknown>, acc: Accumulator, intern: ReturnType<typeof internTable>, transfer: TransferListItem[] = []): {worker: Worker; done: Promise<WorkerResult>} {
  const w = startWorker(data, transfer)
  const done = new Promise<WorkerResult>((resolve, reject) => {
    w.on('message', (m) => {
      if (m.ids) {
        const repeats = acc.ids!.claim(m.ids)
        w.postMessage({repeats}, [repeats.buffer as ArrayBuffer])
        return
      }
      if (m.part) {
        acc.merge(Accumulator.revive(m.part), intern)
        return
      }
      void w.terminate()
      if (m.error) return reject(new Error(m.error))
      // The last part, folded in now rather than once every worker is done (all of theirs at once).
      acc.merge(Accumulator.revive(m.acc), intern)
      resolve({...m, acc: undefined})
    })
    w.once('error', reject)
  })
  return {worker: w, done}
}

/** Hands one object's bytes to a worker; resolves once a worker has room (two objects queued each). */
export type SendObject = (file: string, bytes: Buffer) => Promise<void>

/**
 * The same parallel scan over bytes the main thread fetches (S3 objects): `feed` sends each object as
 * it arrives, and each goes to the worker with the fewest waiting (transferred, not copied). Workers
 * parse and accumulate exactly as over files, so the answer is the same as files give for these bytes.
 */
export async function scanObjectsParallel(query: TrailQuery, workers: number, feed: (send: SendObject) => Promise<void>, opts: ScanOptions = {}): Promise<ScanResult> {
  const acc = new Accumulator()
  const intern = internTable()
  const lanes = Array.from({length: Math.max(1, workers)}, () => {
    const {port1, port2} = new MessageChannel()
    const run = runWorker({objects: port2, query, read: {}, partEvents: opts.partEvents}, acc, intern, [port2])
    const lane = {port: port1, waiting: 0, run, wake: [] as (() => void)[]}
    port1.on('message', () => {
      lane.waiting--
      lane.wake.shift()?.()
    })
    return lane
  })
  let sent = 0
  const send: SendObject = async (file, bytes) => {
    let lane = lanes.reduce((a, b) => (b.waiting < a.waiting ? b : a))
    while (lane.waiting >= 2) {
      await new Promise<void>((r) => lane.wake.push(r))
      lane = lanes.reduce((a, b) => (b.waiting < a.waiting ? b : a))
    }
    lane.waiting++
    sent++
    // A Buffer may be a view into a shared pool: copy only then, else hand its memory over.
    const own = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : Buffer.from(bytes)
    lane.port.postMessage({file, bytes: own}, [own.buffer as ArrayBuffer])
  }
  try {
    await feed(send)
  } finally {
    for (const l of lanes) {
      l.port.postMessage({end: true})
    }
  }
  const results = await Promise.all(lanes.map((l) => l.run.done))
  for (const l of lanes) l.port.close()
  let events = 0
  for (const r of results) events += r.events
  for (const r of results) for (const e of r.shared) acc.add(e)
  const input = inputReport(sent, results.flatMap((r) => r.findings), results.reduce((n, r) => n + r.nonEmpty, 0))
  return {acc, files: sent, events, input}
}
