// Partition projection as Athena does it: the partitions a query reads are computed from the table's
// `projection.*` properties and the query's own predicates on partition columns, never listed from a
// metastore. enum (a list), integer (a range), date (a range up to NOW, in the column's format, one per
// interval) and injected (only what the WHERE names by static equality / IN; none named is
// CONSTRAINT_VIOLATION, as AWS answers). The candidate partitions are filtered by DuckDB itself with the
// query's partition-only conjuncts, so `BETWEEN`, `IN`, `>=` on partition values mean what they mean in SQL.
import {readdirSync, statSync} from 'node:fs'
import {join} from 'node:path'

import type {TableDef} from './ddl.js'
import {lit, runSql} from './engine.js'
import {columnsIn, staticValues} from './statement.js'

export interface Partition {
  values: Record<string, string>
  /** s3://bucket/key/ of the partition's objects. */
  location: string
}

/** A query failure in Athena's words (FAILED with this StateChangeReason). */
export class QueryFailure extends Error {}

const JAVA_DATE: Array<[RegExp, string]> = [
  [/yyyy/g, '%Y'],
  [/MM/g, '%m'],
  [/dd/g, '%d'],
  [/HH/g, '%H'],
]
const strf = (javaFormat: string) => JAVA_DATE.reduce((f, [re, s]) => f.replace(re, s), javaFormat)

/** NOW, NOW-3DAYS, or a date in the column's format → a DuckDB date expression. */
function dateBound(v: string, format: string, now: number): string {
  const m = /^NOW(?:\s*([+-])\s*(\d+)\s*(DAYS?|HOURS?|MONTHS?|YEARS?))?$/i.exec(v.trim())
  if (m) {
    const base = `CAST(${lit(new Date(now).toISOString())} AS TIMESTAMP)`
    if (!m[1]) return base
    return `${base} ${m[1]} INTERVAL ${m[2]} ${m[3]!.toUpperCase().replace(/S$/, '')}`
  }
  return `strptime(${lit(v.trim())}, ${lit(strf(format))})`
}

function candidates(table: TableDef, column: string, conjuncts: string[], now: number): string {
  const p = (k: string) => table.properties[`projection.${column}.${k}`]
  const type = p('type')?.trim().toLowerCase()
  const q = `"${column}"`
  if (type === 'enum') return `(SELECT unnest([${(p('values') ?? '').split(',').map(lit).join(', ')}]) AS ${q})`
  if (type === 'integer') {
    const [lo, hi] = (p('range') ?? '').split(',').map((x) => Number(x.trim()))
    if (!Number.isInteger(lo) || !Number.isInteger(hi)) throw new QueryFailure(`HIVE_METASTORE_ERROR: projection.${column}.range must be two integers`)
    return `(SELECT CAST(range AS VARCHAR) AS ${q} FROM range(${lo}, ${hi! + 1}))`
  }
  if (type === 'date') {
    const format = p('format') ?? 'yyyy-MM-dd'
    const [from, to] = (p('range') ?? '').split(',')
    if (!from || !to) throw new QueryFailure(`HIVE_METASTORE_ERROR: projection.${column}.range must be 'start,end'`)
    const unit = (p('interval.unit') ?? 'DAYS').toUpperCase().replace(/S$/, '')
    const step = Number(p('interval') ?? '1')
    if (!['DAY', 'HOUR'].includes(unit) || !Number.isInteger(step) || step < 1) throw new QueryFailure(`NOT_SUPPORTED: the simulator projects dates by whole DAYS or HOURS, not ${p('interval')} ${p('interval.unit')}`)
    const lo = `date_trunc('${unit.toLowerCase()}', ${dateBound(from, format, now)})`
    const hi = `date_trunc('${unit.toLowerCase()}', ${dateBound(to, format, now)})`
    return `(SELECT strftime(d, ${lit(strf(format))}) AS ${q} FROM range(${lo}, ${hi} + INTERVAL 1 ${unit}, INTERVAL ${step} ${unit}) t(d))`
  }
  if (type === 'injected') {
    const values = conjuncts.map((c) => staticValues(c, column)).filter((v): v is string[] => v !== undefined)
    const named = conjuncts.some((c) => columnsIn(c).has(column))
    if (!values.length || (named && conjuncts.filter((c) => columnsIn(c).has(column)).length !== values.length)) {
      throw new QueryFailure(`CONSTRAINT_VIOLATION: For the injected projected partition column ${column}, the WHERE clause must contain only static equality conditions, and at least one such condition must be present.`)
    }
    // Several static conditions on one column must all hold: their intersection.
    const both = values.reduce((a, b) => a.filter((v) => b.includes(v)))
    return `(SELECT unnest([${both.map(lit).join(', ') || 'NULL'}]::VARCHAR[]) AS ${q})`
  }
  throw new QueryFailure(`HIVE_METASTORE_ERROR: projection.${column}.type '${p('type') ?? ''}' is not one of enum, integer, date, injected`)
}

/** The partitions the query reads, in a stable order. */
export async function projectPartitions(table: TableDef, conjuncts: string[], now: number): Promise<Partition[]> {
  if (!table.partitions.length) return [{values: {}, location: table.location}]
  if (table.properties['projection.enabled']?.trim().toLowerCase() !== 'true') {
    // Without projection, partitions come from ALTER TABLE ADD PARTITION / MSCK, which the simulator does not keep.
    return []
  }
  const names = table.partitions.map((c) => c.name)
  const own = conjuncts.filter((c) => {
    const cols = columnsIn(c)
    return cols.size > 0 && [...cols].every((x) => names.includes(x))
  })
  const from = names.map((n) => candidates(table, n, own, now)).join(', ')
  const sql = `SELECT ${names.map((n) => `"${n}"`).join(', ')} FROM ${from}${own.length ? ` WHERE ${own.map((c) => `(${c})`).join(' AND ')}` : ''} ORDER BY ALL`
  let rows: Array<Array<string | null>>
  try {
    rows = (await runSql(sql)).rows
  } catch (e) {
    throw new QueryFailure(`SYNTAX_ERROR: ${(e as Error).message.split('\n')[0]}`)
  }
  const template = table.properties['storage.location.template']
  return rows.map((r) => {
    const values = Object.fromEntries(names.map((n, i) => [n, r[i] ?? '']))
    const location = template
      ? template.replace(/\$\{([^}]+)\}/g, (_m, k: string) => values[k.toLowerCase()] ?? '')
      : `${table.location.replace(/\/$/, '')}/${names.map((n) => `${n}=${values[n]}`).join('/')}`
    return {values, location}
  })
}

export interface ObjectFile {
  path: string
  bytes: number
}

/** Every object under a local directory standing for an S3 prefix; Hive skips names starting _ or . */
export function objectsUnder(dir: string): ObjectFile[] {
  const out: ObjectFile[] = []
  const walk = (d: string) => {
    let names: string[]
    try {
      names = readdirSync(d).sort()
    } catch {
      return // no such prefix: no objects, as S3 lists nothing
    }
    for (const n of names) {
      if (n.startsWith('_') || n.startsWith('.')) continue
      const p = join(d, n)
      const st = statSync(p)
      if (st.isDirectory()) walk(p)
      else if (st.size > 0) out.push({path: p, bytes: st.size})
    }
  }
  walk(dir)
  return out
}
