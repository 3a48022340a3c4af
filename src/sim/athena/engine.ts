// The real SQL engine behind the simulator's Athena: DuckDB, embedded, loaded on the first query (it is
// native and heavy; nothing else in lockdown pays for it). Athena speaks Trino; the Trino functions the
// generated forensics SQL uses are defined here as DuckDB macros with Trino's meaning:
//   json_extract_scalar(json, path)   the scalar at path as varchar; NULL for an object or array (Trino)
//   from_iso8601_timestamp(text)      timestamp with time zone from ISO 8601 ('2024-07-30T21:31:15Z')
// Everything else (IN, BETWEEN, struct field access a.b.c, "quoted" identifiers, string comparison)
// means the same in both. Sessions run in UTC, as Athena's do.
import type {DuckDBConnection, DuckDBInstance} from '@duckdb/node-api'

export interface EngineResult {
  columns: Array<{name: string; type: string}>
  rows: Array<Array<string | null>>
}

const MACROS = [
  "CREATE OR REPLACE MACRO json_extract_scalar(j, p) AS CASE WHEN json_type(CAST(j AS JSON), p) IN ('OBJECT', 'ARRAY') THEN NULL ELSE json_extract_string(CAST(j AS JSON), p) END",
  'CREATE OR REPLACE MACRO from_iso8601_timestamp(s) AS CAST(s AS TIMESTAMPTZ)',
  "SET TimeZone = 'UTC'",
]

let instance: Promise<DuckDBInstance> | undefined

async function db(): Promise<DuckDBInstance> {
  instance ??= (async () => {
    const {DuckDBInstance} = await import('@duckdb/node-api')
    // Never reach for the network: extensions are the ones compiled in (json among them).
    return DuckDBInstance.create(':memory:', {autoload_known_extensions: 'false', autoinstall_known_extensions: 'false', threads: '2'})
  })()
  return instance
}

async function connect(): Promise<DuckDBConnection> {
  const c = await (await db()).connect()
  for (const m of MACROS) await c.run(m)
  return c
}

/** Trino's names for DuckDB's types, as GetQueryResults' ColumnInfo reports them. */
function trinoType(duck: string): string {
  const t = duck.toUpperCase()
  if (t === 'VARCHAR') return 'varchar'
  if (t === 'BIGINT' || t === 'HUGEINT') return 'bigint'
  if (t === 'INTEGER') return 'integer'
  if (t === 'BOOLEAN') return 'boolean'
  if (t === 'DOUBLE' || t === 'FLOAT') return 'double'
  if (t.startsWith('TIMESTAMP WITH TIME ZONE')) return 'timestamp with time zone'
  if (t.startsWith('TIMESTAMP')) return 'timestamp'
  if (t === 'DATE') return 'date'
  if (t.startsWith('STRUCT')) return 'row'
  if (t.endsWith('[]')) return 'array'
  if (t.startsWith('MAP')) return 'map'
  return 'varchar'
}

function text(v: unknown): string | null {
  if (v === null || v === undefined) return null
  if (typeof v === 'string') return v
  if (typeof v === 'object') return JSON.stringify(v)
  return String(v)
}

export async function runSql(sql: string, signal?: AbortSignal): Promise<EngineResult> {
  const c = await connect()
  const stop = () => c.interrupt()
  signal?.addEventListener('abort', stop)
  try {
    const reader = await c.runAndReadAll(sql)
    const names = reader.columnNames()
    const types = reader.columnTypes().map((t) => trinoType(t.toString()))
    return {columns: names.map((name, i) => ({name, type: types[i]!})), rows: reader.getRowsJson().map((r) => r.map(text))}
  } finally {
    signal?.removeEventListener('abort', stop)
    c.closeSync()
  }
}

/** A value as a DuckDB string literal. */
export const lit = (s: string) => `'${s.replace(/'/g, "''")}'`
