// Runs one execution off the request path: QUEUED → RUNNING → SUCCEEDED / FAILED / CANCELLED. DDL
// changes the catalog (IF NOT EXISTS / IF EXISTS as Hive means them); a SELECT goes to run-select.ts.
import {DdlError, isDdl, parseDdl} from './ddl.js'
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
}

export interface RunContext {
  bucketDir(bucket: string): string | undefined
  /** The sim clock when the query was submitted: NOW for date projection. */
  now: number
  cutoff?: number
  /** IAM as the caller: Athena reads the table's objects with the identity that started the query. */
  authorize(action: string, resource: string): Promise<void>
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
    const run = await runSelect(e.sql, e.database, {...catalog, authorize: ctx.authorize}, ctx.now, ctx.cutoff, e.abort.signal)
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
