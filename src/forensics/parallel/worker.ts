// Worker side of the parallel file scan: read, normalize and accumulate its share of the files (the same
// reader as the main thread, read-file.ts), then post the accumulator back with what each file held that
// is not an event. Events that carry a sharedEventID go back as events instead, so the main thread can
// count cross-account copies once across workers.
import {parentPort, workerData} from 'node:worker_threads'

import type {TrailEvent} from '../event.js'
import {Accumulator} from '../graph/accumulate.js'
import {newFindings, type FileFindings} from '../sources/input-report.js'
import {openTrailFile, readTrailFile, type ReadOptions} from '../sources/read-file.js'
import {RecordScanner} from '../sources/record-scan.js'
import {matchesQuery, type TrailQuery} from '../sources/types.js'

export interface ScanJob {
  files: string[]
  query: TrailQuery
  read: ReadOptions
}

async function run(job: ScanJob): Promise<void> {
  const acc = new Accumulator()
  const shared: TrailEvent[] = []
  const findings: FileFindings[] = []
  let events = 0
  let nonEmpty = 0
  const scanner = new RecordScanner()
  // One file ahead: gunzip of the next runs on libuv's pool while this one parses.
  let next = job.files.length ? openTrailFile(job.files[0]) : undefined
  for (let i = 0; i < job.files.length; i++) {
    const opened = await next!
    next = i + 1 < job.files.length ? openTrailFile(job.files[i + 1]) : undefined
    const found = newFindings(opened.file)
    for await (const batch of readTrailFile(opened, scanner, found, job.read)) {
      for (const e of batch) {
        events++
        if (!matchesQuery(e, job.query)) continue
        if (e.sharedId) shared.push(e)
        else acc.add(e)
      }
    }
    findings.push(found)
    if (opened.nonEmpty) nonEmpty++
  }
  parentPort!.postMessage({acc, shared, events, files: job.files.length, findings, nonEmpty})
}

run(workerData as ScanJob).catch((err: Error) => parentPort!.postMessage({error: err.message}))
