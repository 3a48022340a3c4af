// The Athena calls forensics and `trail athena setup` make, as plain-typed functions (forensics never
// imports the SDK): start a query, read its state and statistics, page its results, stop it, read a
// workgroup's cutoff and a table's partition keys.
import type {AthenaClient} from '@aws-sdk/client-athena'

import {athenaSdk} from './sdk.js'

export type {AthenaClient} from '@aws-sdk/client-athena'

export interface StartQuery {
  sql: string
  database?: string
  workgroup?: string
  /** s3://… for the result files; otherwise the workgroup's result location. */
  outputLocation?: string
}

export async function startAthenaQuery(client: AthenaClient, q: StartQuery, signal?: AbortSignal): Promise<string> {
  const {StartQueryExecutionCommand} = await athenaSdk()
  const out = await client.send(
    new StartQueryExecutionCommand({
      QueryString: q.sql,
      QueryExecutionContext: q.database ? {Database: q.database, Catalog: 'AwsDataCatalog'} : undefined,
      WorkGroup: q.workgroup,
      ResultConfiguration: q.outputLocation ? {OutputLocation: q.outputLocation} : undefined,
    }),
    {abortSignal: signal},
  )
  if (!out.QueryExecutionId) throw new Error('StartQueryExecution returned no QueryExecutionId')
  return out.QueryExecutionId
}

export interface QueryState {
  /** QUEUED | RUNNING | SUCCEEDED | FAILED | CANCELLED */
  state: string
  reason?: string
  bytesScanned: number
  engineMs?: number
}

export async function athenaQueryState(client: AthenaClient, id: string, signal?: AbortSignal): Promise<QueryState> {
  const {GetQueryExecutionCommand} = await athenaSdk()
  const out = await client.send(new GetQueryExecutionCommand({QueryExecutionId: id}), {abortSignal: signal})
  const x = out.QueryExecution
  return {
    state: x?.Status?.State ?? 'UNKNOWN',
    reason: x?.Status?.StateChangeReason ?? x?.Status?.AthenaError?.ErrorMessage,
    bytesScanned: x?.Statistics?.DataScannedInBytes ?? 0,
    engineMs: x?.Statistics?.EngineExecutionTimeInMillis,
  }
}

export interface ResultPage {
  /** Column labels, from the first page's header row. */
  header?: string[]
  /** Data rows (the header row left out), null where Athena sent no value. */
  rows: Array<Array<string | null>>
  nextToken?: string
}

/** One GetQueryResults page (at most 1000 rows); on the first page the first row is the header. */
export async function athenaResultsPage(client: AthenaClient, id: string, nextToken?: string, signal?: AbortSignal): Promise<ResultPage> {
  const {GetQueryResultsCommand} = await athenaSdk()
  const out = await client.send(new GetQueryResultsCommand({QueryExecutionId: id, NextToken: nextToken, MaxResults: 1000}), {abortSignal: signal})
  const rows = (out.ResultSet?.Rows ?? []).map((r) => (r.Data ?? []).map((d) => d.VarCharValue ?? null))
  const header = nextToken === undefined ? (rows.shift() as string[] | undefined) : undefined
  return {header, rows, nextToken: out.NextToken}
}

export async function stopAthenaQuery(client: AthenaClient, id: string): Promise<void> {
  const {StopQueryExecutionCommand} = await athenaSdk()
  await client.send(new StopQueryExecutionCommand({QueryExecutionId: id}))
}

export interface WorkgroupLimits {
  /** BytesScannedCutoffPerQuery, when the workgroup sets one. */
  cutoff?: number
  outputLocation?: string
  enforced: boolean
}

export async function athenaWorkgroup(client: AthenaClient, name: string, signal?: AbortSignal): Promise<WorkgroupLimits> {
  const {GetWorkGroupCommand} = await athenaSdk()
  const out = await client.send(new GetWorkGroupCommand({WorkGroup: name}), {abortSignal: signal})
  const c = out.WorkGroup?.Configuration
  return {cutoff: c?.BytesScannedCutoffPerQuery, outputLocation: c?.ResultConfiguration?.OutputLocation, enforced: c?.EnforceWorkGroupConfiguration ?? false}
}

export interface TableShape {
  partitionKeys: string[]
  parameters: Record<string, string>
}

export async function athenaTable(client: AthenaClient, database: string, table: string, signal?: AbortSignal): Promise<TableShape> {
  const {GetTableMetadataCommand} = await athenaSdk()
  const out = await client.send(new GetTableMetadataCommand({CatalogName: 'AwsDataCatalog', DatabaseName: database, TableName: table}), {abortSignal: signal})
  return {partitionKeys: (out.TableMetadata?.PartitionKeys ?? []).map((k) => (k.Name ?? '').toLowerCase()), parameters: out.TableMetadata?.Parameters ?? {}}
}
