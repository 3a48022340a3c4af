// Amazon Athena (JSON 1.1, `X-Amz-Target: AmazonAthena.<Op>`, signing name `athena`): the query
// lifecycle (StartQueryExecution → QUEUED → RUNNING → SUCCEEDED / FAILED / CANCELLED, GetQueryExecution,
// GetQueryResults with paging and the header row, StopQueryExecution), workgroups with a result location
// and a bytes-scanned cutoff, and the Glue catalog the DDL writes (GetTableMetadata reads it back).
// SELECTs run on DuckDB over the simulator's trail bucket (run-select.ts); see README.md.
import {randomUUID} from 'node:crypto'

import {requestContext} from '../authz.js'
import {AwsError} from '../errors.js'
import type {OpContext, OpTable} from '../ops.js'
import type {Params} from '../protocol/form.js'
import {type TableDef} from './ddl.js'
import {resultObject, runStatement, showState, type Execution} from './execute.js'
import {type AthenaStore, catalogOps, glueArns, workgroupArn} from './store.js'

export interface AthenaOptions {
  /** The local directory standing for s3://bucket (the simulator's trail bucket), or undefined. */
  bucketDir(bucket: string): string | undefined
}

// AWS also sends AthenaErrorCode (INVALID_INPUT, QUERY_CANCELLED…); the error shape here carries the code and message.
export const invalidRequest = (m: string, _code = 'INVALID_INPUT') => new AwsError('InvalidRequestException', m, 400)

const MAX_PAGE = 1000

function execution(store: AthenaStore, p: Params): Execution {
  const id = String(p.QueryExecutionId ?? '')
  if (!id) throw invalidRequest("1 validation error detected: Value null at 'queryExecutionId' failed to satisfy constraint: Member must not be null")
  const e = store.executions.get(id)
  if (!e) throw invalidRequest(`QueryExecution ${id} was not found`)
  return e
}

const seconds = (ms: number | undefined) => (ms === undefined ? undefined : ms / 1000)

function describe(e: Execution): Record<string, unknown> {
  const state = showState(e)
  // A state shown before the real one (see observedState) carries nothing of the finish yet.
  const done = state === e.state
  const total = ((done && e.completedAt) || Date.now()) - e.submittedAt
  return {
    QueryExecutionId: e.id,
    Query: e.sql,
    StatementType: e.statementType,
    ResultConfiguration: {OutputLocation: `${e.output.replace(/\/$/, '')}/${e.id}${e.statementType === 'DDL' ? '.txt' : '.csv'}`},
    ResultReuseConfiguration: {ResultReuseByAgeConfiguration: {Enabled: false}},
    QueryExecutionContext: {Database: e.database, Catalog: 'AwsDataCatalog'},
    Status: {
      State: state,
      ...(done && e.reason ? {StateChangeReason: e.reason} : {}),
      SubmissionDateTime: seconds(e.submittedAt),
      ...(done && e.completedAt ? {CompletionDateTime: seconds(e.completedAt)} : {}),
      ...(done && state === 'FAILED' ? {AthenaError: {ErrorCategory: e.errorCategory ?? 2, ErrorType: e.errorCategory === 3 ? 401 : 1000, Retryable: false, ErrorMessage: e.reason}} : {}),
    },
    Statistics: {
      EngineExecutionTimeInMillis: (done && e.engineMs) || 0,
      DataScannedInBytes: done ? e.bytes : 0,
      TotalExecutionTimeInMillis: total,
      QueryQueueTimeInMillis: e.queueMs ?? total,
      ServicePreProcessingTimeInMillis: 0,
      QueryPlanningTimeInMillis: 0,
      ServiceProcessingTimeInMillis: 0,
      ResultReuseInformation: {ReusedPreviousResult: false},
    },
    WorkGroup: e.workgroup,
    EngineVersion: {SelectedEngineVersion: 'AUTO', EffectiveEngineVersion: 'Athena engine version 3'},
    SubstatementType: e.substatementType,
  }
}

