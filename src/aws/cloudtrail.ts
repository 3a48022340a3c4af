// The CloudTrail calls forensics makes, as plain-typed functions: forensics never imports the SDK, so
// a source takes a client from `Clients.cloudtrail(region)` and calls these.
import type {CloudTrailClient as SdkCloudTrailClient, LookupAttributeKey} from '@aws-sdk/client-cloudtrail'

import type {SendOnly} from './clients.js'
import {cloudTrailSdk} from './sdk.js'

/** A CloudTrail client as `Clients.cloudtrail(region)` gives it (its SDK package is loaded on first send). */
export type CloudTrailClient = SendOnly<SdkCloudTrailClient>

/** LookupEvents' one attribute filter. */
export interface LookupAttr {
  key: 'EventName' | 'AccessKeyId' | 'Username' | 'EventId' | 'EventSource' | 'ReadOnly' | 'ResourceName' | 'ResourceType'
  value: string
}

export interface LookupPage {
  /** Each event's CloudTrailEvent: the full record as JSON text. */
  records: string[]
  nextToken?: string
}

/** One LookupEvents page (at most 50 events, the API's maximum). */
export async function lookupEventsPage(
  client: CloudTrailClient,
  req: {attr?: LookupAttr; start: Date; end: Date; nextToken?: string},
  signal?: AbortSignal,
): Promise<LookupPage> {
  const {LookupEventsCommand} = await cloudTrailSdk()
  const out = await client.send(
    new LookupEventsCommand({
      LookupAttributes: req.attr ? [{AttributeKey: req.attr.key as LookupAttributeKey, AttributeValue: req.attr.value}] : undefined,
      StartTime: req.start,
      EndTime: req.end,
      MaxResults: 50,
      NextToken: req.nextToken,
    }),
    {abortSignal: signal},
  )
  return {records: (out.Events ?? []).map((e) => e.CloudTrailEvent ?? '').filter((s) => s !== ''), nextToken: out.NextToken}
}

/** True for the errors CloudTrail returns when a caller goes over its request rate (the one classifier). */
export {isThrottle} from './errors.js'

/** Starts a CloudTrail Lake query; returns its id. */
export async function startLakeQuery(client: CloudTrailClient, sql: string, signal?: AbortSignal): Promise<string> {
  const {StartQueryCommand} = await cloudTrailSdk()
  const out = await client.send(new StartQueryCommand({QueryStatement: sql}), {abortSignal: signal})
  if (!out.QueryId) throw new Error('StartQuery returned no QueryId')
  return out.QueryId
}

export interface LakeResultPage {
  /** QUEUED | RUNNING | FINISHED | FAILED | CANCELLED | TIMED_OUT */
  status: string
  /** Rows as column → value (Lake returns each row as a list of one-entry maps). */
  rows: Record<string, string>[]
  nextToken?: string
  error?: string
}

export async function getLakeResults(
  client: CloudTrailClient,
  req: {queryId: string; eventDataStore?: string; nextToken?: string},
  signal?: AbortSignal,
): Promise<LakeResultPage> {
  const {GetQueryResultsCommand} = await cloudTrailSdk()
  const out = await client.send(
    new GetQueryResultsCommand({QueryId: req.queryId, EventDataStore: req.eventDataStore, NextToken: req.nextToken}),
    {abortSignal: signal},
  )
  const rows = (out.QueryResultRows ?? []).map((cols) => Object.assign({}, ...cols) as Record<string, string>)
  return {status: out.QueryStatus ?? 'UNKNOWN', rows, nextToken: out.NextToken, error: out.ErrorMessage}
}
