// `lockdown trail chains`: who assumed which role, through which chain, as a tree.
import {Flags} from '@oclif/core'

import {DEFAULT_ACCESS} from '../../aws/access.js'
import {principalOf} from '../../aws/arn.js'
import {makeClients, type AwsOptions, type Clients} from '../../aws/clients.js'
import {getIdentity} from '../../aws/identity.js'
import {BaseCommand} from '../../cli/base-command.js'
import {exitCodeHelp, InvalidInputError} from '../../errors.js'
import {openAccounts, parseAccountWords} from '../../forensics/accounts.js'
import {collectReport} from '../../forensics/collect.js'
import {chooseSource, type SourceEnv, type SourceValues} from '../../forensics/sources/registry.js'
import {defaultWorkers} from '../../forensics/parallel/scan.js'
import {AccountsLookupSource, unreachedText} from '../../forensics/sources/accounts.js'
import type {TrailSource} from '../../forensics/sources/types.js'
import {parseWindow} from '../../forensics/time-window.js'
import {renderTree} from '../../report/tree.js'
import type {ForensicReport} from '../../report/types.js'
import {progressOnStderr, sourceFlag, sourceFlagDefs} from '../../cli/trail-source-flags.js'

/** Flags shared with `trail report` (which spreads them into its own). */
export const trailFlags = {
  role: Flags.string({description: 'Role ARN or name glob (app-*); repeatable. Keeps those sessions and their whole chain.', multiple: true}),
  principal: Flags.string({description: 'User/principal ARN or name glob; repeatable. Keeps the sessions it started.', multiple: true}),
  'access-key': Flags.string({description: 'Access key id (AKIA… or ASIA…); repeatable.', multiple: true}),
  since: Flags.string({
    description: 'Start of the window: a duration back from now (15m, 48h, 90d) or an ISO time. Default: 48h; with --path / --source files, every record in the files.',
  }),
  until: Flags.string({description: 'End of the window (duration or ISO time). Default: now.'}),
  source: sourceFlag,
  // path, lake, regions, … : whatever the registered sources read.
  ...sourceFlagDefs(),
  accounts: Flags.string({
    description:
      'Accounts to read LookupEvents in, side by side (comma-separated): current, 12-digit ids, organization (every ACTIVE account, from the management account). Others are entered through --access-role. Default: the caller’s account.',
    delimiter: ',',
    multiple: true,
  }),
  'access-role': Flags.string({description: 'Role assumed in each other account of --accounts (name or path/name).', default: 'OrganizationAccountAccessRole'}),
  'include-service': Flags.boolean({description: 'Show sessions AWS services assumed for themselves (hidden unless flagged).', default: false}),
  workers: Flags.integer({description: 'Threads parsing CloudTrail files (--source files). Default: one more than the CPUs.', min: 1}),
}

type TrailFlagValues = {
  role?: string[]
  principal?: string[]
  'access-key'?: string[]
  since?: string
  until?: string
  source?: string
  path?: string
  lake?: string
  regions?: string[]
  accounts?: string[]
  'access-role'?: string
  'include-service': boolean
  workers?: number
  region?: string
  [flag: string]: unknown
}

/** Shared by both trail commands: flags → source → report. */
export async function trailReport(f: TrailFlagValues, clients: () => Clients, title?: string, env: TrailEnv = {}): Promise<ForensicReport> {
  // Files hold what they hold: an analyst handed last year's logs wants all of them, not a 48h window
  // back from today that silently reads nothing. Indexed sources (LookupEvents, Lake) keep 48h.
  // No --regions: LookupEvents and Lake use --region (the clients' region); s3 discovers the bucket's regions.
  const values: SourceValues = {...f}
  const def = chooseSource(f.source, values)
  const wholeFiles = f.since === undefined && f.until === undefined && (def.wholeByDefault?.(values) ?? false)
  const window = wholeFiles ? {start: new Date(0), end: new Date(8.64e15)} : parseWindow(f.since ?? '48h', f.until, new Date())
  // A source that holds every account (a bucket, an Athena table) reads --accounts itself; else LookupEvents enters each.
  const opened = f.accounts?.length && !def.readsAccounts ? await accountsSource(f, def.kind, clients, env, values.regions as string[] | undefined) : undefined
  try {
    return await collect(f, opened?.source ?? def.open(values, {clients, progress: env.progress, tty: env.tty}), window, wholeFiles, title)
  } finally {
    opened?.close()
  }
}

