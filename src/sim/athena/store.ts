// The simulated Athena's state (workgroups, the Glue catalog's databases and tables, executions) and
// the calls that read or configure it without running a query: Create/Get/UpdateWorkGroup (result
// location, BytesScannedCutoffPerQuery with AWS's 10 MB floor), GetDatabase, GetTableMetadata.
import type {OpContext, OpTable} from '../ops.js'
import type {Params} from '../protocol/form.js'
import {requestContext} from '../authz.js'
import {AwsError} from '../errors.js'
import type {TableDef} from './ddl.js'
import type {Execution} from './execute.js'

export interface WorkgroupConfig {
  ResultConfiguration?: {OutputLocation?: string}
  BytesScannedCutoffPerQuery?: number
  EnforceWorkGroupConfiguration?: boolean
}

export interface Workgroup {
  name: string
  state: 'ENABLED' | 'DISABLED'
  created: number
  description?: string
  config: WorkgroupConfig
}

export interface AthenaStore {
  workgroups: Map<string, Workgroup>
  databases: Set<string>
  /** `db.table` → definition. */
  tables: Map<string, TableDef>
  executions: Map<string, Execution>
  /** ClientRequestToken → execution id (idempotent starts). */
  tokens: Map<string, string>
}

/** AWS refuses a per-query cutoff under 10 MB. */
export const MIN_CUTOFF = 10_000_000

const invalid = (m: string) => new AwsError('InvalidRequestException', m, 400)

export const workgroupArn = (ctx: OpContext, name: string) => `arn:aws:athena:${ctx.region}:${ctx.sim.account.id}:workgroup/${name}`

/** Athena's catalog operations are authorized on the data catalog (AwsDataCatalog: the account's Glue catalog). */
const catalogArn = (p: Params, ctx: OpContext) => `arn:aws:athena:${ctx.region}:${ctx.sim.account.id}:datacatalog/${String(p.CatalogName ?? 'AwsDataCatalog')}`

/**
 * The Glue Data Catalog resources a database or table read is checked on, as Glue checks them: the
 * catalog, the database, and the table (a policy must allow every level).
 */
export function glueArns(region: string, account: string, db: string, table?: string): string[] {
  const base = `arn:aws:glue:${region}:${account}`
  return [`${base}:catalog`, `${base}:database/${db}`, ...(table === undefined ? [] : [`${base}:table/${db}/${table}`])]
}

/**
 * Athena reads the Glue catalog with the caller's own identity: each action on each level, or the call
 * fails as Athena reports a Glue denial (a MetadataException carrying Glue's AccessDeniedException).
 */
async function glueReads(ctx: OpContext, actions: string[], db: string, table?: string): Promise<void> {
  for (const action of actions) {
    for (const resource of glueArns(ctx.region, ctx.sim.account.id, db, table)) {
      try {
        await ctx.sim.authz.check(ctx.caller, action, resource, requestContext(ctx.sim.account, ctx.caller, ctx.now, ctx.region))
      } catch (e) {
        if (!(e instanceof AwsError)) throw e
        throw new AwsError('MetadataException', `${e.message} (Service: AWSGlue; Status Code: 400; Error Code: AccessDeniedException)`, 400)
      }
    }
  }
}

function cutoff(v: unknown): number | undefined {
  if (v === undefined) return undefined
  const n = Number(v)
  if (!Number.isInteger(n) || n < MIN_CUTOFF) throw invalid(`1 validation error detected: Value '${v}' at 'configuration.bytesScannedCutoffPerQuery' failed to satisfy constraint: Member must have value greater than or equal to ${MIN_CUTOFF}`)
  return n
}

function describeWorkgroup(w: Workgroup) {
  return {
    Name: w.name,
    State: w.state,
    Description: w.description,
    CreationTime: w.created / 1000,
    Configuration: {
      ...(w.config.ResultConfiguration ? {ResultConfiguration: w.config.ResultConfiguration} : {}),
      EnforceWorkGroupConfiguration: w.config.EnforceWorkGroupConfiguration ?? false,
      PublishCloudWatchMetricsEnabled: false,
      ...(w.config.BytesScannedCutoffPerQuery !== undefined ? {BytesScannedCutoffPerQuery: w.config.BytesScannedCutoffPerQuery} : {}),
      RequesterPaysEnabled: false,
      EngineVersion: {SelectedEngineVersion: 'AUTO', EffectiveEngineVersion: 'Athena engine version 3'},
    },
  }
}

