// Athena over the organization's trail bucket as a source: the question becomes one SELECT whose WHERE
// names the partitions (days, accounts, regions) so Athena reads only those objects; results are paged
// through GetQueryResults (the first row is the header) back into records that normalize exactly as
// from a file, and the graph is built locally as for every source. Each query's id and the bytes it
// scanned are kept for the report line, with the cost at Athena's USD 5 per TB.
import {athenaResultsPage, athenaTable, athenaWorkgroup, type AthenaClient} from '../../aws/athena.js'
import {classifyAwsError} from '../../aws/errors.js'
import {getIdentity} from '../../aws/identity.js'
import {EXIT, InvalidInputError, LockdownError, PreflightError} from '../../errors.js'
import {athenaSql, tableRef, type TablePartitions} from '../athena/sql.js'
import {parseSize, scanCost, sizeText} from '../athena/cost.js'
import {runToEnd} from '../athena/run.js'
import {normalizeRecord, type TrailEvent} from '../event.js'
import type {Clock} from './rate.js'
import {athenaGrants, ATHENA_PERMISSIONS} from './grants.js'
import type {SourceDef} from './registry.js'
import {matchesQuery, type SourceStats, type TrailQuery, type TrailSource} from './types.js'

export interface AthenaSourceOptions {
  /** database.table */
  table: string
  client: () => Promise<AthenaClient>
  workgroup?: string
  outputLocation?: string
  accounts?: string[]
  regions?: string[]
  /** Most bytes one query may scan (--max-scan); held by the workgroup's cutoff or refused. */
  maxScan?: number
  /** The caller's account: what an injected account partition reads when no account is named. */
  callerAccount?: () => Promise<string>
  pollMs?: number
  clock?: Clock
}

export interface AthenaQueryRecord {
  id: string
  bytes: number
  rows: number
}

/** Flat result row (by column label) → the record shape normalizeRecord reads. */
export function athenaRowToRecord(r: Record<string, string | null>): Record<string, unknown> {
  const v = (k: string) => r[k] ?? undefined
  const json = (k: string) => {
    const t = r[k]
    if (t === null || t === undefined) return undefined
    try {
      return JSON.parse(t)
    } catch {
      return undefined
    }
  }
  return {
    eventID: v('eventid'),
    eventTime: v('eventtime'),
    eventName: v('eventname'),
    eventSource: v('eventsource'),
    awsRegion: v('awsregion'),
    sourceIPAddress: v('sourceipaddress'),
    userAgent: v('useragent'),
    errorCode: v('errorcode'),
    recipientAccountId: v('recipientaccountid'),
    sharedEventID: v('sharedeventid'),
    userIdentity: {
      type: v('ui_type'),
      arn: v('ui_arn'),
      principalId: v('ui_principalid'),
      accountId: v('ui_accountid'),
      accessKeyId: v('ui_accesskeyid'),
      userName: v('ui_username'),
      invokedBy: v('ui_invokedby'),
      sessionContext: {
        attributes: {creationDate: v('sc_creationdate'), mfaAuthenticated: v('sc_mfa')},
        sessionIssuer: {arn: v('sc_issuer_arn'), type: v('sc_issuer_type'), userName: v('sc_issuer_username')},
        sourceIdentity: v('sc_sourceidentity'),
        ec2RoleDelivery: v('sc_ec2roledelivery'),
      },
    },
    requestParameters: json('requestparameters'),
    responseElements: json('responseelements'),
    additionalEventData: json('additionaleventdata'),
  }
}

const DATE_COLUMNS = ['timestamp', 'date', 'day', 'dt']

interface Prepared {
  client: AthenaClient
  partitions: TablePartitions
  accounts?: string[]
  /** How --max-scan is held, for the report line. */
  guard?: string
  notes: string[]
}

export class AthenaSource implements TrailSource {
  readonly kind = 'athena'
  readonly indexed = true
  readonly queries: AthenaQueryRecord[] = []
  private readonly st: SourceStats = {calls: 0, events: 0, files: 0}
  private prepared?: Promise<Prepared>
  private notes: string[] = []
  private guard?: string

  constructor(private readonly opts: AthenaSourceOptions) {
    tableRef(opts.table) // a bad --table is exit 2 before any call
  }

