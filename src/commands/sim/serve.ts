import {Flags} from '@oclif/core'

import {BaseCommand} from '../../cli/base-command.js'
import {exitCodeHelp, InvalidInputError} from '../../errors.js'
import {parseFaults, startSim, type Faults, type SimCredentials} from '../../sim/index.js'

/** What --json prints as soon as the server listens (it keeps serving, so run() returns nothing). */
export interface JsonOutput {
  endpoint: string
  region: string
  accountId: string
  env: Record<string, string>
  root: SimCredentials
  users: Array<SimCredentials & {userName: string}>
  faults: Partial<Faults>
}

export default class SimServe extends BaseCommand<typeof SimServe> {
  static override summary = 'Run a simulated AWS account (IAM, STS, CloudTrail, Organizations) on 127.0.0.1.'
  static override description =
    'The real AWS SDK and CLI reach it through AWS_ENDPOINT_URL. Requests are SigV4-verified, authorized with real policy evaluation and written to a CloudTrail-shaped trail (LookupEvents). Prints the endpoint, export lines and seeded credentials, then serves until Ctrl-C / SIGTERM.' +
    '\n\n' +
    exitCodeHelp()
  static override examples = [
    '<%= config.bin %> sim serve --scenario playbooks/scenarios/demo-account.yaml',
    '<%= config.bin %> sim serve --port 4599 --faults latency=50,consistency=2000',
    'eval "$(<%= config.bin %> sim serve --scenario playbooks/scenarios/demo-account.yaml | grep ^export)"',
  ]
  static override flags = {
    scenario: Flags.string({description: 'Scenario YAML seeding the account (users, keys, roles, policies).'}),
    port: Flags.integer({description: 'Port on 127.0.0.1 (0 = any free port).', default: 4599, min: 0, max: 65535}),
    faults: Flags.string({description: 'Faults as key=value,…: latency (ms), errorRate (0..1), iamWriteRate (/s), iamWriteBurst, consistency (ms), lookupEventsRate (/s, AWS: 2).'}),
    'trail-dir': Flags.string({description: 'Also deliver the trail as CloudTrail log files (gzipped, S3 key layout) under this directory.'}),
    'trail-bucket': Flags.string({description: 'Name of the S3 bucket that serves --trail-dir (path-style on the same port). Default: lockdown-sim-trail.'}),
  }

  async run(): Promise<unknown> {
    const faults = this.flags.faults ? parseFaults(this.flags.faults) : {}
    const sim = await startSim({scenario: this.flags.scenario, port: this.flags.port, faults, trailDir: this.flags['trail-dir'], trailBucket: this.flags['trail-bucket']}).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') throw new InvalidInputError(`Port ${this.flags.port} on 127.0.0.1 is already in use.`, [], {next: 'lockdown sim serve --port 0 (any free port)'})
      throw error
    })
    const snap = sim.snapshot() as {users: Array<{name: string}>}
    const users = snap.users.flatMap((u) => {
      try {
        return [{userName: u.name, ...sim.credentialsFor(u.name)}]
      } catch {
        return [] // a user without an active key has nothing to hand out
      }
    })
    const info: JsonOutput = {endpoint: sim.endpoint, region: sim.region, accountId: sim.accountId, env: sim.env(), root: sim.rootCredentials, users, faults}
    if (this.jsonEnabled()) {
      // Printed now, not on return: the server keeps running after this line.
      this.logJson(info)
    } else {
      this.log(`Simulated AWS account ${sim.accountId} listening on ${sim.endpoint} (IAM, STS, CloudTrail, Organizations)`)
      if (sim.trailBucket) this.log(`Trail bucket s3://${sim.trailBucket.name}/ serves ${this.flags['trail-dir']} (S3 path-style on the same endpoint)`)
      this.log('')
      for (const [k, v] of Object.entries(info.env)) this.log(`export ${k}=${v}`)
      this.log('')
      this.log('Seeded credentials (valid only against this simulator):')
      this.log(`  root         ${sim.rootCredentials.accessKeyId} ${sim.rootCredentials.secretAccessKey}`)
      for (const u of users) this.log(`  ${u.userName.padEnd(12)} ${u.accessKeyId} ${u.secretAccessKey}`)
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
