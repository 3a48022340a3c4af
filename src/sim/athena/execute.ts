// Runs one execution off the request path: QUEUED → RUNNING → SUCCEEDED / FAILED / CANCELLED. DDL
// changes the catalog (IF NOT EXISTS / IF EXISTS as Hive means them); a SELECT goes to run-select.ts.
import {AwsError} from '../errors.js'
import {DdlError, isDdl, parseDdl, type TableDef} from './ddl.js'
import type {EngineResult} from './engine.js'
import {QueryFailure} from './projection.js'
import {CutoffExceeded, runSelect} from './run-select.js'
import type {AthenaStore} from './store.js'

export type State = 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED'

export interface Execution {
  id: string
  sql: string
  database: string
  workgroup: string
  output: string
  state: State
  reason?: string
  /** Athena's ErrorCategory: 1 system, 2 user, 3 other. */
  errorCategory?: number
  submittedAt: number
  completedAt?: number
  queueMs?: number
  engineMs?: number
  bytes: number
  statementType: 'DDL' | 'DML'
  substatementType: string
  result?: EngineResult
  abort: AbortController
  /** The states GetQueryExecution has shown so far (see `observedState`). */
  shown?: Set<State>
}

/**
 * The state a caller sees. A real query sits QUEUED and RUNNING for at least a poll or two; the
 * simulator's finish in milliseconds, so a loaded machine could let a poller miss a step it must handle.
 * Each of QUEUED and RUNNING is therefore shown to at least one describe before a later state is (a
 * cancel is shown at once): a client that polls sees every step, however loaded the machine.
 * GetQueryResults goes by the real state, as Athena's does.
 */
function observedState(e: Execution): State {
  if (e.state === 'CANCELLED') return e.state
  const shown = e.shown ?? new Set()
  if (!shown.has('QUEUED')) return 'QUEUED'
  if (e.state !== 'QUEUED' && !shown.has('RUNNING')) return 'RUNNING'
  return e.state
}

/** Marks what a describe showed, so the next one may show the following state. */
export function showState(e: Execution): State {
  const state = observedState(e)
  ;(e.shown ??= new Set()).add(state)
  return state
}

export interface RunContext {
  bucketDir(bucket: string): string | undefined
  /** The sim clock when the query was submitted: NOW for date projection. */
  now: number
  cutoff?: number
  /** IAM as the caller: Athena reads the table's objects with the identity that started the query. */
  authorize(action: string, resource: string): Promise<void>
  /** The Glue ARNs of a table read (catalog, database, table), in the query's region and account. */
  glueArns(database: string, table: string): string[]
}

const denied = (e: unknown) => e instanceof AwsError

/**
 * Athena asks Glue as the caller: the database and the table, and the partitions of a partitioned table
 * whose partitions live in the catalog (partition projection computes them instead, so Glue is not asked).
 */
async function readTable(ctx: RunContext, db: string, name: string, table: TableDef | undefined): Promise<void> {
  const partitioned = table !== undefined && table.partitions.length > 0 && String(table.properties['projection.enabled'] ?? '').toLowerCase() !== 'true'
  const needs: Array<[string, boolean]> = [['glue:GetDatabase', false], ['glue:GetTable', true], ...(partitioned ? ([['glue:GetPartitions', true]] as Array<[string, boolean]>) : [])]
  for (const [action, withTable] of needs) {
    const arns = ctx.glueArns(db, name)
    for (const resource of withTable ? arns : arns.slice(0, 2)) {
      try {
        await ctx.authorize(action, resource)
      } catch (e) {
        if (!denied(e)) throw e
        throw new QueryFailure(`Insufficient permissions to execute the query. ${(e as Error).message} (Service: AWSGlue; Status Code: 400; Error Code: AccessDeniedException)`)
      }
    }
  }
}

/** The result file Athena writes (`<output>/<query id>.csv`), as `s3://bucket/key`, and its ARN. */
export function resultObject(e: Execution): {url: string; arn: string} {
  const url = `${e.output.replace(/\/$/, '')}/${e.id}${e.statementType === 'DDL' ? '.txt' : '.csv'}`
  return {url, arn: `arn:aws:s3:::${url.slice('s3://'.length)}`}
}

