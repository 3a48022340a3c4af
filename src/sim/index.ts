// The simulated AWS account's library API: start a loopback server that the real AWS SDK clients reach
// through endpoint URLs, seeded from a scenario, with optional faults. See issue 3 and DESIGN.md (src/sim).
import {createServer} from 'node:http'
import type {AddressInfo} from 'node:net'

import {cloudtrailOps, organizationsOps} from './cloudtrail.js'
import {SimCore} from './core.js'
import {DEFAULT_FAULTS, type Faults} from './faults.js'
import {iamOps} from './iam/index.js'
import {athenaOps} from './athena/index.js'
import {lakeOps} from './lake.js'
import {type ParsedScenario, type Scenario, loadScenario, parseScenarioText, resolveScenario} from './scenario.js'
import {parseOffset} from './scenario-schema.js'
import {seedAccount} from './seed.js'
import {makeHandler} from './server.js'
import {snapshotAccount} from './state.js'
import {stsOps} from './sts.js'

export {loadScenario, parseScenarioText, type Scenario, type ParsedScenario}
export {DEFAULT_FAULTS, parseFaults, type Faults} from './faults.js'
export {totp} from './totp.js'

/** The bucket the simulator delivers its trail files to (when trailDir is set): s3://lockdown-sim-trail/AWSLogs/… */
export const TRAIL_BUCKET = 'lockdown-sim-trail'

export interface SimOptions {
  scenario?: Scenario | ParsedScenario | string
  faults?: Partial<Faults>
  port?: number
  host?: '127.0.0.1'
  trailDir?: string
}

export interface SimCredentials {
  accessKeyId: string
  secretAccessKey: string
}

export interface SimHandle {
  /** http://127.0.0.1:PORT — IAM, STS, CloudTrail and Organizations on one port. */
  endpoint: string
  region: string
  accountId: string
  /** The account root: all access, for setup. */
  rootCredentials: SimCredentials
  /** A seeded user's first active key. */
  credentialsFor(userName: string): SimCredentials
  /** Environment for a child process (AWS CLI, `lockdown`): endpoint, region, root credentials. */
  env(): Record<string, string>
  /** The sim clock = real clock + offset (ms). Negative offsets issue sessions "in the past". */
  setClockOffset(ms: number): void
  /** Change faults while running (e.g. turn on eventual consistency for one test). */
  setFaults(f: Partial<Faults>): void
  /** Full account state as plain JSON, stable ordering, no secrets. */
  snapshot(): unknown
  /** The CloudTrail records written so far, oldest first (the same objects LookupEvents returns as JSON). */
  records(): Record<string, unknown>[]
  /** Write pending trail files now (when trailDir is set); returns the files written. */
  flushTrail(): string[]
  /** HTTP requests received so far, signed or not (tests prove "zero AWS requests" with it). */
  requestCount(): number
  stop(): Promise<void>
}

export async function startSim(opts: SimOptions = {}): Promise<SimHandle> {
  const scenario = resolveScenario(opts.scenario)
  const faults: Faults = {...DEFAULT_FAULTS, ...opts.faults}
  const offset = parseOffset(scenario.clockOffset)
  const account = seedAccount(scenario, Date.now() + offset)
  const sim = new SimCore(account, faults, opts.trailDir)
  sim.clock.setOffset(offset)
  const handler = makeHandler(sim, {iam: iamOps, sts: stsOps, cloudtrail: {...cloudtrailOps, ...lakeOps(sim.trail)}, organizations: organizationsOps, athena: athenaOps({bucketDir: (b) => (opts.trailDir && b === TRAIL_BUCKET ? opts.trailDir : undefined)})})
  let requests = 0
  const server = createServer((req, res) => {
    requests++
    handler(req, res).catch((e) => {
      console.error(e)
      if (!res.headersSent) res.writeHead(500)
      res.end()
    })
  })
  server.keepAliveTimeout = 30_000
  const host = opts.host ?? '127.0.0.1'
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(opts.port ?? 0, host, () => resolve())
  })
  const port = (server.address() as AddressInfo).port
  const endpoint = `http://${host}:${port}`
  const region = 'us-east-1'
  const rootCredentials = {accessKeyId: account.rootKey.id, secretAccessKey: account.rootKey.secret}
  return {
    endpoint,
    region,
    accountId: account.id,
    rootCredentials,
    credentialsFor(userName) {
      const key = [...account.keys.values()].find((k) => k.userName === userName && k.status === 'Active')
      if (!key) throw new Error(`No active access key for user ${userName} in the simulated account`)
      return {accessKeyId: key.id, secretAccessKey: key.secret}
    },
    env: () => ({
      AWS_ENDPOINT_URL: endpoint,
      AWS_REGION: region,
      AWS_DEFAULT_REGION: region,
      AWS_ACCESS_KEY_ID: rootCredentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: rootCredentials.secretAccessKey,
      AWS_EC2_METADATA_DISABLED: 'true',
    }),
    setClockOffset: (ms) => sim.clock.setOffset(ms),
    setFaults: (f) => Object.assign(sim.faults, f),
    snapshot: () => snapshotAccount(account),
    records: () => sim.trail.events.map((e) => e.record),
    flushTrail: () => sim.trail.flush(),
    requestCount: () => requests,
    async stop() {
      sim.trail.close()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
