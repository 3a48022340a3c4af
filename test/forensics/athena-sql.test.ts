// The SQL lockdown sends to Athena, pinned as text: the forensic query's partition predicates, window
// and push-downs for representative questions, and the CloudTrail table DDL for both bucket layouts.
import {describe, expect, it} from 'vitest'

import {InvalidInputError} from '../../src/errors.js'
import {athenaSql, createDatabaseSql, createTableSql, partitionPredicates, tableRef} from '../../src/forensics/athena/sql.js'

const DAY = {start: Date.parse('2024-07-30T00:00:00Z'), end: Date.parse('2024-07-30T23:59:59Z')}
const PARTS = {account: 'account', region: 'region', day: 'timestamp'}
const SELECT =
  'SELECT eventid, eventtime, eventname, eventsource, awsregion, sourceipaddress, useragent, errorcode, recipientaccountid, sharedeventid, ' +
  'useridentity.type AS ui_type, useridentity.arn AS ui_arn, useridentity.principalid AS ui_principalid, useridentity.accountid AS ui_accountid, ' +
  'useridentity.accesskeyid AS ui_accesskeyid, useridentity.username AS ui_username, useridentity.invokedby AS ui_invokedby, ' +
  'useridentity.sessioncontext.attributes.creationdate AS sc_creationdate, useridentity.sessioncontext.attributes.mfaauthenticated AS sc_mfa, ' +
  'useridentity.sessioncontext.sessionissuer.arn AS sc_issuer_arn, useridentity.sessioncontext.sessionissuer.type AS sc_issuer_type, ' +
  'useridentity.sessioncontext.sessionissuer.username AS sc_issuer_username, useridentity.sessioncontext.sourceidentity AS sc_sourceidentity, ' +
  'useridentity.sessioncontext.ec2roledelivery AS sc_ec2roledelivery, requestparameters, responseelements, additionaleventdata'