function ddl(e: Execution, store: AthenaStore): void {
  const d = parseDdl(e.sql)
  if (d.kind === 'create-database') {
    if (store.databases.has(d.name) && !d.ifNotExists) throw new DdlError(`FAILED: AlreadyExistsException: Database ${d.name} already exists`)
    store.databases.add(d.name)
    return
  }
  const db = (d.kind === 'create-table' ? d.table.database : d.database) ?? e.database
  if (!store.databases.has(db)) throw new DdlError(`FAILED: SemanticException [Error 10072]: Database does not exist: ${db}`)
  if (d.kind === 'drop-table') {
    const key = `${db}.${d.name}`
    if (!store.tables.has(key) && !d.ifExists) throw new DdlError(`FAILED: SemanticException [Error 10001]: Table not found ${key}`)
    store.tables.delete(key)
    return
  }
  const key = `${db}.${d.table.name}`
  if (store.tables.has(key)) {
    if (d.ifNotExists) return
    throw new DdlError(`FAILED: AlreadyExistsException: Table ${d.table.name} already exists`)
  }
  store.tables.set(key, {...d.table, database: db})
}

export async function runStatement(e: Execution, store: AthenaStore, ctx: RunContext): Promise<void> {
  if (e.state !== 'QUEUED') return // stopped while queued
  const began = Date.now()
  e.queueMs = began - e.submittedAt
  e.state = 'RUNNING'
  const finish = (state: State, reason?: string, category?: number) => {
    if (e.state !== 'RUNNING') return // StopQueryExecution got there first
    e.state = state
    e.reason = reason
    e.errorCategory = category
    e.engineMs = Date.now() - began
    e.completedAt = e.submittedAt + (e.queueMs ?? 0) + e.engineMs
  }
  try {
    // Athena writes the result file with the caller's identity: without s3:PutObject there the query fails.
    const out = resultObject(e)
    try {
      await ctx.authorize('s3:PutObject', out.arn)
    } catch (error) {
      if (!denied(error)) throw error
      throw new QueryFailure(`Access denied when writing output to url: ${out.url} . Please ensure you are allowed to access the S3 bucket. If you are encrypting query results with KMS key, please ensure you are allowed to access your KMS key`)
    }
    if (isDdl(e.sql)) {
      ddl(e, store)
      e.result = {columns: [], rows: []}
      return finish('SUCCEEDED')
    }
    if (!/^\s*(SELECT|WITH)\b/i.test(e.sql)) throw new QueryFailure(`NOT_SUPPORTED: the simulator runs SELECT and the CloudTrail table DDL (CREATE DATABASE, CREATE EXTERNAL TABLE, DROP TABLE), not '${e.sql.trim().split(/\s+/)[0]}'`)
    const catalog = {
      table: (db: string, name: string) => store.tables.get(`${db}.${name}`),
      localPath(bucket: string, key: string) {
        const dir = ctx.bucketDir(bucket)
        return dir === undefined ? undefined : `${dir}/${key}`.replace(/\/+$/, '')
      },
    }
    const run = await runSelect(e.sql, e.database, {...catalog, authorize: ctx.authorize, readTable: (db, name, t) => readTable(ctx, db, name, t)}, ctx.now, ctx.cutoff, e.abort.signal)
    e.bytes = run.bytes
    e.result = run.result
    finish('SUCCEEDED')
  } catch (error) {
    if (error instanceof CutoffExceeded) {
      // The per-query data usage control cancels the query once it has read its limit.
      e.bytes = ctx.cutoff ?? error.bytes
      return finish('CANCELLED', error.message)
    }
    if (error instanceof DdlError || error instanceof QueryFailure) return finish('FAILED', error.message, 2)
    if (e.abort.signal.aborted) return
    finish('FAILED', `GENERIC_INTERNAL_ERROR: ${(error as Error).message}`, 1)
  }
}
