// Every SQL text lockdown sends to Athena, in one module (tests pin it): the CloudTrail table DDL with
// partition projection for the trail bucket's layout, as AWS documents it ("Create the table for
// CloudTrail logs in Athena using partition projection"), and the forensic query in Trino's dialect with
// the window and partitions in WHERE (so Athena prunes by partition and scans only those days), event
// names, key ids and user names pushed down as the other sources do. Values are checked, not escaped:
// anything outside the characters ARNs, key ids and event names use is refused.
import {InvalidInputError} from '../../errors.js'
import type {TrailQuery} from '../sources/types.js'

/** Where the trail's objects are: s3://bucket/[prefix/]AWSLogs/[o-org/]<account>/CloudTrail/<region>/yyyy/MM/dd/. */
export interface TableLayout {
  bucket: string
  prefix?: string
  /** An organization trail puts every account under AWSLogs/<org id>/. */
  orgId?: string
  /** Accounts as an enum partition; none: account is injected (each query names its accounts). */
  accounts?: string[]
  regions: string[]
  /** First day projected, yyyy/MM/dd. */
  since: string
}

/** The commercial regions CloudTrail delivers from (the region partition's enum). */
export const TRAIL_REGIONS = [
  'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'af-south-1', 'ap-east-1', 'ap-south-1', 'ap-south-2', 'ap-southeast-1',
  'ap-southeast-2', 'ap-southeast-3', 'ap-southeast-4', 'ap-southeast-5', 'ap-southeast-7', 'ap-northeast-1', 'ap-northeast-2',
  'ap-northeast-3', 'ca-central-1', 'ca-west-1', 'eu-central-1', 'eu-central-2', 'eu-west-1', 'eu-west-2', 'eu-west-3', 'eu-south-1',
  'eu-south-2', 'eu-north-1', 'il-central-1', 'me-south-1', 'me-central-1', 'mx-central-1', 'sa-east-1',
]

const SAFE = /^[A-Za-z0-9_.@+=,:/-]+$/
const IDENT = /^[a-z_][a-z0-9_]*$/

function value(v: string, what: string): string {
  if (!SAFE.test(v)) throw new InvalidInputError(`Refusing ${what} '${v}' in an Athena query: unexpected characters`)
  return `'${v}'`
}
const list = (vs: string[], what: string) => vs.map((v) => value(v, what)).join(', ')

/** A database or table name as Athena takes it unquoted (lowercase letters, digits, underscore). */
export function identifier(name: string, what: string): string {
  if (!IDENT.test(name)) throw new InvalidInputError(`Not an Athena ${what} name: '${name}' (lowercase letters, digits and _; starts with a letter or _)`, [], {next: 'lockdown trail athena setup --help'})
  return name
}

/** `db.table` → its two names, checked. */
export function tableRef(table: string): {database: string; table: string} {
  const parts = table.split('.')
  if (parts.length !== 2) throw new InvalidInputError(`--table takes database.table, not '${table}'`, [], {next: 'lockdown trail athena setup --bucket <trail bucket>   # prints the table it creates'})
  return {database: identifier(parts[0]!, 'database'), table: identifier(parts[1]!, 'table')}
}

export const createDatabaseSql = (database: string) => `CREATE DATABASE IF NOT EXISTS ${identifier(database, 'database')}`

function root(l: TableLayout): string {
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(l.bucket)) throw new InvalidInputError(`Not an S3 bucket name: '${l.bucket}'`, [], {next: 'aws s3 ls   # the trail bucket is named in: aws cloudtrail describe-trails'})
  const prefix = (l.prefix ?? '').replace(/^\/+|\/+$/g, '')
  if (prefix && !SAFE.test(prefix)) throw new InvalidInputError(`Refusing S3 prefix '${prefix}': unexpected characters`)
  if (l.orgId !== undefined && !/^o-[a-z0-9]{10,32}$/.test(l.orgId)) throw new InvalidInputError(`Not an organization id: '${l.orgId}' (o- and 10 to 32 lowercase letters or digits)`, [], {next: 'aws organizations describe-organization'})
  return `s3://${l.bucket}/${prefix ? `${prefix}/` : ''}AWSLogs/${l.orgId ? `${l.orgId}/` : ''}`
}