export function athenaOps(opts: AthenaOptions): OpTable {
  const store: AthenaStore = {
    workgroups: new Map([['primary', {name: 'primary', state: 'ENABLED', created: Date.now(), config: {}}]]),
    databases: new Set(['default']),
    tables: new Map<string, TableDef>(),
    executions: new Map(),
    tokens: new Map(),
  }
  const wgResource = (p: Params, ctx: OpContext) => workgroupArn(ctx, String(p.WorkGroup ?? 'primary'))
  const ofExecution = (p: Params, ctx: OpContext) => workgroupArn(ctx, store.executions.get(String(p.QueryExecutionId ?? ''))?.workgroup ?? 'primary')
  return {
    ...catalogOps(store),
    StartQueryExecution: {
      readOnly: false,
      resource: wgResource,
      async handle(p, ctx) {
        const sql = typeof p.QueryString === 'string' ? p.QueryString : ''
        if (!sql.trim()) throw invalidRequest("1 validation error detected: Value null at 'queryString' failed to satisfy constraint: Member must not be null")
        if (sql.length > 262_144) throw invalidRequest("1 validation error detected: Value at 'queryString' failed to satisfy constraint: Member must have length less than or equal to 262144")
        const token = typeof p.ClientRequestToken === 'string' ? p.ClientRequestToken : undefined
        if (token && (token.length < 32 || token.length > 128)) throw invalidRequest("1 validation error detected: Value at 'clientRequestToken' failed to satisfy constraint: Member must have length greater than or equal to 32")
        if (token && store.tokens.has(token)) {
          const prior = store.executions.get(store.tokens.get(token)!)!
          if (prior.sql !== sql) throw invalidRequest('Idempotent parameters do not match', 'INVALID_INPUT')
          return {QueryExecutionId: prior.id}
        }
        const name = String(p.WorkGroup ?? 'primary')
        const wg = store.workgroups.get(name)
        if (!wg) throw invalidRequest(`WorkGroup ${name} is not found.`)
        if (wg.state !== 'ENABLED') throw invalidRequest(`WorkGroup ${name} is disabled.`)
        const ctxIn = (p.QueryExecutionContext ?? {}) as {Database?: string; Catalog?: string}
        const given = (p.ResultConfiguration as {OutputLocation?: string} | undefined)?.OutputLocation
        const output = wg.config.EnforceWorkGroupConfiguration && wg.config.ResultConfiguration?.OutputLocation ? wg.config.ResultConfiguration.OutputLocation : (given ?? wg.config.ResultConfiguration?.OutputLocation)
        if (!output) throw invalidRequest('No output location provided. An output location is required either through the Workgroup result configuration setting or as an API input.')
        if (!/^s3:\/\/[^/]+/.test(output)) throw invalidRequest(`outputLocation is not a valid S3 path. Provided ${output}`)
        if (ctxIn.Catalog && ctxIn.Catalog.toLowerCase() !== 'awsdatacatalog') throw invalidRequest(`Catalog ${ctxIn.Catalog} does not exist`, 'CATALOG_NOT_FOUND')
        // Athena checks the results bucket with the caller's identity before it queues anything.
        const outputBucket = /^s3:\/\/([^/]+)/.exec(output)![1]!
        try {
          await ctx.sim.authz.check(ctx.caller, 's3:GetBucketLocation', `arn:aws:s3:::${outputBucket}`, requestContext(ctx.sim.account, ctx.caller, ctx.now, ctx.region))
        } catch (error) {
          if (!(error instanceof AwsError)) throw error
          throw invalidRequest(`Unable to verify/create output bucket ${outputBucket}`)
        }
        const e: Execution = {
          id: randomUUID(),
          sql,
          database: (ctxIn.Database ?? 'default').toLowerCase(),
          workgroup: name,
          output,
          state: 'QUEUED',
          submittedAt: ctx.now,
          bytes: 0,
          statementType: /^\s*(CREATE|DROP|ALTER|SHOW|DESCRIBE|MSCK)\b/i.test(sql) ? 'DDL' : 'DML',
          substatementType: /^\s*(\w+)/.exec(sql)![1]!.toUpperCase(),
          abort: new AbortController(),
        }
        store.executions.set(e.id, e)
        if (token) store.tokens.set(token, e.id)
        // Queued first, as Athena answers before any work starts; the run goes on after the response.
        const authorize = (action: string, resource: string) => ctx.sim.authz.check(ctx.caller, action, resource, requestContext(ctx.sim.account, ctx.caller, ctx.now, ctx.region))
        const glue = (db: string, table: string) => glueArns(ctx.region, ctx.sim.account.id, db, table)
        setTimeout(() => void runStatement(e, store, {bucketDir: opts.bucketDir, now: ctx.now, cutoff: wg.config.BytesScannedCutoffPerQuery, authorize, glueArns: glue}), 25).unref()
        return {QueryExecutionId: e.id}
      },
    },
    GetQueryExecution: {
      readOnly: true,
      resource: ofExecution,
      handle: (p) => ({QueryExecution: describe(execution(store, p))}),
    },
    BatchGetQueryExecution: {
      readOnly: true,
      handle(p) {
        const ids = Array.isArray(p.QueryExecutionIds) ? (p.QueryExecutionIds as string[]) : []
        const found = ids.filter((id) => store.executions.has(id))
        return {
          QueryExecutions: found.map((id) => describe(store.executions.get(id)!)),
          UnprocessedQueryExecutionIds: ids.filter((id) => !store.executions.has(id)).map((id) => ({QueryExecutionId: id, ErrorCode: 'INVALID_INPUT', ErrorMessage: `QueryExecution ${id} was not found`})),
        }
      },
    },
    StopQueryExecution: {
      readOnly: false,
      resource: ofExecution,
      handle(p, ctx) {
        const e = execution(store, p)
        if (e.state === 'QUEUED' || e.state === 'RUNNING') {
          e.abort.abort()
          e.state = 'CANCELLED'
          e.reason = 'Query cancelled by user'
          e.completedAt = ctx.now
        }
        return {}
      },
    },
    GetQueryResults: {
      readOnly: true,
      resource: ofExecution,
      async handle(p, ctx) {
        const e = execution(store, p)
        if (e.state === 'QUEUED' || e.state === 'RUNNING') throw invalidRequest(`Query has not yet finished. Current state: ${e.state}`)
        if (e.state !== 'SUCCEEDED') throw invalidRequest(e.reason ?? `Query ${e.state}`, e.state === 'FAILED' ? 'INVALID_INPUT' : 'QUERY_CANCELLED')
        // The rows are read back from the result file in S3 with the caller's identity (s3:GetObject on it).
        const out = resultObject(e)
        try {
          await ctx.sim.authz.check(ctx.caller, 's3:GetObject', out.arn, requestContext(ctx.sim.account, ctx.caller, ctx.now, ctx.region))
        } catch (error) {
          if (!(error instanceof AwsError)) throw error
          throw invalidRequest(`Access denied when reading the query results from ${out.url}: ${error.message}`)
        }
        const max = p.MaxResults === undefined ? MAX_PAGE : Number(p.MaxResults)
        if (!Number.isInteger(max) || max < 1 || max > MAX_PAGE) throw invalidRequest(`1 validation error detected: Value '${p.MaxResults}' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to ${MAX_PAGE}`)
        const r = e.result ?? {columns: [], rows: []}
        // The header row (the column labels) comes first, on the first page only.
        const all = e.statementType === 'DDL' ? r.rows : [r.columns.map((c) => c.name), ...r.rows]
        let start = 0
        if (p.NextToken !== undefined) {
          const m = /^(.+):(\d+)$/.exec(Buffer.from(String(p.NextToken), 'base64url').toString())
          if (!m || m[1] !== e.id) throw invalidRequest('Invalid NextToken provided')
          start = Number(m[2])
        }
        const end = Math.min(start + max, all.length)
        return {
          UpdateCount: 0,
          ResultSet: {
            Rows: all.slice(start, end).map((row) => ({Data: row.map((v) => (v === null ? {} : {VarCharValue: v}))})),
            ResultSetMetadata: {
              ColumnInfo: r.columns.map((c) => ({CatalogName: 'hive', SchemaName: '', TableName: '', Name: c.name, Label: c.name, Type: c.type, Precision: c.type === 'varchar' ? 2147483647 : 0, Scale: 0, Nullable: 'UNKNOWN', CaseSensitive: c.type === 'varchar'})),
            },
          },
          ...(end < all.length ? {NextToken: Buffer.from(`${e.id}:${end}`).toString('base64url')} : {}),
        }
      },
    },
  }
}
