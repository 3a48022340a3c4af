// The shapes one CloudTrail record arrives in, reduced to the record itself. Analysts hold more than S3
// delivery files: `aws cloudtrail lookup-events` output (each event's record is a JSON string),
// Elastic/OpenSearch and Logstash exports (the record under `_source`, beside `@timestamp` and
// `@version`, sometimes without `eventTime`), EventBridge events (`detail`), and CloudTrail Lake query
// results (rows as lists of one-column objects). What cannot be read is said, never dropped in silence.
import {lakeRowToRecord} from './lake.js'

type Json = Record<string, unknown>

/** Why a record was not read; each becomes a counted line in the report's gaps. */
export type Unreadable = 'not JSON' | 'not a CloudTrail record' | 'without eventName' | 'without eventTime'

export type Unwrapped =
  | {record: Json; timeFrom?: string}
  | {unreadable: Unreadable}

/** Wrapper fields that carry the event's time when the record itself lost `eventTime`. */
const WRAPPER_TIMES = ['@timestamp', 'timestamp', 'EventTime', 'time'] as const

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v)

function wrapperTime(...holders: Json[]): {value: string; field: string} | undefined {
  for (const h of holders) {
    for (const f of WRAPPER_TIMES) {
      const v = h[f]
      // LookupEvents' EventTime is epoch seconds in some SDK dumps, ISO in the CLI's.
      if (typeof v === 'number' && Number.isFinite(v)) return {value: new Date(v < 1e11 ? v * 1000 : v).toISOString(), field: f}
      if (typeof v === 'string' && v !== '' && !Number.isNaN(Date.parse(v))) return {value: v, field: f}
    }
  }
  return undefined
}

/** A Lake row `[{"eventID":"…"},{"eventTime":"…"},…]` as one object; nested columns may be JSON text. */
function lakeRow(row: unknown[]): Json | undefined {
  const out: Json = {}
  for (const cell of row) {
    if (!isObject(cell)) return undefined
    for (const [k, v] of Object.entries(cell)) out[k] = v
  }
  // Rows of lockdown's own Lake query (flat aliases such as uiArn) or SELECT * rows (record fields).
  if ('uiArn' in out || 'uiType' in out) return lakeRowToRecord(out as Record<string, string>)
  for (const k of ['userIdentity', 'requestParameters', 'responseElements', 'additionalEventData']) {
    const v = out[k]
    if (typeof v === 'string' && v.startsWith('{')) {
      try {
        out[k] = JSON.parse(v)
      } catch {
        // Lake renders some nested columns as {key=value, …}, not JSON: left as text, read as absent.
        out[k] = undefined
      }
    }
  }
  if (typeof out.eventTime === 'string' && /^\d{4}-\d\d-\d\d \d/.test(out.eventTime)) out.eventTime = `${out.eventTime.replace(' ', 'T').replace(/(\.\d+)?$/, '')}Z`
  return out
}

/** The CloudTrail record inside one element of a file, however it is wrapped. */
export function unwrapRecord(raw: unknown): Unwrapped {
  let outer: unknown = raw
  if (Array.isArray(outer)) {
    const row = lakeRow(outer)
    if (!row) return {unreadable: 'not a CloudTrail record'}
    outer = row
  }
  if (!isObject(outer)) return {unreadable: 'not a CloudTrail record'}
  let rec: Json = outer
  if (typeof outer.CloudTrailEvent === 'string') {
    try {
      rec = JSON.parse(outer.CloudTrailEvent) as Json
    } catch {
      return {unreadable: 'not JSON'}
    }
  } else if (isObject(outer._source)) rec = outer._source
  else if (isObject(outer.detail) && typeof outer['detail-type'] === 'string') rec = outer.detail
  else if (typeof outer.message === 'string' && outer.eventName === undefined && outer.message.startsWith('{')) {
    try {
      rec = JSON.parse(outer.message) as Json
    } catch {
      return {unreadable: 'not a CloudTrail record'}
    }
  }
  if (!isObject(rec)) return {unreadable: 'not a CloudTrail record'}
  if (typeof rec.eventName !== 'string' || rec.eventName === '') return {unreadable: 'without eventName'}
  if (rec.eventTime !== undefined && rec.eventTime !== null && rec.eventTime !== '') return {record: rec}
  const t = wrapperTime(rec, outer)
  if (!t) return {unreadable: 'without eventTime'}
  return {record: {...rec, eventTime: t.value}, timeFrom: t.field}
}