/**
 * The CloudTrail table, columns as AWS's documented table (plus sessionContext.sourceIdentity, which
 * chains follow), partitioned by account, region and day with projection: no crawler, no MSCK REPAIR, no
 * ALTER TABLE ADD PARTITION. IF NOT EXISTS makes it safe to run again.
 */
export function createTableSql(database: string, table: string, l: TableLayout): string {
  const location = root(l)
  for (const a of l.accounts ?? []) if (!/^\d{12}$/.test(a)) throw new InvalidInputError(`Not an account id: '${a}'`)
  for (const r of l.regions) if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(r)) throw new InvalidInputError(`Not a region: '${r}'`)
  if (!/^\d{4}\/\d\d\/\d\d$/.test(l.since)) throw new InvalidInputError(`The first projected day is yyyy/MM/dd, not '${l.since}'`)
  const account = l.accounts?.length
    ? [`'projection.account.type'='enum'`, `'projection.account.values'='${l.accounts.join(',')}'`]
    : [`'projection.account.type'='injected'`]
  return `CREATE EXTERNAL TABLE IF NOT EXISTS ${identifier(database, 'database')}.${identifier(table, 'table')} (
  eventversion STRING,
  useridentity STRUCT<
    type: STRING, principalid: STRING, arn: STRING, accountid: STRING, invokedby: STRING, accesskeyid: STRING, username: STRING,
    onbehalfof: STRUCT<userid: STRING, identitystorearn: STRING>,
    sessioncontext: STRUCT<
      attributes: STRUCT<mfaauthenticated: STRING, creationdate: STRING>,
      sessionissuer: STRUCT<type: STRING, principalid: STRING, arn: STRING, accountid: STRING, username: STRING>,
      ec2roledelivery: STRING,
      sourceidentity: STRING,
      webidfederationdata: STRUCT<federatedprovider: STRING, attributes: MAP<STRING, STRING>>>>,
  eventtime STRING,
  eventsource STRING,
  eventname STRING,
  awsregion STRING,
  sourceipaddress STRING,
  useragent STRING,
  errorcode STRING,
  errormessage STRING,
  requestparameters STRING,
  responseelements STRING,
  additionaleventdata STRING,
  requestid STRING,
  eventid STRING,
  readonly STRING,
  resources ARRAY<STRUCT<arn: STRING, accountid: STRING, type: STRING>>,
  eventtype STRING,
  apiversion STRING,
  recipientaccountid STRING,
  serviceeventdetails STRING,
  sharedeventid STRING,
  vpcendpointid STRING,
  eventcategory STRING,
  tlsdetails STRUCT<tlsversion: STRING, ciphersuite: STRING, clientprovidedhostheader: STRING>
)
COMMENT 'CloudTrail logs in ${location} (lockdown trail athena setup)'
PARTITIONED BY (account STRING, region STRING, \`timestamp\` STRING)
ROW FORMAT SERDE 'org.apache.hive.hcatalog.data.JsonSerDe'
STORED AS INPUTFORMAT 'com.amazon.emr.cloudtrail.CloudTrailInputFormat'
OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat'
LOCATION '${location}'
TBLPROPERTIES (
  'projection.enabled'='true',
  ${account.join(',\n  ')},
  'projection.region.type'='enum',
  'projection.region.values'='${l.regions.join(',')}',
  'projection.timestamp.type'='date',
  'projection.timestamp.format'='yyyy/MM/dd',
  'projection.timestamp.range'='${l.since},NOW',
  'projection.timestamp.interval'='1',
  'projection.timestamp.interval.unit'='DAYS',
  'storage.location.template'='${location}\${account}/CloudTrail/\${region}/\${timestamp}'
)`
}

/** The partition columns a table has, by the names lockdown's table (or AWS's documented one) uses. */
export interface TablePartitions {
  account?: string
  region?: string
  day?: string
  /** The account column is injected: every query must name its accounts. */
  accountInjected?: boolean
}

/** The question, with what scopes it to partitions. */
export interface AthenaQuestion extends TrailQuery {
  accounts?: string[]
  regions?: string[]
}

/**
 * The columns the source reads back: flat identity fields, and requestParameters, responseElements and
 * additionalEventData whole (JSON text in the table), so each record normalizes exactly as from a file.
 */
