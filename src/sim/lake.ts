// CloudTrail Lake, the subset lockdown's forensics pushes down: StartQuery / GetQueryResults over the
// simulator's trail with `SELECT expr AS alias, … FROM <eds> WHERE c AND c … [ORDER BY col [ASC|DESC]] [LIMIT n]`.
// Expressions: dotted record paths, 'literals', element_at(map, 'key'), json_extract_scalar(json, '$.a.b'),
// coalesce(…). Conditions: = != < <= > >= and IN (…). Lake keeps requestParameters/responseElements as
// string maps whose nested objects are JSON text; element_at reproduces that.
import {randomUUID} from 'node:crypto'

import {AwsError} from './errors.js'
import type {OpTable} from './ops.js'

type Expr = {k: 'path'; path: string[]} | {k: 'lit'; v: string} | {k: 'call'; fn: string; args: Expr[]}
type Cond = {e: Expr; op: string; vals: string[]}
interface Query {
  cols: Array<{e: Expr; alias: string}>
  where: Cond[]
  order?: {col: string; desc: boolean}
  limit?: number
}

const invalid = (m: string) => new AwsError('InvalidQueryStatementException', m, 400)

function tokenize(sql: string): string[] {
  const out: string[] = []
  const re = /\s*('(?:[^']|'')*'|[A-Za-z0-9_][\w.$-]*|>=|<=|!=|<>|[(),=<>*])/y
  let m: RegExpExecArray | null
  let i = 0
  while (i < sql.length) {
    re.lastIndex = i
    m = re.exec(sql)
    if (!m) {
      if (!sql.slice(i).trim()) break
      throw invalid(`Unexpected input near '${sql.slice(i, i + 20)}'`)
    }
    out.push(m[1]!)
    i = re.lastIndex
  }
  return out
}

function parse(sql: string): Query {
  const t = tokenize(sql)
  let p = 0
  const peek = () => t[p]
  const kw = (w: string) => peek()?.toUpperCase() === w
  const eat = (w?: string) => {
    const tok = t[p++]
    if (tok === undefined || (w && tok.toUpperCase() !== w)) throw invalid(`Expected ${w ?? 'more input'} but found ${tok ?? 'end of query'}`)
    return tok
  }
  const expr = (): Expr => {
    const tok = eat()
    if (tok.startsWith("'")) return {k: 'lit', v: tok.slice(1, -1).replace(/''/g, "'")}
    if (peek() === '(') {
      eat('(')
      const args: Expr[] = []
      while (peek() !== ')') {
        args.push(expr())
        if (peek() === ',') eat(',')
      }
      eat(')')
      return {k: 'call', fn: tok.toLowerCase(), args}
    }
    return {k: 'path', path: tok.split('.')}
  }
  eat('SELECT')
  const cols: Query['cols'] = []
  do {
    if (peek() === ',') eat(',')
    const e = expr()
    const alias = kw('AS') ? (eat('AS'), eat()) : e.k === 'path' ? e.path.join('.') : `_col${cols.length}`
    cols.push({e, alias})
  } while (peek() === ',')
  eat('FROM')
  eat()
  const where: Cond[] = []
  if (kw('WHERE')) {
    eat('WHERE')
    do {
      if (kw('AND')) eat('AND')
      const e = expr()
      const op = eat().toUpperCase()
      if (op === 'IN') {
        eat('(')
        const vals: string[] = []
        while (peek() !== ')') {
          const v = expr()
          if (v.k !== 'lit') throw invalid('IN lists must hold literals')
          vals.push(v.v)
          if (peek() === ',') eat(',')
        }
        eat(')')
        where.push({e, op, vals})
      } else {
        if (!['=', '!=', '<>', '<', '<=', '>', '>='].includes(op)) throw invalid(`Unsupported operator ${op}`)
        const v = expr()
        if (v.k !== 'lit') throw invalid('Comparisons must be against a literal')
        where.push({e, op, vals: [v.v]})
      }
    } while (kw('AND'))
  }
  let order: Query['order']
  if (kw('ORDER')) {
    eat('ORDER')
    eat('BY')
    const col = eat()
    const desc = kw('DESC')
    if (kw('DESC') || kw('ASC')) eat()
    order = {col, desc}
  }
  let limit: number | undefined
  if (kw('LIMIT')) {
    eat('LIMIT')
    limit = Number(eat())
  }
  if (p < t.length) throw invalid(`Unexpected '${t[p]}'`)
  return {cols, where, order, limit}
}

const lakeTime = (iso: string) => iso.replace('T', ' ').replace(/Z$/, '.000')
const asText = (v: unknown): string | null => (v === undefined || v === null ? null : typeof v === 'object' ? JSON.stringify(v) : String(v))

