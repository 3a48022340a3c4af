// `lockdown trail athena setup`: the database and the CloudTrail table with partition projection for
// the trail bucket's layout. Printed always; created only when asked. Idempotent: an existing table is
// detected first (GetTableMetadata) and left as it is, and the DDL says IF NOT EXISTS anyway.
import {athenaTable, type AthenaClient} from '../../aws/athena.js'
import {classifyAwsError} from '../../aws/errors.js'
import {LockdownError, EXIT} from '../../errors.js'
import {runToEnd} from './run.js'
import {createDatabaseSql, createTableSql, type TableLayout} from './sql.js'

export interface SetupRequest extends TableLayout {
  database: string
  table: string
  workgroup?: string
  outputLocation?: string
}

export interface SetupResult {
  database: string
  table: string
  /** The statements, in the order they run. */
  sql: string[]
  /** 'printed' (no --yes), 'created', or 'exists' (found, left as it was). */
  outcome: 'printed' | 'created' | 'exists'
  /** Where an existing table's objects are, when it differs from what this layout would make. */
  existingTemplate?: string
  queryIds: string[]
}

export function setupStatements(r: SetupRequest): string[] {
  return [createDatabaseSql(r.database), createTableSql(r.database, r.table, r)]
}

/** The existing table's location template, or undefined when there is no such table (or database). */
async function existing(client: AthenaClient, r: SetupRequest, signal?: AbortSignal): Promise<string | undefined> {
  try {
    const t = await athenaTable(client, r.database, r.table, signal)
    return t.parameters['storage.location.template'] ?? t.parameters.location ?? ''
  } catch (e) {
    if (classifyAwsError(e).code === 'MetadataException') return undefined
    throw e
  }
}

export async function setupTable(client: AthenaClient | undefined, r: SetupRequest, o: {pollMs?: number; signal?: AbortSignal} = {}): Promise<SetupResult> {
  const sql = setupStatements(r)
  const base = {database: r.database, table: r.table, sql, queryIds: [] as string[]}
  if (!client) return {...base, outcome: 'printed'}
  const template = await existing(client, r, o.signal)
  const wanted = /'storage\.location\.template'='([^']+)'/.exec(sql[1]!)![1]!
  if (template !== undefined) return {...base, outcome: 'exists', ...(template !== wanted ? {existingTemplate: template} : {})}
  for (const statement of sql) {
    const done = await runToEnd(client, {sql: statement, workgroup: r.workgroup, outputLocation: r.outputLocation}, {pollMs: o.pollMs ?? 250, signal: o.signal})
    base.queryIds.push(done.id)
    if (done.state !== 'SUCCEEDED') {
      throw new LockdownError(`Athena ${statement.split(' (')[0]} ${done.state} (query ${done.id}): ${done.reason ?? 'no reason given'}`, EXIT.invalid, {
        next: `aws athena get-query-execution --query-execution-id ${done.id}`,
      })
    }
  }
  return {...base, outcome: 'created'}
}
