// Worker side of the parallel file scan: gunzip, parse, normalize and accumulate its share of the files,
// then post the accumulator back. Events that carry a sharedEventID go back as events instead, so the
// main thread can count cross-account copies once across workers.
import {parentPort, workerData} from 'node:worker_threads'

import {eventsOf, loadTrailFile} from '../sources/files.js'
import {RecordScanner} from '../sources/record-scan.js'
import type {TrailEvent} from '../event.js'
import {Accumulator} from '../graph/accumulate.js'
import {matchesQuery, type TrailQuery} from '../sources/types.js'

export interface ScanJob {
  files: string[]
  query: TrailQuery
}

async function run(job: ScanJob): Promise<void> {
  const acc = new Accumulator()
  const shared: TrailEvent[] = []
  let events = 0
  const scanner = new RecordScanner()
  // One file ahead: gunzip of the next runs on libuv's pool while this one parses.
  let next = job.files.length ? loadTrailFile(job.files[0]) : undefined
  for (let i = 0; i < job.files.length; i++) {
    const bytes = await next!
    next = i + 1 < job.files.length ? loadTrailFile(job.files[i + 1]) : undefined
    for (const e of eventsOf(bytes, job.files[i], scanner)) {
      events++
      if (!matchesQuery(e, job.query)) continue
      if (e.sharedId) shared.push(e)
      else acc.add(e)
    }
  }
  parentPort!.postMessage({acc, shared, events, files: job.files.length})
}

run(workerData as ScanJob).catch((err: Error) => parentPort!.postMessage({error: err.message}))
