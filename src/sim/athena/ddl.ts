// The Hive DDL Athena sends to the Glue catalog, the part a CloudTrail table uses: CREATE DATABASE,
// CREATE EXTERNAL TABLE (columns with Hive types, PARTITIONED BY, ROW FORMAT SERDE, STORED AS, LOCATION,
// TBLPROPERTIES), DROP TABLE. DDL is not Trino: Athena hands it to Hive, which is why it has a parser of
// its own here, and why SELECTs never come through it (DuckDB runs those, see engine.ts).

export type HiveType =
  | {k: 'prim'; name: string}
  | {k: 'struct'; fields: Array<{name: string; type: HiveType}>}
  | {k: 'array'; of: HiveType}
  | {k: 'map'; key: HiveType; value: HiveType}

export interface Column {
  name: string
  type: HiveType
}

export interface TableDef {
  database: string
  name: string
  columns: Column[]
  partitions: Column[]
  location: string
  serde?: string
  inputFormat?: string
  properties: Record<string, string>
  comment?: string
}

export type Ddl =
  | {kind: 'create-database'; name: string; ifNotExists: boolean}
  | {kind: 'create-table'; ifNotExists: boolean; table: Omit<TableDef, 'database'> & {database?: string}}
  | {kind: 'drop-table'; ifExists: boolean; database?: string; name: string}

/** A DDL failure as Athena reports it: the query FAILED with this reason (not an API error). */
export class DdlError extends Error {}

const PRIMS = new Set(['string', 'varchar', 'char', 'boolean', 'tinyint', 'smallint', 'int', 'integer', 'bigint', 'float', 'double', 'decimal', 'date', 'timestamp', 'binary'])

function tokenize(sql: string): string[] {
  const out: string[] = []
  const re = /\s*(--[^\n]*|'(?:[^'\\]|\\.|'')*'|"(?:[^"\\]|\\.)*"|`[^`]*`|[A-Za-z_][\w$]*|\d+|[(),:<>=.;])/y
  let i = 0
  while (i < sql.length) {
    re.lastIndex = i
    const m = re.exec(sql)
    if (!m) {
      if (!sql.slice(i).trim()) break
      throw new DdlError(`line 1:${i + 1}: mismatched input '${sql.slice(i, i + 10)}'`)
    }
    i = re.lastIndex
    if (!m[1]!.startsWith('--')) out.push(m[1]!)
  }
  while (out.at(-1) === ';') out.pop()
  return out
}