const hiveType = (t: TableDef['columns'][number]['type']): string =>
  t.k === 'prim' ? t.name : t.k === 'array' ? `array<${hiveType(t.of)}>` : t.k === 'map' ? `map<${hiveType(t.key)},${hiveType(t.value)}>` : `struct<${t.fields.map((f) => `${f.name}:${hiveType(f.type)}`).join(',')}>`

export function catalogOps(store: AthenaStore): OpTable {
  const named = (p: Params) => {
    const name = String(p.WorkGroup ?? '')
    const w = store.workgroups.get(name)
    if (!w) throw invalid(`WorkGroup ${name} is not found.`)
    return w
  }
  const res = (p: Params, ctx: OpContext) => workgroupArn(ctx, String(p.WorkGroup ?? p.Name ?? 'primary'))
  return {
    CreateWorkGroup: {
      readOnly: false,
      resource: res,
      handle(p, ctx) {
        const name = String(p.Name ?? '')
        if (!/^[a-zA-Z0-9._-]{1,128}$/.test(name)) throw invalid(`1 validation error detected: Value '${name}' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9._-]{1,128}`)
        if (store.workgroups.has(name)) throw invalid('WorkGroup is already created')
        const c = (p.Configuration ?? {}) as WorkgroupConfig
        store.workgroups.set(name, {
          name,
          state: 'ENABLED',
          created: ctx.now,
          description: typeof p.Description === 'string' ? p.Description : undefined,
          config: {ResultConfiguration: c.ResultConfiguration, BytesScannedCutoffPerQuery: cutoff(c.BytesScannedCutoffPerQuery), EnforceWorkGroupConfiguration: c.EnforceWorkGroupConfiguration},
        })
        return {}
      },
    },
    GetWorkGroup: {readOnly: true, resource: res, handle: (p) => ({WorkGroup: describeWorkgroup(named(p))})},
    UpdateWorkGroup: {
      readOnly: false,
      resource: res,
      handle(p) {
        const w = named(p)
        const u = (p.ConfigurationUpdates ?? {}) as {BytesScannedCutoffPerQuery?: number; RemoveBytesScannedCutoffPerQuery?: boolean; ResultConfigurationUpdates?: {OutputLocation?: string; RemoveOutputLocation?: boolean}; EnforceWorkGroupConfiguration?: boolean}
        if (u.BytesScannedCutoffPerQuery !== undefined) w.config.BytesScannedCutoffPerQuery = cutoff(u.BytesScannedCutoffPerQuery)
        if (u.RemoveBytesScannedCutoffPerQuery) delete w.config.BytesScannedCutoffPerQuery
        if (u.ResultConfigurationUpdates?.OutputLocation) w.config.ResultConfiguration = {OutputLocation: u.ResultConfigurationUpdates.OutputLocation}
        if (u.ResultConfigurationUpdates?.RemoveOutputLocation) delete w.config.ResultConfiguration
        if (u.EnforceWorkGroupConfiguration !== undefined) w.config.EnforceWorkGroupConfiguration = u.EnforceWorkGroupConfiguration
        if (p.State === 'ENABLED' || p.State === 'DISABLED') w.state = p.State
        return {}
      },
    },
    GetDatabase: {
      readOnly: true,
      resource: catalogArn,
      async handle(p, ctx) {
        const name = String(p.DatabaseName ?? '').toLowerCase()
        await glueReads(ctx, ['glue:GetDatabase'], name)
        if (!store.databases.has(name)) throw new AwsError('MetadataException', `Database ${name} not found.`, 400)
        return {Database: {Name: name, Parameters: {}}}
      },
    },
    GetTableMetadata: {
      readOnly: true,
      resource: catalogArn,
      async handle(p, ctx) {
        const db = String(p.DatabaseName ?? '').toLowerCase()
        const name = String(p.TableName ?? '').toLowerCase()
        await glueReads(ctx, ['glue:GetTable'], db, name)
        if (!store.databases.has(db)) throw new AwsError('MetadataException', `Database ${db} not found.`, 400)
        const t = store.tables.get(`${db}.${name}`)
        if (!t) throw new AwsError('MetadataException', `Table ${name} not found in database ${db}.`, 400)
        return {
          TableMetadata: {
            Name: t.name,
            TableType: 'EXTERNAL_TABLE',
            Columns: t.columns.map((c) => ({Name: c.name, Type: hiveType(c.type)})),
            PartitionKeys: t.partitions.map((c) => ({Name: c.name, Type: hiveType(c.type)})),
            Parameters: {...t.properties, EXTERNAL: 'TRUE', location: t.location, ...(t.serde ? {'serde.serialization.lib': t.serde} : {}), ...(t.inputFormat ? {inputformat: t.inputFormat} : {})},
          },
        }
      },
    },
  }
}