function evalExpr(e: Expr, rec: Record<string, unknown>): string | null {
  if (e.k === 'lit') return e.v
  if (e.k === 'path') {
    let cur: unknown = rec
    for (const k of e.path) cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[k] : undefined
    if (e.path.length === 1 && e.path[0] === 'eventTime' && typeof cur === 'string') return lakeTime(cur)
    return asText(cur)
  }
  const args = e.args
  switch (e.fn) {
    case 'element_at': {
      const map = args[0]?.k === 'path' ? evalPathRaw(args[0].path, rec) : undefined
      const key = evalExpr(args[1]!, rec)
      return map && typeof map === 'object' && key !== null ? asText((map as Record<string, unknown>)[key]) : null
    }
    case 'json_extract_scalar': {
      const text = evalExpr(args[0]!, rec)
      const path = evalExpr(args[1]!, rec)
      if (text === null || !path?.startsWith('$')) return null
      let cur: unknown
      try {
        cur = JSON.parse(text)
      } catch {
        return null
      }
      for (const k of path.slice(2).split('.').filter(Boolean)) cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[k] : undefined
      return cur === null || cur === undefined || typeof cur === 'object' ? null : String(cur)
    }
    case 'coalesce':
      for (const a of args) {
        const v = evalExpr(a, rec)
        if (v !== null) return v
      }
      return null
    default:
      throw invalid(`Unsupported function ${e.fn}`)
  }
}

function evalPathRaw(path: string[], rec: Record<string, unknown>): unknown {
  let cur: unknown = rec
  for (const k of path) cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[k] : undefined
  return cur
}

function compare(a: string, b: string): number {
  // Lake compares timestamps as timestamps; everything else here is text.
  const ta = Date.parse(a.replace(' ', 'T') + (/[zZ]$/.test(a) ? '' : 'Z'))
  const tb = Date.parse(b.replace(' ', 'T') + (/[zZ]$/.test(b) ? '' : 'Z'))
  if (/^\d{4}-\d\d-\d\d/.test(a) && /^\d{4}-\d\d-\d\d/.test(b) && !Number.isNaN(ta) && !Number.isNaN(tb)) return ta - tb
  return a < b ? -1 : a > b ? 1 : 0
}

function matches(c: Cond, rec: Record<string, unknown>): boolean {
  const v = evalExpr(c.e, rec)
  if (v === null) return false
  if (c.op === 'IN') return c.vals.includes(v)
  const d = compare(v, c.vals[0]!)
  return {'=': d === 0, '!=': d !== 0, '<>': d !== 0, '<': d < 0, '<=': d <= 0, '>': d > 0, '>=': d >= 0}[c.op] ?? false
}

interface Stored {
  rows: Array<Array<Record<string, string>>>
}

/** Queries read the trail of the caller's account: an event data store belongs to one account. */
export function lakeOps(): OpTable {
  const queries = new Map<string, Stored>()
  return {
    StartQuery: {
      readOnly: false,
      handle(p, c) {
        if (typeof p.QueryStatement !== 'string') throw invalid('QueryStatement is required')
        const q = parse(p.QueryStatement)
        let recs = c.sim.trail.events.map((e) => e.record).filter((r) => q.where.every((c) => matches(c, r)))
        if (q.order) {
          const col = q.cols.find((c) => c.alias === q.order!.col)?.e ?? {k: 'path' as const, path: q.order.col.split('.')}
          recs = recs.map((r) => [evalExpr(col, r) ?? '', r] as const).sort((x, y) => compare(x[0], y[0]) * (q.order!.desc ? -1 : 1)).map(([, r]) => r)
        }
        if (q.limit !== undefined) recs = recs.slice(0, q.limit)
        const rows = recs.map((r) => q.cols.flatMap(({e, alias}) => {
          const v = evalExpr(e, r)
          return v === null ? [] : [{[alias]: v}]
        }))
        const id = randomUUID()
        queries.set(id, {rows})
        return {QueryId: id}
      },
    },
    GetQueryResults: {
      readOnly: true,
      handle(p) {
        const q = queries.get(String(p.QueryId))
        if (!q) throw new AwsError('QueryIdNotFoundException', `Query ${p.QueryId} was not found.`, 400)
        const max = p.MaxQueryResults === undefined ? 1000 : Number(p.MaxQueryResults)
        const start = p.NextToken === undefined ? 0 : Number(Buffer.from(String(p.NextToken), 'base64url').toString())
        const page = q.rows.slice(start, start + max)
        const next = start + max < q.rows.length ? Buffer.from(String(start + max)).toString('base64url') : undefined
        return {
          QueryStatus: 'FINISHED',
          QueryStatistics: {ResultsCount: page.length, TotalResultsCount: q.rows.length, BytesScanned: 0},
          QueryResultRows: page,
          ...(next ? {NextToken: next} : {}),
        }
      },
    },
  }
}
