// The simulator's Athena through the real @aws-sdk/client-athena: the setup DDL, the query lifecycle,
// results with the header row and paging, AWS's errors, partition projection choosing the files (bytes
// scanned are those files' sizes), injected partitions, the workgroup cutoff and authorization.
import {randomBytes} from 'node:crypto'
import {copyFileSync, mkdirSync, mkdtempSync, readdirSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {gzipSync} from 'node:zlib'

import {
  AthenaClient,
  CreateWorkGroupCommand,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  GetTableMetadataCommand,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
} from '@aws-sdk/client-athena'
import {describe, expect, it} from 'vitest'

import {createDatabaseSql, createTableSql} from '../../src/forensics/athena/sql.js'
import {TRAIL_BUCKET} from '../../src/sim/index.js'
import {userWith} from '../support/principals.js'
import {useSim} from '../support/sim.js'

const FLAWS = '/work/shared/cloudtrail/flaws2-cloud'
const ACCT = '653711331788'
const OUT = 's3://athena-results/lockdown/'

const bucket = mkdtempSync(join(tmpdir(), 'athena-bucket-'))
/** Real flaws2 files (2018-11-28) in their day's folder, and one other day's file beside them. */
function seed(): {day: number; other: number} {
  const dayDir = join(bucket, 'AWSLogs', ACCT, 'CloudTrail', 'us-east-1', '2018', '11', '28')
  mkdirSync(dayDir, {recursive: true})
  let day = 0
  for (const f of readdirSync(FLAWS)) {
    copyFileSync(join(FLAWS, f), join(dayDir, f))
    day += statSync(join(FLAWS, f)).size
  }
  const otherDir = join(bucket, 'AWSLogs', ACCT, 'CloudTrail', 'eu-west-1', '2018', '11', '30')
  mkdirSync(otherDir, {recursive: true})
  const rec = {eventVersion: '1.05', eventID: 'other-1', eventTime: '2018-11-30T10:00:00Z', eventName: 'ListBuckets', eventSource: 's3.amazonaws.com', awsRegion: 'eu-west-1', userIdentity: {type: 'IAMUser', userName: 'x', accessKeyId: 'AKIAOTHER'}}
  const file = join(otherDir, `${ACCT}_CloudTrail_eu-west-1_20181130T1005Z_x.json.gz`)
  writeFileSync(file, gzipSync(JSON.stringify({Records: [rec]})))
  return {day, other: statSync(file).size}
}

const sizes = seed()
const sim = await useSim({trailDir: bucket})
const athena = new AthenaClient({endpoint: sim.endpoint, region: sim.region, credentials: sim.rootCredentials, maxAttempts: 1})

async function run(sql: string, extra: {WorkGroup?: string; client?: AthenaClient; output?: string | null} = {}) {
  const c = extra.client ?? athena
  const {QueryExecutionId} = await c.send(
    new StartQueryExecutionCommand({QueryString: sql, WorkGroup: extra.WorkGroup, QueryExecutionContext: {Database: 'forensics'}, ...(extra.output === null ? {} : {ResultConfiguration: {OutputLocation: extra.output ?? OUT}})}),
  )
  const states: string[] = []
  for (;;) {
    const q = (await c.send(new GetQueryExecutionCommand({QueryExecutionId}))).QueryExecution!
    if (states.at(-1) !== q.Status!.State) states.push(q.Status!.State!)
    if (!['QUEUED', 'RUNNING'].includes(q.Status!.State!)) return {id: QueryExecutionId!, q, states}
    await new Promise((r) => setTimeout(r, 5))
  }
}

const layout = {bucket: TRAIL_BUCKET, regions: ['us-east-1', 'eu-west-1'], since: '2018/01/01'}

describe('simulated Athena', () => {
  it('accepts the setup DDL, again without harm (IF NOT EXISTS), and refuses a second CREATE without it', async () => {
    for (const sql of [createDatabaseSql('forensics'), createTableSql('forensics', 'trail', {...layout, accounts: [ACCT]}), createTableSql('forensics', 'trail', {...layout, accounts: [ACCT]})]) {
      const r = await run(sql)
      expect(r.q.Status!.State, r.q.Status!.StateChangeReason).toBe('SUCCEEDED')
      expect(r.q.StatementType).toBe('DDL')
    }
    const again = await run(createTableSql('forensics', 'trail', {...layout, accounts: [ACCT]}).replace(' IF NOT EXISTS', ''))
    expect(again.q.Status).toMatchObject({State: 'FAILED', StateChangeReason: 'FAILED: AlreadyExistsException: Table trail already exists'})
    const meta = await athena.send(new GetTableMetadataCommand({CatalogName: 'AwsDataCatalog', DatabaseName: 'forensics', TableName: 'trail'}))
    expect(meta.TableMetadata!.PartitionKeys!.map((k) => k.Name)).toEqual(['account', 'region', 'timestamp'])
    expect(meta.TableMetadata!.Parameters).toMatchObject({'projection.account.type': 'enum', 'storage.location.template': `s3://${TRAIL_BUCKET}/AWSLogs/\${account}/CloudTrail/\${region}/\${timestamp}`})
  })

  it('goes QUEUED → RUNNING → SUCCEEDED and scans only the files of the partitions the WHERE names', async () => {
    const oneDay = await run(`SELECT eventname, useridentity.accesskeyid AS k FROM forensics.trail WHERE "timestamp" = '2018/11/28' AND region = 'us-east-1' AND eventname = 'AssumeRole'`)
    expect(oneDay.states).toEqual(['QUEUED', 'RUNNING', 'SUCCEEDED'].slice(oneDay.states[0] === 'QUEUED' ? 0 : 1))
    expect(oneDay.states[0]).toBe('QUEUED')
    expect(oneDay.q.Statistics!.DataScannedInBytes).toBe(sizes.day)
    const whole = await run(`SELECT count(*) AS n FROM forensics.trail`)
    expect(whole.q.Statistics!.DataScannedInBytes).toBe(sizes.day + sizes.other)
    const none = await run(`SELECT count(*) AS n FROM forensics.trail WHERE "timestamp" BETWEEN '2019/01/01' AND '2019/01/31'`)
    expect(none.q.Statistics!.DataScannedInBytes).toBe(0)
    const page = await athena.send(new GetQueryResultsCommand({QueryExecutionId: whole.id}))
    expect(page.ResultSet!.Rows).toEqual([{Data: [{VarCharValue: 'n'}]}, {Data: [{VarCharValue: '38'}]}])
    expect(page.ResultSet!.ResultSetMetadata!.ColumnInfo![0]).toMatchObject({Name: 'n', Label: 'n', Type: 'bigint'})
  })

  it('pages results: the header row first, MaxResults rows a page, NextToken until the end; nulls have no VarCharValue', async () => {
    const r = await run(`SELECT eventid, errorcode, json_extract_scalar(responseelements, '$.credentials.accessKeyId') AS issued FROM forensics.trail WHERE "timestamp" = '2018/11/28' ORDER BY eventtime, eventid`)
    const rows: Array<Array<string | undefined>> = []
    let token: string | undefined
    let pages = 0
    do {
      const p = await athena.send(new GetQueryResultsCommand({QueryExecutionId: r.id, MaxResults: 10, NextToken: token}))
      rows.push(...p.ResultSet!.Rows!.map((row) => row.Data!.map((d) => d.VarCharValue)))
      token = p.NextToken
      pages++
    } while (token)
    expect(rows[0]).toEqual(['eventid', 'errorcode', 'issued'])
    expect(rows).toHaveLength(1 + 37)
    expect(pages).toBe(4)
    expect(rows.filter((x) => x[2]?.startsWith('ASIA'))).toHaveLength(3)
    expect(rows.slice(1).some((x) => x[1] === undefined)).toBe(true)
    await expect(athena.send(new GetQueryResultsCommand({QueryExecutionId: r.id, MaxResults: 1001}))).rejects.toMatchObject({name: 'InvalidRequestException'})
  })

  it('fails as Athena does: unknown column, unknown table, results of a failed query, no output location', async () => {
    const bad = await run(`SELECT nosuchcolumn FROM forensics.trail WHERE "timestamp" = '2018/11/28'`)
    expect(bad.q.Status!.State).toBe('FAILED')
    expect(bad.q.Status!.StateChangeReason).toMatch(/^COLUMN_NOT_FOUND: .*nosuchcolumn/)
    expect(bad.q.Status!.AthenaError).toMatchObject({ErrorCategory: 2, Retryable: false})
    await expect(athena.send(new GetQueryResultsCommand({QueryExecutionId: bad.id}))).rejects.toMatchObject({name: 'InvalidRequestException'})
    const missing = await run(`SELECT 1 FROM forensics.nothere`)
    expect(missing.q.Status!.StateChangeReason).toBe("TABLE_NOT_FOUND: line 1:1: Table 'awsdatacatalog.forensics.nothere' does not exist")
    await expect(run('SELECT 1 FROM forensics.trail', {output: null})).rejects.toMatchObject({name: 'InvalidRequestException', message: expect.stringContaining('No output location provided')})
    await expect(athena.send(new GetQueryExecutionCommand({QueryExecutionId: 'f0000000-0000-0000-0000-000000000000'}))).rejects.toMatchObject({name: 'InvalidRequestException'})
  })

  it('an injected account partition needs the accounts named by static equality (CONSTRAINT_VIOLATION otherwise)', async () => {
    expect((await run(createTableSql('forensics', 'org', layout))).q.Status!.State).toBe('SUCCEEDED')
    const unnamed = await run(`SELECT count(*) FROM forensics.org WHERE "timestamp" = '2018/11/28'`)
    expect(unnamed.q.Status!.StateChangeReason).toMatch(/^CONSTRAINT_VIOLATION: For the injected projected partition column account/)
    const named = await run(`SELECT count(*) AS n FROM forensics.org WHERE account IN ('${ACCT}') AND "timestamp" = '2018/11/28'`)
    expect(named.q.Statistics!.DataScannedInBytes).toBe(sizes.day)
  })

  it('stops a query (CANCELLED) and cancels one over the workgroup cutoff before it reads', async () => {
    const {QueryExecutionId} = await athena.send(new StartQueryExecutionCommand({QueryString: 'SELECT count(*) FROM forensics.trail', QueryExecutionContext: {Database: 'forensics'}, ResultConfiguration: {OutputLocation: OUT}}))
    await athena.send(new StopQueryExecutionCommand({QueryExecutionId}))
    expect((await athena.send(new GetQueryExecutionCommand({QueryExecutionId}))).QueryExecution!.Status!.State).toBe('CANCELLED')

    await expect(athena.send(new CreateWorkGroupCommand({Name: 'tiny', Configuration: {BytesScannedCutoffPerQuery: 1000}}))).rejects.toMatchObject({name: 'InvalidRequestException'})
    await athena.send(new CreateWorkGroupCommand({Name: 'capped', Configuration: {BytesScannedCutoffPerQuery: 10_000_000, ResultConfiguration: {OutputLocation: OUT}}}))
    // A day of 11 MB of logs (random ids compress badly, as real trails' do not quite).
    const big = join(bucket, 'AWSLogs', ACCT, 'CloudTrail', 'us-east-1', '2018', '12', '02')
    mkdirSync(big, {recursive: true})
    const records = Array.from({length: 40_000}, (_, i) => ({eventID: `${i}`, eventTime: '2018-12-02T00:00:00Z', eventName: 'GetObject', requestParameters: {key: randomBytes(300).toString('base64')}}))
    writeFileSync(join(big, 'big.json.gz'), gzipSync(JSON.stringify({Records: records}), {level: 1}))
    expect(statSync(join(big, 'big.json.gz')).size).toBeGreaterThan(10_000_000)
    const capped = await run(`SELECT count(*) FROM forensics.trail WHERE "timestamp" = '2018/12/02'`, {WorkGroup: 'capped', output: null})
    expect(capped.q.Status).toMatchObject({State: 'CANCELLED', StateChangeReason: 'Query cancelled! : Bytes scanned limit was exceeded'})
    const small = await run(`SELECT count(*) FROM forensics.trail WHERE "timestamp" = '2018/11/28'`, {WorkGroup: 'capped', output: null})
    expect(small.q.Status!.State).toBe('SUCCEEDED')
  }, 30_000)

  it('authorizes athena:* as other calls', async () => {
    const key = await userWith(sim, 'no-athena', [{Effect: 'Allow', Action: 'iam:*', Resource: '*'}])
    const c = new AthenaClient({endpoint: sim.endpoint, region: sim.region, credentials: key, maxAttempts: 1})
    await expect(run('SELECT 1 FROM forensics.trail', {client: c})).rejects.toMatchObject({name: 'AccessDeniedException', message: expect.stringContaining('athena:StartQueryExecution')})
    c.destroy()
  })

  it('reads the table with the caller’s own S3 permissions: without s3:GetObject the query fails naming the path', async () => {
    // The catalog and the results location are allowed: what is missing is the table's own objects.
    const catalogAndResults = ['athena:*', 'glue:GetDatabase', 'glue:GetTable', 's3:GetBucketLocation', 's3:PutObject']
    const athenaOnly = await userWith(sim, 'athena-only', [{Effect: 'Allow', Action: catalogAndResults, Resource: '*'}])
    const withS3 = await userWith(sim, 'athena-s3', [{Effect: 'Allow', Action: [...catalogAndResults, 's3:ListBucket', 's3:GetObject'], Resource: '*'}])
    const sql = `SELECT count(*) FROM forensics.trail WHERE "timestamp" = '2018/11/28' AND region = 'us-east-1'`
    for (const [key, state] of [[athenaOnly, 'FAILED'], [withS3, 'SUCCEEDED']] as const) {
      const c = new AthenaClient({endpoint: sim.endpoint, region: sim.region, credentials: key, maxAttempts: 1})
      const r = await run(sql, {client: c})
      expect(r.q.Status!.State).toBe(state)
      if (state === 'FAILED') expect(r.q.Status!.StateChangeReason).toBe(`Permission denied on S3 path: s3://${TRAIL_BUCKET}/AWSLogs/${ACCT}/CloudTrail/us-east-1/2018/11/28`)
      c.destroy()
    }
  })

  it('asks Glue and the results bucket as the caller: each permission taken away fails as Athena fails', async () => {
    const glue = (r: string) => [`arn:aws:glue:${sim.region}:${sim.accountId}:catalog`, `arn:aws:glue:${sim.region}:${sim.accountId}:database/forensics`, ...(r ? [`arn:aws:glue:${sim.region}:${sim.accountId}:table/forensics/${r}`] : [])]
    const all = [
      {Effect: 'Allow' as const, Action: ['athena:*', 's3:ListBucket', 's3:GetObject'], Resource: '*'},
      {Effect: 'Allow' as const, Action: ['glue:GetDatabase'], Resource: glue('')},
      {Effect: 'Allow' as const, Action: ['glue:GetTable'], Resource: glue('trail')},
      {Effect: 'Allow' as const, Action: ['s3:GetBucketLocation'], Resource: 'arn:aws:s3:::athena-results'},
      {Effect: 'Allow' as const, Action: ['s3:PutObject'], Resource: 'arn:aws:s3:::athena-results/lockdown/*'},
    ]
    const without = (action: string) => all.map((st) => ({...st, Action: st.Action.filter((a) => a !== action)})).filter((st) => st.Action.length)
    const sql = `SELECT count(*) FROM forensics.trail WHERE "timestamp" = '2018/11/28' AND region = 'us-east-1'`
    const as = async (name: string, statements: typeof all) => new AthenaClient({endpoint: sim.endpoint, region: sim.region, credentials: await userWith(sim, name, statements), maxAttempts: 1})
    const full = await as('athena-full', all)
    expect((await run(sql, {client: full})).q.Status!.State).toBe('SUCCEEDED')
    for (const [action, reason] of [
      ['glue:GetDatabase', /^Insufficient permissions to execute the query\. User: .*user\/athena-no-GetDatabase is not authorized to perform: glue:GetDatabase on resource: arn:aws:glue:[^:]+:\d+:catalog/],
      ['glue:GetTable', /^Insufficient permissions to execute the query\. .* glue:GetTable on resource: arn:aws:glue:[^:]+:\d+:catalog/],
      ['s3:PutObject', /^Access denied when writing output to url: s3:\/\/athena-results\/lockdown\/[0-9a-f-]{36}\.csv \. Please ensure you are allowed to access the S3 bucket/],
    ] as const) {
      const c = await as(`athena-no-${action.split(':')[1]}`, without(action))
      const r = await run(sql, {client: c})
      expect(r.q.Status!.State, action).toBe('FAILED')
      expect(r.q.Status!.StateChangeReason, action).toMatch(reason)
      c.destroy()
    }
    // The results bucket is checked before anything is queued.
    const noLocation = await as('athena-no-GetBucketLocation', without('s3:GetBucketLocation'))
    await expect(run(sql, {client: noLocation})).rejects.toMatchObject({name: 'InvalidRequestException', message: 'Unable to verify/create output bucket athena-results'})
    noLocation.destroy()
    // The table's shape is read from Glue too.
    const noTable = await as('athena-meta-no-GetTable', without('glue:GetTable'))
    await expect(noTable.send(new GetTableMetadataCommand({CatalogName: 'AwsDataCatalog', DatabaseName: 'forensics', TableName: 'trail'}))).rejects.toMatchObject({name: 'MetadataException', message: expect.stringContaining('glue:GetTable')})
    noTable.destroy()
    // GetQueryResults reads the result file: without s3:GetObject on it there are no rows.
    const ok = await run(sql, {client: full})
    const noRead = await as('athena-no-results-read', [...all.slice(1), {Effect: 'Allow' as const, Action: ['athena:*', 's3:ListBucket'], Resource: '*'}, {Effect: 'Allow' as const, Action: ['s3:GetObject'], Resource: `arn:aws:s3:::${TRAIL_BUCKET}/*`}])
    await expect(noRead.send(new GetQueryResultsCommand({QueryExecutionId: ok.id}))).rejects.toMatchObject({name: 'InvalidRequestException', message: expect.stringContaining(`s3://athena-results/lockdown/${ok.id}.csv`)})
    noRead.destroy()
    full.destroy()
  }, 60_000)
})
