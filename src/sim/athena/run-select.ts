// One SELECT over a catalog table: choose the partitions (projection.ts), list their objects, put a
// DuckDB read of exactly those files where the table name was, and run it. Bytes scanned are the sizes
// of the objects handed to DuckDB: what partition pruning left to read (Athena, too, bills the
// compressed bytes of the objects it opens).
import {AwsError} from '../errors.js'
import {duckType, recordKey, type TableDef} from './ddl.js'
import {lit, runSql, type EngineResult} from './engine.js'
import {objectsUnder, projectPartitions, QueryFailure, type ObjectFile, type Partition} from './projection.js'
import {selectShape} from './statement.js'

export interface Catalog {
  table(database: string, name: string): TableDef | undefined
  /** The local directory standing for s3://bucket/key, or undefined when the bucket does not exist. */
  localPath(bucket: string, key: string): string | undefined
  /** Refuses (throws) when the caller may not do `action` on `resource`. */
  authorize(action: string, resource: string): Promise<void>
  /** Refuses (throws QueryFailure) when the caller may not read this table's catalog entry (Glue, as the caller). */
  readTable?(database: string, name: string, table: TableDef | undefined): Promise<void>
}

export interface SelectRun {
  result: EngineResult
  bytes: number
  partitions: number
  files: number
}

/** Checked before reading: a workgroup's BytesScannedCutoffPerQuery cancels a query over it. */
export class CutoffExceeded extends Error {
  constructor(readonly bytes: number) {
    super('Query cancelled! : Bytes scanned limit was exceeded')
  }
}

// A CloudTrail log object can be far over DuckDB's 16 MB default for one JSON document.
const MAX_OBJECT = 512 * 1024 * 1024

function s3Parts(url: string): {bucket: string; key: string} {
  const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(url)
  if (!m) throw new QueryFailure(`HIVE_INVALID_METADATA: table location '${url}' is not an s3:// URL`)
  return {bucket: m[1]!, key: m[2]!}
}

function tableSource(table: TableDef, parts: Array<{partition: Partition; files: ObjectFile[]}>): string {
  const cols = table.columns.map((c) => `r."${recordKey(c.name, '')}" AS "${c.name}"`)
  const withFiles = parts.filter((p) => p.files.length)
  if (!withFiles.length) {
    const nulls = [...table.columns, ...table.partitions].map((c) => `CAST(NULL AS ${duckType(c.type, c.name)}) AS "${c.name}"`)
    return `SELECT ${nulls.join(', ')} WHERE false`
  }
  const recordType = `STRUCT(${table.columns.map((c) => `"${recordKey(c.name, '')}" ${duckType(c.type, c.name)}`).join(', ')})[]`
  return withFiles
    .map(({partition, files}) => {
      const pv = table.partitions.map((c) => `CAST(${lit(partition.values[c.name] ?? '')} AS VARCHAR) AS "${c.name}"`)
      const read = `read_json([${files.map((f) => lit(f.path)).join(', ')}], columns={'Records': ${lit(recordType)}}, maximum_object_size=${MAX_OBJECT})`
      return `SELECT ${[...cols, ...pv].join(', ')} FROM (SELECT unnest("Records") AS r FROM ${read})`
    })
    .join(' UNION ALL ')
}

function athenaReason(e: Error): string {
  const first = e.message.split('\n')[0]!
  const col = /Referenced column "?([^"\s]+)"? not found/i.exec(first) ?? /Could not find key "([^"]+)" in struct/i.exec(first)
  if (col) return `COLUMN_NOT_FOUND: line 1:1: Column '${col[1]}' cannot be resolved`
  if (/^Parser Error/i.test(first)) return `SYNTAX_ERROR: ${first.replace(/^Parser Error:\s*/i, '')}`
  if (/function .* does not exist|No function matches/i.test(first)) return `FUNCTION_NOT_FOUND: ${first.replace(/^\w+ Error:\s*/, '')}`
  if (/^Invalid Input Error|JSON/i.test(first)) return `HIVE_CURSOR_ERROR: ${first.replace(/^\w+ \w+ Error:\s*/, '')}`
  return `GENERIC_INTERNAL_ERROR: ${first}`
}

export async function runSelect(sql: string, database: string, catalog: Catalog, now: number, cutoff?: number, signal?: AbortSignal): Promise<SelectRun> {
  let shape
  try {
    shape = selectShape(sql)
  } catch (e) {
    throw new QueryFailure((e as Error).message.startsWith('NOT_SUPPORTED') ? (e as Error).message : `SYNTAX_ERROR: ${(e as Error).message}`)
  }
  const ref = shape.table.slice(-2)
  if (shape.table.length === 3 && shape.table[0] !== 'awsdatacatalog') throw new QueryFailure(`CATALOG_NOT_FOUND: line 1:1: Catalog '${shape.table[0]}' does not exist`)
  const [db, name] = ref.length === 2 ? ref : [database, ref[0]!]
  const table = catalog.table(db!, name!)
  // Glue is asked as the caller before anything about the table is known (a denial says nothing of existence).
  await catalog.readTable?.(db!, name!, table)
  if (!table) throw new QueryFailure(`TABLE_NOT_FOUND: line 1:1: Table 'awsdatacatalog.${db}.${name}' does not exist`)

  const partitions = await projectPartitions(table, shape.conjuncts, now)
  const parts: Array<{partition: Partition; files: ObjectFile[]}> = []
  const listed = new Set<string>()
  for (const partition of partitions) {
    const {bucket, key} = s3Parts(partition.location)
    const dir = catalog.localPath(bucket, key)
    if (dir === undefined) throw new QueryFailure(`HIVE_FILESYSTEM_ERROR: The specified bucket does not exist (Service: Amazon S3; Status Code: 404; Error Code: NoSuchBucket): ${bucket}`)
    const files = objectsUnder(dir)
    // Athena lists and reads with the caller's own S3 permissions.
    try {
      if (!listed.has(bucket)) await catalog.authorize('s3:ListBucket', `arn:aws:s3:::${bucket}`)
      listed.add(bucket)
      if (files.length) await catalog.authorize('s3:GetObject', `arn:aws:s3:::${bucket}/${key.replace(/\/$/, '')}/${files[0]!.path.slice(dir.length + 1)}`)
    } catch (e) {
      if (!(e instanceof AwsError)) throw e
      throw new QueryFailure(`Permission denied on S3 path: ${partition.location}`)
    }
    parts.push({partition, files})
  }
  const files = parts.flatMap((p) => p.files)
  const bytes = files.reduce((n, f) => n + f.bytes, 0)
  if (cutoff !== undefined && bytes > cutoff) throw new CutoffExceeded(bytes)

  const source = `(${tableSource(table, parts)}) AS ${shape.alias ?? `"${name}"`}`
  const rewritten = sql.slice(0, shape.fromStart) + source + sql.slice(shape.fromEnd)
  try {
    return {result: await runSql(rewritten, signal), bytes, partitions: parts.length, files: files.length}
  } catch (e) {
    if (signal?.aborted) throw e
    throw new QueryFailure(athenaReason(e as Error))
  }
}
