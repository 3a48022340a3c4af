// What the simulator needs to know about a SELECT before DuckDB runs it: which one table it reads
// (to put the table's files in its place) and which WHERE conjuncts name only partition columns (to
// choose the partitions, as partition projection does, before any file is opened). This is a splitter
// that respects quotes and parentheses, not a SQL interpreter: DuckDB parses and runs the query itself.

export interface Token {
  text: string
  start: number
  end: number
}

// Quoted identifiers, strings (with '' escapes), words, numbers, operators.
const TOKEN = /\s*("(?:[^"]|"")*"|'(?:[^']|'')*'|[A-Za-z_][\w$]*|\d+(?:\.\d+)?|<>|!=|<=|>=|\|\||[-+*/%(),.=<>;:[\]])/y

export function tokens(sql: string): Token[] {
  const out: Token[] = []
  let i = 0
  while (i < sql.length) {
    TOKEN.lastIndex = i
    const m = TOKEN.exec(sql)
    if (!m) {
      if (!sql.slice(i).trim()) break
      throw new Error(`line 1:${i + 1}: mismatched input '${sql.slice(i, i + 10)}'`)
    }
    out.push({text: m[1]!, start: TOKEN.lastIndex - m[1]!.length, end: TOKEN.lastIndex})
    i = TOKEN.lastIndex
  }
  return out
}

const CLAUSE_END = new Set(['GROUP', 'ORDER', 'LIMIT', 'HAVING', 'UNION', 'INTERSECT', 'EXCEPT', 'OFFSET', 'WINDOW', 'FETCH'])
const NOT_AN_ALIAS = new Set(['WHERE', 'JOIN', 'LEFT', 'RIGHT', 'INNER', 'FULL', 'CROSS', 'CROSS', 'ON', ...CLAUSE_END])
const up = (t: Token | undefined) => t?.text.toUpperCase()

export interface SelectShape {
  /** [catalog.][database.]table, lowercased, quotes removed. */
  table: string[]
  /** Source text offsets of the table reference (and its alias) to replace. */
  fromStart: number
  fromEnd: number
  alias?: string
  /** Top-level AND conjuncts of WHERE, as text. */
  conjuncts: string[]
}

const unquote = (s: string) => (s.startsWith('"') ? s.slice(1, -1).replace(/""/g, '"') : s.toLowerCase())

/** The one table of `SELECT … FROM t [alias] [WHERE …] …`; joins and subqueries in FROM are refused. */
export function selectShape(sql: string): SelectShape {
  const t = tokens(sql)
  let depth = 0
  let from = -1
  for (let i = 0; i < t.length; i++) {
    if (t[i]!.text === '(') depth++
    else if (t[i]!.text === ')') depth--
    else if (depth === 0 && up(t[i]) === 'FROM') {
      from = i
      break
    }
  }
  if (from < 0) throw new Error('NOT_SUPPORTED: the simulator runs SELECT … FROM one table')
  let i = from + 1
  if (t[i]?.text === '(') throw new Error('NOT_SUPPORTED: the simulator does not run a subquery in FROM')
  const parts: string[] = []
  const fromStart = t[i]?.start ?? sql.length
  for (;;) {
    const tok = t[i]
    if (!tok || !/^("|[A-Za-z_])/.test(tok.text)) throw new Error(`line 1:${(tok?.start ?? sql.length) + 1}: mismatched input '${tok?.text ?? '<EOF>'}'. Expecting: a table name`)
    parts.push(unquote(tok.text))
    i++
    if (t[i]?.text !== '.') break
    i++
  }
  let alias: string | undefined
  if (up(t[i]) === 'AS') i++
  if (t[i] && /^("|[A-Za-z_])/.test(t[i]!.text) && !NOT_AN_ALIAS.has(up(t[i])!)) alias = t[i++]!.text
  const fromEnd = t[i - 1]!.end
  if (t[i]?.text === ',' || ['JOIN', 'LEFT', 'RIGHT', 'INNER', 'FULL', 'CROSS'].includes(up(t[i]) ?? '')) throw new Error('NOT_SUPPORTED: the simulator runs queries over one table (no joins)')
  const conjuncts: string[] = []
  if (up(t[i]) === 'WHERE') {
    i++
    let start = i
    let between = false
    let anyOr = false
    depth = 0
    const cut = (end: number) => conjuncts.push(sql.slice(t[start]!.start, t[end - 1]!.end))
    for (; i < t.length; i++) {
      const w = up(t[i])
      if (t[i]!.text === '(') depth++
      else if (t[i]!.text === ')') depth--
      if (depth > 0) continue
      if (CLAUSE_END.has(w!) || t[i]!.text === ';') break
      if (w === 'BETWEEN') between = true
      else if (w === 'OR') anyOr = true
      else if (w === 'AND') {
        if (between) between = false
        else {
          cut(i)
          start = i + 1
        }
      }
    }
    if (start < i) cut(i)
    // A top-level OR makes the WHERE one condition: only as a whole can it choose partitions.
    if (anyOr) conjuncts.splice(0, conjuncts.length, conjuncts.join(' AND '))
  }
  return {table: parts, fromStart, fromEnd, alias, conjuncts}
}

const WORDS = new Set(['AND', 'OR', 'NOT', 'IN', 'BETWEEN', 'IS', 'NULL', 'LIKE', 'TRUE', 'FALSE', 'CAST', 'AS', 'DATE', 'INTERVAL', 'CASE', 'WHEN', 'THEN', 'ELSE', 'END', 'ESCAPE', 'VARCHAR', 'BIGINT', 'INTEGER', 'DAY', 'HOUR'])

/** The column names a condition refers to (first part of a dotted path; functions and keywords left out). */
export function columnsIn(cond: string): Set<string> {
  const t = tokens(cond)
  const out = new Set<string>()
  for (let i = 0; i < t.length; i++) {
    const tok = t[i]!
    if (t[i - 1]?.text === '.') continue
    if (tok.text.startsWith('"')) out.add(unquote(tok.text))
    else if (/^[A-Za-z_]/.test(tok.text)) {
      const w = tok.text.toUpperCase()
      if (t[i + 1]?.text === '(') continue
      if (w === 'TIMESTAMP' && t[i + 1]?.text.startsWith("'")) continue
      if (WORDS.has(w)) continue
      out.add(tok.text.toLowerCase())
    }
  }
  return out
}

/** `col = 'v'` or `col IN ('a', 'b')`: the static values an injected partition needs; undefined otherwise. */
export function staticValues(cond: string, column: string): string[] | undefined {
  const t = tokens(cond)
  if (!t.length || unquote(t[0]!.text) !== column) return undefined
  const lit = (x: Token | undefined) => (x && x.text.startsWith("'") ? x.text.slice(1, -1).replace(/''/g, "'") : undefined)
  if (t[1]?.text === '=' && t.length === 3) {
    const v = lit(t[2])
    return v === undefined ? undefined : [v]
  }
  if (up(t[1]) !== 'IN' || t[2]?.text !== '(' || t.at(-1)?.text !== ')') return undefined
  const values: string[] = []
  for (let i = 3; i < t.length - 1; i += 2) {
    const v = lit(t[i])
    if (v === undefined || ![',', ')'].includes(t[i + 1]!.text)) return undefined
    values.push(v)
  }
  return values
}
