import {Flags} from '@oclif/core'

import {BaseCommand} from '../../cli/base-command.js'
import {exitCodeHelp, InvalidInputError} from '../../errors.js'
import {parseFaults, startSim, type Faults, type SimAccount, type SimCredentials, type SimHandle} from '../../sim/index.js'

type UserCredentials = SimCredentials & {userName: string}

/** What --json prints as soon as the server listens (it keeps serving, so run() returns nothing). */
export interface JsonOutput {
  endpoint: string
  region: string
  /** The top-level (management) account; `root`, `users` and `env` are its. */
  accountId: string
  env: Record<string, string>
  root: SimCredentials
  users: UserCredentials[]
  faults: Partial<Faults>
  organization?: {id: string; rootId: string; managementId: string}
  /** Every hosted account (the management account first) with its root and seeded users' keys. */
  accounts: Array<SimAccount & {root: SimCredentials; users: UserCredentials[]}>
}

/** The seeded users of one account that have an active key to hand out. */
function usersOf(sim: SimHandle, accountId: string): UserCredentials[] {
  const snap = sim.snapshot(accountId) as {users: Array<{name: string}>}
  return snap.users.flatMap((u) => {
    try {
      return [{userName: u.name, ...sim.credentialsFor(u.name, accountId)}]
    } catch {
      return [] // a user without an active key has nothing to hand out
    }
  })
}

export default class SimServe extends BaseCommand<typeof SimServe> {
  static override summary = 'Run a simulated AWS account or organization (IAM, STS, CloudTrail, Organizations) on 127.0.0.1.'
  static override description =
    'The real AWS SDK and CLI reach it through AWS_ENDPOINT_URL. Requests are SigV4-verified, authorized with real policy evaluation and written to a CloudTrail-shaped trail (LookupEvents). Prints the endpoint, export lines and seeded credentials, then serves until Ctrl-C / SIGTERM.' +
    '\n\n' +
    exitCodeHelp()
  static override examples = [
    '<%= config.bin %> sim serve --scenario playbooks/scenarios/demo-account.yaml',
    '<%= config.bin %> sim serve --port 4599 --faults latency=50,consistency=2000',
    '<%= config.bin %> sim serve --scenario playbooks/scenarios/organization.yaml --faults denyAssumeRoleInto=333344445555',
    'eval "$(<%= config.bin %> sim serve --scenario playbooks/scenarios/demo-account.yaml | grep ^export)"',
  ]
  static override flags = {
    scenario: Flags.string({description: 'Scenario YAML seeding the account (users, keys, roles, policies), or an organization of accounts (organization:).'}),
    port: Flags.integer({description: 'Port on 127.0.0.1 (0 = any free port).', default: 4599, min: 0, max: 65535}),
    faults: Flags.string({
      description:
        'Faults as key=value,…: latency (ms), errorRate (0..1), iamWriteRate (/s), iamWriteBurst, consistency (ms), lookupEventsRate (/s, AWS: 2), organizationsRate (/s), organizationsThrottle (next N calls), denyAssumeRoleInto / failAssumeRoleInto (account ids joined by +).',
    }),
    'trail-dir': Flags.string({description: 'Also deliver the trail as CloudTrail log files (gzipped, S3 key layout) under this directory.'}),
    'trail-bucket': Flags.string({description: 'Name of the S3 bucket that serves --trail-dir (path-style on the same port). Default: lockdown-sim-trail.'}),
  }

  async run(): Promise<unknown> {
    const faults = this.flags.faults ? parseFaults(this.flags.faults) : {}
    const sim = await startSim({scenario: this.flags.scenario, port: this.flags.port, faults, trailDir: this.flags['trail-dir'], trailBucket: this.flags['trail-bucket']}).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') throw new InvalidInputError(`Port ${this.flags.port} on 127.0.0.1 is already in use.`, [], {next: 'lockdown sim serve --port 0 (any free port)'})
      throw error
    })
    const accounts = sim.accounts().map((a) => ({...a, root: sim.rootCredentialsOf(a.id), users: usersOf(sim, a.id)}))
    const users = accounts[0]!.users
    const info: JsonOutput = {endpoint: sim.endpoint, region: sim.region, accountId: sim.accountId, env: sim.env(), root: sim.rootCredentials, users, faults, ...(sim.organization ? {organization: sim.organization} : {}), accounts}
    if (this.jsonEnabled()) {
      // Printed now, not on return: the server keeps running after this line.
      this.logJson(info)
    } else {
      const many = accounts.length > 1
      this.log(
        many
          ? `Simulated AWS organization ${sim.organization!.id} (${accounts.length} accounts, management ${sim.accountId}) listening on ${sim.endpoint} (IAM, STS, CloudTrail, Organizations)`
          : `Simulated AWS account ${sim.accountId} listening on ${sim.endpoint} (IAM, STS, CloudTrail, Organizations)`,
      )
      if (sim.trailBucket) this.log(`Trail bucket s3://${sim.trailBucket.name}/ serves ${this.flags['trail-dir']} (S3 path-style on the same endpoint)`)
      this.log('')
      for (const [k, v] of Object.entries(info.env)) this.log(`export ${k}=${v}`)
      this.log('')
      this.log('Seeded credentials (valid only against this simulator):')
      const width = Math.max(12, ...accounts.flatMap((a) => a.users.map((u) => u.userName.length + 1)))
      for (const a of accounts) {
        if (many) {
          const where = a.management ? 'management' : [a.ouPath.length ? a.ouPath.join('/') : 'root', a.joinedMethod === 'INVITED' ? 'invited, no access role' : undefined].filter(Boolean).join(', ')
          this.log(`  account ${a.id} ${a.name} (${where})${a.state === 'ACTIVE' ? '' : ` ${a.state}: lets nobody in`}`)
        }
        const indent = many ? '    ' : '  '
        this.log(`${indent}${'root'.padEnd(width)} ${a.root.accessKeyId} ${a.root.secretAccessKey}`)
        for (const u of a.users) this.log(`${indent}${u.userName.padEnd(width)} ${u.accessKeyId} ${u.secretAccessKey}`)
      }
      this.log('')
      this.log('Ctrl-C to stop.')
    }
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve)
      process.once('SIGTERM', resolve)
    })
    await sim.stop()
    this.say('Stopped.')
    return undefined
  }
}