describe('Athena SQL', () => {
  it('round 1 (issuing and persistence events by name) for one day, two accounts, one region', () => {
    expect(athenaSql('forensics.trail', PARTS, {...DAY, eventNames: ['AssumeRole', 'CreateAccessKey'], accounts: ['111122223333', '222233334444'], regions: ['us-east-1']})).toBe(
      `${SELECT}
FROM forensics.trail
WHERE "timestamp" BETWEEN '2024/07/30' AND '2024/07/31'
  AND account IN ('111122223333', '222233334444')
  AND region IN ('us-east-1')
  AND from_iso8601_timestamp(eventtime) BETWEEN from_iso8601_timestamp('2024-07-30T00:00:00.000Z') AND from_iso8601_timestamp('2024-07-30T23:59:59.000Z')
  AND eventname IN ('AssumeRole', 'CreateAccessKey')`,
    )
  })

  it('round 2 (the keys in question) and the user-name round, every region and account of an enum table', () => {
    const window = {start: Date.parse('2024-07-01T06:00:00Z'), end: Date.parse('2024-07-03T06:00:00Z')}
    expect(athenaSql('forensics.trail', PARTS, {...window, accessKeyIds: ['ASIAONE', 'AKIABOB']}).split('\n').slice(1).join('\n')).toBe(`FROM forensics.trail
WHERE "timestamp" BETWEEN '2024/07/01' AND '2024/07/04'
  AND from_iso8601_timestamp(eventtime) BETWEEN from_iso8601_timestamp('2024-07-01T06:00:00.000Z') AND from_iso8601_timestamp('2024-07-03T06:00:00.000Z')
  AND useridentity.accesskeyid IN ('ASIAONE', 'AKIABOB')`)
    expect(athenaSql('forensics.trail', PARTS, {...window, userNames: ['alice']})).toContain("\n  AND useridentity.username IN ('alice')")
  })

  it('a table without partitions gets only the window; an injected account needs accounts named', () => {
    expect(partitionPredicates({}, DAY)).toEqual([])
    expect(athenaSql('default.cloudtrail_logs', {}, DAY)).toMatch(/\nFROM default\.cloudtrail_logs\nWHERE from_iso8601_timestamp\(eventtime\) BETWEEN/)
    expect(() => partitionPredicates({account: 'account', accountInjected: true}, DAY)).toThrow(/injected: name the accounts/)
    expect(partitionPredicates({account: 'account', accountInjected: true}, {...DAY, accounts: ['111122223333']})).toEqual(["account IN ('111122223333')"])
  })

  it('refuses values and names that could change the query', () => {
    expect(() => athenaSql('forensics.trail', PARTS, {...DAY, accessKeyIds: ["x' OR 1=1 --"]})).toThrow(InvalidInputError)
    expect(() => athenaSql('forensics.trail', PARTS, {...DAY, accounts: ["1' OR '1'='1"]})).toThrow(InvalidInputError)
    expect(() => tableRef('forensics.trail; DROP TABLE x')).toThrow(InvalidInputError)
    expect(() => tableRef('trail')).toThrow(/--table takes database.table/)
  })

  it('the organization table: account injected, regions enum, days projected from the first day to NOW', () => {
    const ddl = createTableSql('forensics', 'org_trail', {bucket: 'org-trail', orgId: 'o-a1b2c3d4e5', regions: ['us-east-1', 'eu-west-1'], since: '2024/01/01'})
    expect(ddl.split('\n')[0]).toBe('CREATE EXTERNAL TABLE IF NOT EXISTS forensics.org_trail (')
    expect(ddl.slice(ddl.indexOf('PARTITIONED BY'))).toBe(`PARTITIONED BY (account STRING, region STRING, \`timestamp\` STRING)
ROW FORMAT SERDE 'org.apache.hive.hcatalog.data.JsonSerDe'
STORED AS INPUTFORMAT 'com.amazon.emr.cloudtrail.CloudTrailInputFormat'
OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat'
LOCATION 's3://org-trail/AWSLogs/o-a1b2c3d4e5/'
TBLPROPERTIES (
  'projection.enabled'='true',
  'projection.account.type'='injected',
  'projection.region.type'='enum',
  'projection.region.values'='us-east-1,eu-west-1',
  'projection.timestamp.type'='date',
  'projection.timestamp.format'='yyyy/MM/dd',
  'projection.timestamp.range'='2024/01/01,NOW',
  'projection.timestamp.interval'='1',
  'projection.timestamp.interval.unit'='DAYS',
  'storage.location.template'='s3://org-trail/AWSLogs/o-a1b2c3d4e5/\${account}/CloudTrail/\${region}/\${timestamp}'
)`)
    expect(ddl).toContain('      sourceidentity: STRING,\n')
  })

  it('a single-account trail under a prefix: account as an enum of the accounts given', () => {
    const ddl = createTableSql('forensics', 'trail', {bucket: 'my-trail', prefix: '/ct/', accounts: ['111122223333'], regions: ['us-east-1'], since: '2025/06/01'})
    expect(ddl).toContain("LOCATION 's3://my-trail/ct/AWSLogs/'\n")
    expect(ddl).toContain("  'projection.account.type'='enum',\n  'projection.account.values'='111122223333',\n")
    expect(ddl).toContain("'storage.location.template'='s3://my-trail/ct/AWSLogs/${account}/CloudTrail/${region}/${timestamp}'")
    expect(createDatabaseSql('forensics')).toBe('CREATE DATABASE IF NOT EXISTS forensics')
    expect(() => createTableSql('forensics', 'trail', {bucket: 'My_Bucket', regions: ['us-east-1'], since: '2025/06/01'})).toThrow(/Not an S3 bucket name/)
    expect(() => createTableSql('forensics', 'trail', {bucket: 'b-1', orgId: 'o-x', regions: ['us-east-1'], since: '2025/06/01'})).toThrow(/Not an organization id/)
  })
})