  describe(): string {
    const bytes = this.queries.reduce((n, q) => n + q.bytes, 0)
    const ids = this.queries.map((q) => `${q.id} (${sizeText(q.bytes)})`).join(', ')
    const parts = [
      `Athena table ${this.opts.table} (workgroup ${this.opts.workgroup ?? 'primary'}): ${this.queries.length} quer${this.queries.length === 1 ? 'y' : 'ies'}${ids ? ` ${ids}` : ''}`,
      `${sizeText(bytes)} scanned, ${scanCost(this.queries.map((q) => q.bytes))}`,
      ...(this.guard ? [this.guard] : []),
      ...this.notes,
    ]
    return parts.join('; ')
  }

  stats(): SourceStats {
    return {...this.st}
  }

  private async prepare(signal?: AbortSignal): Promise<Prepared> {
    const client = await this.opts.client()
    const {database, table} = tableRef(this.opts.table)
    const workgroup = this.opts.workgroup ?? 'primary'
    this.st.calls++
    const shape = await athenaTable(client, database, table, signal).catch((e: unknown) => {
      // No such database or table; anything else (AccessDenied, throttling) is what it is. Athena reports
      // a Glue denial as a MetadataException too: that one is a missing permission, not a missing table.
      if (classifyAwsError(e).code !== 'MetadataException') throw e
      if (/AccessDeniedException|not authorized/.test((e as Error).message)) {
        throw new PreflightError(`Athena could not read table ${this.opts.table} from the Glue Data Catalog: ${(e as Error).message}`, {next: 'grant glue:GetTable and glue:GetDatabase on the catalog, database and table (lockdown permissions FILE prints them)'})
      }
      throw new InvalidInputError(`Athena has no table ${this.opts.table}: ${(e as Error).message}`, [], {next: 'lockdown trail athena setup --bucket <trail bucket> --yes   # creates it'})
    })
    const has = (k: string) => shape.partitionKeys.includes(k)
    const account = ['account', 'accountid', 'account_id'].find(has)
    const partitions: TablePartitions = {
      account,
      region: ['region', 'awsregion'].find(has),
      day: DATE_COLUMNS.find((k) => has(k) && shape.parameters[`projection.${k}.type`]?.trim() === 'date'),
      accountInjected: account !== undefined && shape.parameters[`projection.${account}.type`]?.trim() === 'injected',
    }
    const notes: string[] = []
    if (!partitions.day) notes.push(`table ${this.opts.table} has no projected date partition: every query reads the whole table`)
    let accounts = this.opts.accounts
    if (partitions.accountInjected && !accounts?.length && this.opts.callerAccount) {
      accounts = [await this.opts.callerAccount()]
      notes.push(`account partition injected: read account ${accounts[0]} (the caller's)`)
    }
    let guard: string | undefined
    if (this.opts.maxScan !== undefined) {
      this.st.calls++
      const wg = await athenaWorkgroup(client, workgroup, signal)
      const max = sizeText(this.opts.maxScan)
      if (wg.cutoff === undefined || wg.cutoff > this.opts.maxScan) {
        // Athena has no estimate of a query's scan before it runs: only the workgroup can stop it at a size.
        throw new PreflightError(
          `--max-scan ${max} cannot be held: Athena gives no scan estimate before a query runs, and workgroup ${workgroup} ${wg.cutoff === undefined ? 'sets no BytesScannedCutoffPerQuery' : `cuts queries off at ${sizeText(wg.cutoff)}, over the limit`}. Nothing was queried.`,
          {next: `aws athena update-work-group --work-group ${workgroup} --configuration-updates BytesScannedCutoffPerQuery=${Math.max(this.opts.maxScan, 10_000_000)}   # (at least 10 MB) then rerun; or drop --max-scan`},
        )
      }
      guard = `--max-scan ${max}: held by workgroup ${workgroup}'s BytesScannedCutoffPerQuery (${sizeText(wg.cutoff)} a query)`
    }
    this.notes = notes
    this.guard = guard
    return {client, partitions, accounts, guard, notes}
  }

