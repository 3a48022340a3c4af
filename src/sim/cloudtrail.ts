// CloudTrail: LookupEvents over the simulator's own trail (one lookup attribute, StartTime/EndTime,
// newest first, MaxResults ≤ 50, NextToken, 2 requests/s per region) and DescribeTrails.
import {AwsError} from './errors.js'
import type {OpContext, OpTable} from './ops.js'
import type {Params} from './protocol/form.js'
import {type StoredEvent, eventJson} from './trail.js'

const ATTRS: Record<string, (e: StoredEvent, v: string) => boolean> = {
  EventId: (e, v) => e.eventId === v,
  EventName: (e, v) => e.eventName === v,
  ReadOnly: (e, v) => String(e.readOnly) === v,
  Username: (e, v) => e.username === v,
  ResourceType: (e, v) => e.resources.some((r) => r.type === v),
  ResourceName: (e, v) => e.resources.some((r) => r.name === v),
  EventSource: (e, v) => e.eventSource === v,
  AccessKeyId: (e, v) => e.accessKeyId === v,
}

const invalidParam = (m: string) => new AwsError('InvalidLookupAttributesException', m, 400)

/** Sliding one-second window per region: AWS allows LookupEvents 2 requests per second per account and region. */
const windows = new WeakMap<object, Map<string, number[]>>()
function throttle(c: OpContext): void {
  const rate = c.sim.faults.lookupEventsRate
  if (rate <= 0) return
  let perRegion = windows.get(c.sim)
  if (!perRegion) windows.set(c.sim, (perRegion = new Map()))
  const now = Date.now()
  const recent = (perRegion.get(c.region) ?? []).filter((t) => now - t < 1000)
  if (recent.length >= rate) {
    perRegion.set(c.region, recent)
    throw new AwsError('ThrottlingException', 'Rate exceeded', 400)
  }
  recent.push(now)
  perRegion.set(c.region, recent)
}

function toMs(v: unknown): number | undefined {
  if (v === undefined || v === null) return undefined
  return typeof v === 'number' ? v * 1000 : Date.parse(String(v))
}

function lookupEvents(p: Params, c: OpContext) {
  throttle(c)
  const attrs: Params[] = Array.isArray(p.LookupAttributes) ? p.LookupAttributes : []
  if (attrs.length > 1) throw invalidParam('You cannot specify more than one lookup attribute.')
  const attr = attrs[0]
  if (attr && !ATTRS[attr.AttributeKey]) throw invalidParam(`Invalid attribute key: ${attr.AttributeKey}`)
  const max = p.MaxResults === undefined ? 50 : Number(p.MaxResults)
  if (!Number.isInteger(max) || max < 1 || max > 50) throw new AwsError('InvalidMaxResultsException', 'Value for MaxResults is invalid. Must be between 1 and 50.', 400)
  const start = toMs(p.StartTime) ?? -Infinity
  const end = toMs(p.EndTime) ?? Infinity
  if (start > end) throw new AwsError('InvalidTimeRangeException', 'Start time must be before end time.', 400)
  // The token pins the newest event of the first page, so later pages do not shift as new events arrive.
  let offset = 0
  let pin = Infinity
  if (p.NextToken !== undefined) {
    const m = /^(\d+):(\d+)$/.exec(Buffer.from(String(p.NextToken), 'base64url').toString())
    if (!m) throw new AwsError('InvalidNextTokenException', 'Invalid NextToken.', 400)
    offset = Number(m[1])
    pin = Number(m[2])
  }
  const all = c.sim.trail.events
  const matches: StoredEvent[] = []
  const until = Math.min(pin, all.length)
  for (let i = until - 1; i >= 0; i--) {
    const e = all[i]!
    if (e.region !== c.region || e.time < start || e.time > end) continue
    if (attr && !ATTRS[attr.AttributeKey]!(e, String(attr.AttributeValue))) continue
    matches.push(e)
  }
  // Stable newest-first: by event time, ties in arrival order (newest arrival first).
  matches.sort((x, y) => y.time - x.time)
  const page = matches.slice(offset, offset + max)
  const next = offset + max < matches.length ? Buffer.from(`${offset + max}:${until}`).toString('base64url') : undefined
  return {
    Events: page.map((e) => ({
      EventId: e.eventId,
      EventName: e.eventName,
      ReadOnly: String(e.readOnly),
      ...(e.accessKeyId ? {AccessKeyId: e.accessKeyId} : {}),
      EventTime: e.time / 1000,
      EventSource: e.eventSource,
      ...(e.username ? {Username: e.username} : {}),
      Resources: e.resources.map((r) => ({ResourceType: r.type, ResourceName: r.name})),
      CloudTrailEvent: eventJson(e),
    })),
    ...(next ? {NextToken: next} : {}),
  }
}

export const cloudtrailOps: OpTable = {
  LookupEvents: {readOnly: true, handle: lookupEvents},
  DescribeTrails: {
    readOnly: true,
    handle(_p, c) {
      // In an organization every account sees the one organization trail, which the management account owns.
      const org = c.sim.world?.org?.declared ? c.sim.world.org : undefined
      const id = org?.managementId ?? c.sim.account.id
      return {
        trailList: [
          {
            Name: 'management-events',
            S3BucketName: `aws-cloudtrail-logs-${id}`,
            IncludeGlobalServiceEvents: true,
            IsMultiRegionTrail: true,
            HomeRegion: 'us-east-1',
            TrailARN: `arn:aws:cloudtrail:us-east-1:${id}:trail/management-events`,
            LogFileValidationEnabled: true,
            HasCustomEventSelectors: false,
            HasInsightSelectors: false,
            IsOrganizationTrail: org !== undefined,
          },
        ],
      }
    },
  },
}
