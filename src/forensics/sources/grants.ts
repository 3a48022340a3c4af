// What reading the trail bucket or Athena needs, scoped to the resources a question names: the source
// registry's `grants` for s3 and athena, in a module of its own so that `lockdown permissions`, `validate`
// and the preflight compute a policy without loading the sources and their SDK clients.
import {tableRef} from '../athena/sql.js'
import type {Grant, GrantScope, SourceValues} from './registry.js'
import {parseS3Url, type S3Location} from './s3-plan.js'

/** The bucket's list and its objects under the prefix (`*` while the bucket is a pending variable). */
export function s3Grants(v: SourceValues): Grant[] {
  // SSE-S3 needs nothing more; a trail
  // that encrypts its log files with a KMS key (the trail's KmsKeyId) also needs kms:Decrypt on it.
  const note = "A trail whose log files are SSE-KMS encrypted (the trail's KmsKeyId) also needs kms:Decrypt on that key (aws cloudtrail describe-trails)."
  let loc: S3Location | undefined
  try {
    loc = typeof v.path === 'string' && !v.path.includes('${') ? parseS3Url(v.path) : undefined
  } catch {
    loc = undefined
  }
  if (!loc) return [{actions: ['s3:ListBucket', 's3:GetObject'], resources: ['*'], note}]
  return [
    {actions: ['s3:ListBucket'], resources: [`arn:aws:s3:::${loc.bucket}`], note},
    {actions: ['s3:GetObject'], resources: [`arn:aws:s3:::${loc.bucket}/${loc.prefix}*`]},
  ]
}

/** What one question calls in Athena: the table's shape, then each query's lifecycle (Stop when interrupted). */
const QUERY_ACTIONS = ['athena:GetTableMetadata', 'athena:StartQueryExecution', 'athena:GetQueryExecution', 'athena:GetQueryResults', 'athena:StopQueryExecution']
/** Athena reads the Data Catalog with the caller's identity; GetPartitions for a partitioned table without projection. */
const GLUE_ACTIONS = ['glue:GetDatabase', 'glue:GetTable', 'glue:GetPartitions']

/** Every action an Athena read may call (`lockdown actions`, `trail --help`); athenaGrants scopes them. */
export const ATHENA_PERMISSIONS = [...QUERY_ACTIONS, 'athena:GetWorkGroup', ...GLUE_ACTIONS, 's3:GetBucketLocation', 's3:ListBucket', 's3:GetObject', 's3:PutObject']

const known = (v: unknown): v is string => typeof v === 'string' && v !== '' && !v.includes('${')

/**
 * Athena's documented needs for a query (Service Authorization Reference; Athena user guide, "Access to
 * databases and tables in the Glue Data Catalog", "Query results location"), scoped where the values name
 * the resource: the workgroup, the table (catalog → database → table, as Glue checks each), the results
 * location. The table's own bucket is in the catalog, unknown here: its reads stay on `*`.
 */
export function athenaGrants(v: SourceValues, where?: GrantScope): Grant[] {
  const region = where?.region ?? '*'
  const account = where?.account ?? '*'
  const workgroup = known(v.workgroup) ? v.workgroup : 'primary'
  let table: {database: string; table: string} | undefined
  try {
    table = known(v.table) ? tableRef(v.table) : undefined
  } catch {
    table = undefined
  }
  const glue = table
    ? [`arn:aws:glue:${region}:${account}:catalog`, `arn:aws:glue:${region}:${account}:database/${table.database}`, `arn:aws:glue:${region}:${account}:table/${table.database}/${table.table}`]
    : ['*']
  let output: {bucket: string; prefix: string} | undefined
  const out = v['athena-output']
  const m = known(out) ? /^s3:\/\/([^/]+)\/?(.*)$/.exec(out) : null
  if (m) output = {bucket: m[1]!, prefix: m[2] && !m[2].endsWith('/') ? `${m[2]}/` : (m[2] ?? '')}
  return [
    {actions: ['athena:GetTableMetadata'], resources: [`arn:aws:athena:${region}:${account}:datacatalog/AwsDataCatalog`]},
    {actions: [...QUERY_ACTIONS.slice(1), ...(known(v['max-scan']) ? ['athena:GetWorkGroup'] : [])], resources: [`arn:aws:athena:${region}:${account}:workgroup/${workgroup}`]},
    // Glue checks each level: GetDatabase the catalog and the database, GetTable/GetPartitions the table too.
    {actions: ['glue:GetDatabase'], resources: table ? glue.slice(0, 2) : glue},
    {actions: ['glue:GetTable', 'glue:GetPartitions'], resources: glue},
    {
      actions: ['s3:ListBucket', 's3:GetObject'],
      resources: ['*'],
      note: "Athena reads the table's bucket and writes its results with the caller's S3 permissions; SSE-KMS objects or results also need kms:Decrypt / kms:GenerateDataKey on their key.",
    },
    // The results location: Athena checks the bucket, writes the result file, and GetQueryResults reads it back.
    output
      ? {actions: ['s3:GetBucketLocation'], resources: [`arn:aws:s3:::${output.bucket}`]}
      : {actions: ['s3:GetBucketLocation'], resources: ['*']},
    output ? {actions: ['s3:PutObject', 's3:GetObject'], resources: [`arn:aws:s3:::${output.bucket}/${output.prefix}*`]} : {actions: ['s3:PutObject'], resources: ['*']},
  ]
}


/** What a forensics read with this source needs, or undefined for a source whose static permissions say it all. */
export function sourceGrants(kind: string, v: SourceValues, where?: GrantScope): Grant[] | undefined {
  if (kind === 's3') return s3Grants(v)
  if (kind === 'athena') return athenaGrants(v, where)
  return undefined
}
