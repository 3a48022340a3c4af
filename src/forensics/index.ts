// Public surface of forensics: sources, the collector and the pure graph over events.
import type {ForensicReport} from '../report/types.js'
import type {TrailEvent} from './event.js'
import {Accumulator} from './graph/accumulate.js'
import {buildReport, type GraphOptions} from './graph/report.js'

export {collectReport, type CollectOptions} from './collect.js'
export {ISSUING_EVENTS, PERSISTENCE_EVENTS, normalizeRecord, parseTrailTime, type TrailEvent} from './event.js'
export {buildReport, globMatch, type GraphOptions} from './graph/report.js'
export {FileSource, recordsOf} from './sources/files.js'
export {LakeSource, lakeSql} from './sources/lake.js'
export {LookupSource, lookupAttrs} from './sources/lookup.js'
export {TokenBucket} from './sources/rate.js'
export type {TrailQuery, TrailSource} from './sources/types.js'
export {parseDuration, parseTimeArg, parseWindow, type TimeWindow} from './time-window.js'

/** The session graph over events already in hand (tests, other tools): pure, order-independent. */
export function reportFromEvents(events: Iterable<TrailEvent>, opts: GraphOptions): ForensicReport {
  const acc = new Accumulator()
  for (const e of events) acc.add(e)
  return buildReport(acc, opts)
}
