// `lockdown trail athena setup`: prints (with --yes creates) the Athena table over the CloudTrail bucket.
import {Flags} from '@oclif/core'

import {makeClients, type Clients} from '../../../aws/clients.js'
import {BaseCommand} from '../../../cli/base-command.js'
import {exitCodeHelp} from '../../../errors.js'
import {setupTable, type SetupResult} from '../../../forensics/athena/setup.js'
import {TRAIL_REGIONS} from '../../../forensics/athena/sql.js'

export default class TrailAthenaSetup extends BaseCommand<typeof TrailAthenaSetup> {
  static override summary = 'Print (with --yes create) the Athena table over a CloudTrail bucket, partitioned by account, region and day with projection.'
  static override description = `The table AWS documents for CloudTrail with partition projection: no crawler, no MSCK REPAIR, no partitions to add as days pass. Partitions: account (an enum of --accounts, else injected: each query names its accounts), region (an enum of --regions), day (from --start to NOW). An organization trail (--org-id) lives under AWSLogs/<org id>/<account>/, a single-account trail under AWSLogs/<account>/.

Without --yes nothing is sent: the SQL is printed to review or run by hand. With --yes an existing table is detected and left as it is (the DDL says IF NOT EXISTS too). Then: lockdown trail chains --source athena --table DATABASE.TABLE.

${exitCodeHelp()}`

  static override examples = [
    '<%= config.bin %> trail athena setup --bucket org-trail-logs --org-id o-a1b2c3d4e5',
    '<%= config.bin %> trail athena setup --bucket org-trail-logs --org-id o-a1b2c3d4e5 --accounts 111122223333,222233334444 --yes',
    '<%= config.bin %> trail athena setup --bucket my-trail --accounts 111122223333 --database forensics --workgroup incident --yes',
  ]

  static override flags = {
    bucket: Flags.string({description: 'The S3 bucket CloudTrail delivers to (aws cloudtrail describe-trails: S3BucketName).', required: true}),
    prefix: Flags.string({description: 'The trail\'s S3 key prefix, if it has one (S3KeyPrefix).'}),
    'org-id': Flags.string({description: 'An organization trail: its organization id (o-…); objects are under AWSLogs/<org id>/.'}),
    accounts: Flags.string({description: 'Account ids as the account partition\'s enum (comma-separated). Default: injected (every query names its accounts).', delimiter: ',', multiple: true}),
    regions: Flags.string({description: 'Regions of the region partition (comma-separated). Default: every commercial region.', delimiter: ',', multiple: true}),
    start: Flags.string({description: 'First day projected, yyyy/MM/dd (the trail\'s first day; earlier days cost nothing to project).', default: '2020/01/01'}),
    database: Flags.string({description: 'Athena (Glue) database; created if missing.', default: 'lockdown'}),
    table: Flags.string({description: 'Table name.', default: 'cloudtrail'}),
    workgroup: Flags.string({description: 'Athena workgroup to run the DDL in. Default: primary.'}),
    output: Flags.string({description: 'Where Athena writes results (s3://bucket/prefix/) when the workgroup sets none.'}),
    yes: Flags.boolean({description: 'Create the database and table (otherwise only print the SQL).', default: false}),
  }

  public async run(): Promise<SetupResult> {
    let made: Clients | undefined
    try {
      const f = this.flags
      const request = {
        bucket: f.bucket,
        prefix: f.prefix,
        orgId: f['org-id'],
        accounts: f.accounts,
        regions: f.regions?.length ? f.regions : TRAIL_REGIONS,
        since: f.start,
        database: f.database,
        table: f.table,
        workgroup: f.workgroup,
        outputLocation: f.output,
      }
      const client = f.yes ? await (made = makeClients(this.awsOptions())).athena() : undefined
      const result = await this.withSignals((signal) => setupTable(client, request, {signal}))
      for (const s of result.sql) this.say(`${s};\n`)
      const name = `${result.database}.${result.table}`
      if (result.outcome === 'printed') this.say(`Nothing sent. To create it: rerun with --yes (or run the SQL above in the Athena console).`)
      else if (result.outcome === 'exists') {
        this.say(`Table ${name} already exists; left as it is.`)
        if (result.existingTemplate) this.say(`Warning: it reads ${result.existingTemplate}, not the layout above. Drop it first (DROP TABLE ${name}) to recreate it.`)
      } else this.say(`Created ${name} (queries ${result.queryIds.join(', ')}).`)
      if (result.outcome !== 'printed') this.say(`Next: lockdown trail chains --source athena --table ${name}${f.workgroup ? ` --workgroup ${f.workgroup}` : ''}${f.output ? ` --athena-output ${f.output}` : ''} --since 7d`)
      return result
    } finally {
      made?.destroy()
    }
  }
}