/** What a source may use, and the caller's AWS options (to build clients in the accounts of --accounts). */
export type TrailEnv = Omit<SourceEnv, 'clients'> & {aws?: AwsOptions}

/** `--accounts`: LookupEvents in each account × region, each account entered through the access role. */
async function accountsSource(f: TrailFlagValues, kind: string, clients: () => Clients, env: TrailEnv, regions: string[] | undefined): Promise<{source: AccountsLookupSource; close(): void}> {
  const specs = parseAccountWords(f.accounts!)
  if (kind !== 'lookup') {
    throw new InvalidInputError(`--accounts picks the accounts LookupEvents is asked in; --source ${kind} holds the accounts it holds (the report names them)`, [], {
      next: 'lockdown trail chains --source lookup --accounts organization, or drop --accounts',
    })
  }
  const c = clients()
  const id = await getIdentity(c)
  const base = {clients: c, aws: env.aws ?? {}, identity: {...id, principalArn: principalOf(id.arn).arn}}
  const runId = `trail-${new Date().toISOString().replace(/[-:]|\.\d+Z$/g, '')}`
  const opened = await openAccounts(base, specs, {runId, access: {role: f['access-role'] ?? DEFAULT_ACCESS.role}})
  return {source: new AccountsLookupSource({accounts: opened.entries, regions: regions?.length ? regions : [c.region]}), close: opened.close}
}

async function collect(f: TrailFlagValues, source: TrailSource, window: {start: Date; end: Date}, wholeFiles: boolean, title?: string): Promise<ForensicReport> {
  const report = await collectReport(source, {
    window,
    roles: f.role,
    principals: f.principal,
    accessKeys: f['access-key'],
    includeService: f['include-service'],
    workers: f.workers ?? defaultWorkers(),
    title,
  })
  if (wholeFiles) report.window = spanOf(report)
  // Unreadable input is said where the analyst is looking now, not only inside the report file.
  for (const p of report.source.problems ?? []) process.stderr.write(`Warning: ${p}\n`)
  return report
}

/** The times the report holds, first to last: what "every record in the files" turned out to span. */
function spanOf(r: ForensicReport): {start: string; end: string} {
  const times = [
    ...r.timeline.map((t) => t.at),
    ...r.sessions.flatMap((s) => [s.issuedAt, s.activity.first, s.activity.last]),
  ].filter((t): t is string => typeof t === 'string' && t !== '')
  if (!times.length) return r.window
  times.sort()
  return {start: times[0], end: times.at(-1)!}
}

export default class TrailChains extends BaseCommand<typeof TrailChains> {
  static override summary = 'Rebuild from CloudTrail who assumed which role, when, from where and through which chain.'
  static override description = `Reads LookupEvents (default), CloudTrail Lake (--lake) or CloudTrail files (--path) and prints the session tree: principals at the roots, the sessions they created below them, with issue time, source IP, calls and flags. LookupEvents is asked for issuing events first, then only for the keys of the sessions in question (2 requests/s per region).

${exitCodeHelp()}`

  static override examples = [
    '<%= config.bin %> trail chains --since 48h --role "app-*"',
    '<%= config.bin %> trail chains --source files --path ./AWSLogs --since 2018-11-28 --until 2018-11-29',
    '<%= config.bin %> trail chains --access-key AKIAIOSFODNN7EXAMPLE --regions us-east-1,eu-west-1 --json',
    '<%= config.bin %> trail chains --lake arn:aws:cloudtrail:us-east-1:111122223333:eventdatastore/EXAMPLE --since 30d',
  ]

  static override flags = trailFlags

  public async run(): Promise<ForensicReport> {
    let made: Clients | undefined
    const clients = () => (made ??= makeClients(this.awsOptions()))
    try {
      const report = await trailReport(this.flags, clients, undefined, {aws: this.awsOptions(), ...progressOnStderr()})
      this.say(renderTree(report))
      this.say('')
      this.say(`${report.summary.sessions} sessions, ${report.summary.flags} flags · ${report.source.description}`)
      for (const u of report.coverage?.unreached ?? []) this.say(`NOT read: ${unreachedText(u)}`)
      if (report.summary.hiddenServiceSessions) this.say(`${report.summary.hiddenServiceSessions} AWS-service sessions hidden (--include-service shows them)`)
      return report
    } finally {
      made?.destroy()
    }
  }
}