export const SELECT_COLUMNS: Array<[alias: string, expr: string]> = [
  ['eventid', 'eventid'],
  ['eventtime', 'eventtime'],
  ['eventname', 'eventname'],
  ['eventsource', 'eventsource'],
  ['awsregion', 'awsregion'],
  ['sourceipaddress', 'sourceipaddress'],
  ['useragent', 'useragent'],
  ['errorcode', 'errorcode'],
  ['recipientaccountid', 'recipientaccountid'],
  ['sharedeventid', 'sharedeventid'],
  ['ui_type', 'useridentity.type'],
  ['ui_arn', 'useridentity.arn'],
  ['ui_principalid', 'useridentity.principalid'],
  ['ui_accountid', 'useridentity.accountid'],
  ['ui_accesskeyid', 'useridentity.accesskeyid'],
  ['ui_username', 'useridentity.username'],
  ['ui_invokedby', 'useridentity.invokedby'],
  ['sc_creationdate', 'useridentity.sessioncontext.attributes.creationdate'],
  ['sc_mfa', 'useridentity.sessioncontext.attributes.mfaauthenticated'],
  ['sc_issuer_arn', 'useridentity.sessioncontext.sessionissuer.arn'],
  ['sc_issuer_type', 'useridentity.sessioncontext.sessionissuer.type'],
  ['sc_issuer_username', 'useridentity.sessioncontext.sessionissuer.username'],
  ['sc_sourceidentity', 'useridentity.sessioncontext.sourceidentity'],
  ['sc_ec2roledelivery', 'useridentity.sessioncontext.ec2roledelivery'],
  ['requestparameters', 'requestparameters'],
  ['responseelements', 'responseelements'],
  ['additionaleventdata', 'additionaleventdata'],
]

const DAY_MS = 86_400_000
/** Past any trail's last day (a window 'until' far in the future stays a valid date in SQL). */
const LAST = Date.UTC(9999, 11, 30)
const day = (ms: number) => new Date(Math.max(ms, 0)).toISOString().slice(0, 10).replace(/-/g, '/')
const iso = (ms: number) => new Date(Math.max(ms, 0)).toISOString()

/**
 * The partition predicates alone: the days of the window (a log file sits in the folder of the day it
 * was delivered, up to about 15 minutes after its last event, so the day after the window's end is read
 * too), and the accounts and regions asked for.
 */
export function partitionPredicates(p: TablePartitions, q: AthenaQuestion): string[] {
  const where: string[] = []
  if (p.day) where.push(`"${p.day}" BETWEEN '${day(q.start)}' AND '${day(Math.min(q.end, LAST) + DAY_MS)}'`)
  if (p.account && q.accounts?.length) where.push(`${p.account} IN (${list(q.accounts, 'account id')})`)
  else if (p.accountInjected) throw new InvalidInputError(`The table's ${p.account} partition is injected: name the accounts to read`, [], {next: 'lockdown trail chains --source athena --table DB.TABLE --accounts 111122223333,…'})
  if (p.region && q.regions?.length) where.push(`${p.region} IN (${list(q.regions, 'region')})`)
  return where
}

/** The forensic query: one SELECT, partitions first, then the window and what the question pushes down. */
export function athenaSql(table: string, p: TablePartitions, q: AthenaQuestion): string {
  const {database, table: name} = tableRef(table)
  const where = [
    ...partitionPredicates(p, q),
    `from_iso8601_timestamp(eventtime) BETWEEN from_iso8601_timestamp('${iso(q.start)}') AND from_iso8601_timestamp('${iso(Math.min(q.end, LAST))}')`,
  ]
  if (q.eventNames) where.push(`eventname IN (${list(q.eventNames, 'event name')})`)
  if (q.accessKeyIds) where.push(`useridentity.accesskeyid IN (${list(q.accessKeyIds, 'access key id')})`)
  if (q.userNames) where.push(`useridentity.username IN (${list(q.userNames, 'user name')})`)
  return `SELECT ${SELECT_COLUMNS.map(([alias, expr]) => (alias === expr ? expr : `${expr} AS ${alias}`)).join(', ')}\nFROM ${database}.${name}\nWHERE ${where.join('\n  AND ')}`
}