const unquote = (t: string) => (/^['"`]/.test(t) ? t.slice(1, -1).replace(/''/g, "'").replace(/\\(.)/g, '$1') : t)
const isString = (t: string | undefined) => t !== undefined && /^['"]/.test(t)

export function isDdl(sql: string): boolean {
  return /^\s*(CREATE|DROP)\s+(EXTERNAL\s+TABLE|TABLE|DATABASE|SCHEMA)\b/i.test(sql)
}

export function parseDdl(sql: string): Ddl {
  const t = tokenize(sql)
  let p = 0
  const peek = (o = 0) => t[p + o]
  const is = (w: string, o = 0) => peek(o)?.toUpperCase() === w
  const eat = (w?: string) => {
    const tok = t[p++]
    if (tok === undefined || (w && tok.toUpperCase() !== w)) throw new DdlError(`line 1:1: mismatched input '${tok ?? '<EOF>'}'. Expecting: '${w ?? 'more input'}'`)
    return tok
  }
  const ident = () => {
    const tok = eat()
    if (isString(tok) && !tok.startsWith('"')) throw new DdlError(`line 1:1: mismatched input '${tok}'. Expecting: an identifier`)
    return unquote(tok).toLowerCase()
  }
  const qualified = () => {
    const first = ident()
    if (peek() !== '.') return {name: first}
    eat('.')
    return {database: first, name: ident()}
  }
  const ifClause = (w: 'NOT' | 'EXISTS') => {
    if (!is('IF')) return false
    eat('IF')
    if (w === 'NOT') eat('NOT')
    eat('EXISTS')
    return true
  }
  const type = (): HiveType => {
    const name = eat().toLowerCase()
    if (name === 'struct') {
      eat('<')
      const fields: Array<{name: string; type: HiveType}> = []
      while (peek() !== '>') {
        const f = ident()
        eat(':')
        fields.push({name: f, type: type()})
        if (peek() === ',') eat(',')
      }
      eat('>')
      return {k: 'struct', fields}
    }
    if (name === 'array') {
      eat('<')
      const of = type()
      eat('>')
      return {k: 'array', of}
    }
    if (name === 'map') {
      eat('<')
      const key = type()
      eat(',')
      const value = type()
      eat('>')
      return {k: 'map', key, value}
    }
    if (!PRIMS.has(name)) throw new DdlError(`line 1:1: Unknown type '${name}'`)
    if (peek() === '(') {
      // decimal(10,2), varchar(65535): the precision does not change what is read here.
      while (eat() !== ')');
    }
    return {k: 'prim', name}
  }
  const columns = (): Column[] => {
    eat('(')
    const cols: Column[] = []
    while (peek() !== ')') {
      const name = ident()
      cols.push({name, type: type()})
      if (is('COMMENT')) (eat('COMMENT'), eat())
      if (peek() === ',') eat(',')
    }
    eat(')')
    return cols
  }

  eat(is('DROP') ? 'DROP' : 'CREATE')
  const dropping = t[0]!.toUpperCase() === 'DROP'
  if (is('DATABASE') || is('SCHEMA')) {
    if (dropping) throw new DdlError('DROP DATABASE is not supported by the simulator')
    eat()
    const ifNotExists = ifClause('NOT')
    const name = ident()
    while (p < t.length) eat() // COMMENT, LOCATION, WITH DBPROPERTIES: accepted, not kept
    return {kind: 'create-database', name, ifNotExists}
  }
  if (dropping) {
    eat('TABLE')
    const ifExists = ifClause('EXISTS')
    const q = qualified()
    if (p < t.length) throw new DdlError(`line 1:1: extraneous input '${peek()}'`)
    return {kind: 'drop-table', ifExists, ...q}
  }
  if (!is('EXTERNAL')) throw new DdlError('Only external tables can be created in Athena over S3: CREATE EXTERNAL TABLE')
  eat('EXTERNAL')
  eat('TABLE')
  const ifNotExists = ifClause('NOT')
  const q = qualified()
  const table: Omit<TableDef, 'database'> & {database?: string} = {...q, columns: columns(), partitions: [], location: '', properties: {}}
  while (p < t.length) {
    if (is('COMMENT')) (eat(), (table.comment = unquote(eat())))
    else if (is('PARTITIONED')) (eat(), eat('BY'), (table.partitions = columns()))
    else if (is('ROW')) {
      eat()
      eat('FORMAT')
      eat('SERDE')
      table.serde = unquote(eat())
      if (is('WITH')) (eat(), eat('SERDEPROPERTIES'), skipParens())
    } else if (is('STORED')) {
      eat()
      eat('AS')
      if (is('INPUTFORMAT')) {
        eat()
        table.inputFormat = unquote(eat())
        eat('OUTPUTFORMAT')
        eat()
      } else eat()
    } else if (is('LOCATION')) (eat(), (table.location = unquote(eat())))
    else if (is('TBLPROPERTIES')) {
      eat()
      eat('(')
      while (peek() !== ')') {
        const k = unquote(eat())
        eat('=')
        table.properties[k] = unquote(eat())
        if (peek() === ',') eat(',')
      }
      eat(')')
    } else throw new DdlError(`line 1:1: mismatched input '${peek()}'`)
  }
  if (!table.location.startsWith('s3://')) throw new DdlError("FAILED: SemanticException Can not create a table without LOCATION 's3://…' in Athena")
  const names = new Set<string>()
  for (const c of [...table.columns, ...table.partitions]) {
    if (names.has(c.name)) throw new DdlError(`FAILED: SemanticException [Error 10036]: Duplicate column name: ${c.name}`)
    names.add(c.name)
  }
  return {kind: 'create-table', ifNotExists, table}

  function skipParens() {
    let depth = 0
    do {
      const tok = eat()
      if (tok === '(') depth++
      if (tok === ')') depth--
    } while (depth > 0)
  }
}

/** What DuckDB's read_json is told each column is. CloudTrail's keys are camelCase, Hive's names lowercase. */
export function duckType(t: HiveType, parent = ''): string {
  if (t.k === 'prim') return PRIM_DUCK[t.name] ?? 'VARCHAR'
  if (t.k === 'array') return `${duckType(t.of, parent)}[]`
  if (t.k === 'map') return `MAP(${duckType(t.key)}, ${duckType(t.value)})`
  return `STRUCT(${t.fields.map((f) => `"${recordKey(f.name, parent)}" ${duckType(f.type, f.name)}`).join(', ')})`
}

// A STRING column that holds an object in the file (requestParameters) reads as that object's JSON text,
// as Hive's JSON SerDe does: DuckDB turns a nested value into text when asked for VARCHAR.
const PRIM_DUCK: Record<string, string> = {
  string: 'VARCHAR', varchar: 'VARCHAR', char: 'VARCHAR', boolean: 'BOOLEAN', tinyint: 'TINYINT', smallint: 'SMALLINT',
  int: 'INTEGER', integer: 'INTEGER', bigint: 'BIGINT', float: 'FLOAT', double: 'DOUBLE', decimal: 'DOUBLE', date: 'DATE', timestamp: 'TIMESTAMP', binary: 'BLOB',
}

// Hive's JSON SerDe matches keys case-insensitively; DuckDB's JSON reader does not. These are the keys
// CloudTrail writes, so a lowercase column name finds its camelCase key (by parent where they differ).
const KEYS = [
  'eventVersion', 'userIdentity', 'principalId', 'accountId', 'invokedBy', 'accessKeyId', 'userName', 'onBehalfOf', 'userId',
  'identityStoreArn', 'sessionContext', 'mfaAuthenticated', 'creationDate', 'sessionIssuer', 'ec2RoleDelivery', 'webIdFederationData',
  'federatedProvider', 'sourceIdentity', 'credentialId', 'eventTime', 'eventSource', 'eventName', 'awsRegion', 'sourceIPAddress',
  'userAgent', 'errorCode', 'errorMessage', 'requestParameters', 'responseElements', 'additionalEventData', 'requestID', 'eventID',
  'readOnly', 'eventType', 'apiVersion', 'managementEvent', 'recipientAccountId', 'serviceEventDetails', 'sharedEventID',
  'vpcEndpointId', 'vpcEndpointAccountId', 'eventCategory', 'tlsDetails', 'tlsVersion', 'cipherSuite', 'clientProvidedHostHeader',
  'sessionCredentialFromConsole', 'edgeDeviceDetails', 'insightDetails', 'assumedRoot', 'inScopeOf', 'issuerType', 'issuerAccountId',
]
const BY_LOWER = new Map(KEYS.map((k) => [k.toLowerCase(), k]))

export function recordKey(name: string, parent: string): string {
  if (parent === 'resources' && name === 'arn') return 'ARN'
  return BY_LOWER.get(name) ?? name
}