  async *events(q: TrailQuery, signal?: AbortSignal): AsyncGenerator<TrailEvent> {
    const p = await (this.prepared ??= this.prepare(signal))
    const {database} = tableRef(this.opts.table)
    const sql = athenaSql(this.opts.table, p.partitions, {...q, accounts: p.accounts, regions: this.opts.regions})
    const record: AthenaQueryRecord = {id: '', bytes: 0, rows: 0}
    this.queries.push(record)
    const run = {sql, database, workgroup: this.opts.workgroup, outputLocation: this.opts.outputLocation}
    const s = await runToEnd(p.client, run, {pollMs: this.opts.pollMs, clock: this.opts.clock, signal, started: (id) => (record.id = id)})
    this.st.calls += 1 + s.polls
    const id = s.id
    record.bytes = s.bytesScanned
    if (s.state === 'CANCELLED' && /bytes scanned limit/i.test(s.reason ?? '')) {
      throw new PreflightError(`Athena query ${id} was cancelled by workgroup ${this.opts.workgroup ?? 'primary'}'s bytes-scanned cutoff after ${sizeText(s.bytesScanned)}: ${s.reason}`, {
        next: 'narrow the question (--since/--until, --regions, --accounts) or raise the cutoff: aws athena update-work-group --work-group … --configuration-updates BytesScannedCutoffPerQuery=N',
      })
    }
    if (s.state !== 'SUCCEEDED') {
      throw new LockdownError(`Athena query ${id} ${s.state}: ${s.reason ?? 'no reason given'}`, EXIT.invalid, {next: `aws athena get-query-execution --query-execution-id ${id}   # and check the table: lockdown trail athena setup --bucket <trail bucket>`})
    }
    let token: string | undefined
    let header: string[] | undefined
    do {
      this.st.calls++
      const page = await athenaResultsPage(p.client, id, token, signal)
      header ??= page.header
      if (!header) break
      for (const row of page.rows) {
        record.rows++
        const flat: Record<string, string | null> = {}
        header.forEach((name, i) => (flat[name] = row[i] ?? null))
        const e = normalizeRecord(athenaRowToRecord(flat))
        if (!e) continue
        this.st.events++
        if (matchesQuery(e, q)) yield e
      }
      token = page.nextToken
    } while (token)
  }
}

const ACCOUNT_ID = /^\d{12}$/

/** `--source athena --table db.table`: months of an organization's trail, the scan done by Athena. */
export const athenaSource: SourceDef = {
  kind: 'athena',
  summary: 'Athena SQL over the trail bucket (table from `trail athena setup`): months of an organization; billed by bytes scanned.',
  flags: {
    table: {description: 'Athena table over the trail bucket, database.table (lockdown trail athena setup creates it).'},
    workgroup: {description: 'Athena workgroup to run in (default primary): its result location and BytesScannedCutoffPerQuery apply.'},
    'athena-output': {description: 'Where Athena writes query results (s3://bucket/prefix/) when the workgroup sets no result location.'},
    'max-scan': {description: 'Most one Athena query may scan (500MB, 2GB, 1TB): held by the workgroup cutoff, else refused before any query.'},
    regions: {description: 'Regions to read, in parallel (comma-separated). Default: --region.', list: true},
  },
  permissions: ATHENA_PERMISSIONS,
  grants: athenaGrants,
  impliedBy: (v) => typeof v.table === 'string',
  readsAccounts: true,
  open(v, env) {
    const table = v.table as string | undefined
    if (!table) throw new InvalidInputError('--source athena needs --table database.table', [], {next: 'lockdown trail athena setup --bucket <trail bucket>   # prints the table, --yes creates it'})
    const output = v['athena-output'] as string | undefined
    if (output !== undefined && !/^s3:\/\/[^/]+/.test(output)) throw new InvalidInputError(`--athena-output takes s3://bucket/prefix/, not '${output}'`)
    const accounts = Array.isArray(v.accounts) ? (v.accounts as string[]) : undefined
    const word = accounts?.find((a) => !ACCOUNT_ID.test(a))
    if (word !== undefined) throw new InvalidInputError(`--source athena takes account ids in --accounts (the table's account partition), not '${word}'`, [], {next: 'lockdown trail chains --source athena --table DB.TABLE --accounts 111122223333,222233334444'})
    const maxScan = typeof v['max-scan'] === 'string' ? parseSize(v['max-scan'], '--max-scan') : undefined
    return new AthenaSource({
      table,
      client: () => env.clients().athena(),
      workgroup: v.workgroup as string | undefined,
      outputLocation: output,
      accounts: accounts?.length ? accounts : undefined,
      regions: v.regions as string[] | undefined,
      maxScan,
      callerAccount: async () => (await getIdentity(env.clients())).account,
    })
  },
}
