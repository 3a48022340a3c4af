// The simulated AWS account's library API: start a loopback server that the real AWS SDK clients reach
// through endpoint URLs, seeded from a scenario, with optional faults. See issue 3 and DESIGN.md (src/sim).
import {createServer} from 'node:http'
import type {AddressInfo} from 'node:net'

import {cloudtrailOps} from './cloudtrail.js'
import {DEFAULT_FAULTS, type Faults} from './faults.js'
import {iamOps} from './iam/index.js'
import {athenaOps} from './athena/index.js'
import {lakeOps} from './lake.js'
import {type ParsedScenario, type Scenario, loadScenario, parseScenarioText, resolveScenario} from './scenario.js'
import {parseOffset} from './scenario-schema.js'
import {organizationsOps} from './org/api.js'
import {seedWorld} from './org/seed.js'
import {isS3Request, makeTrailBucket, type S3Request} from './s3/server.js'
import {makeHandler} from './server.js'
import {snapshotOrganization} from './org/snapshot.js'
import {snapshotAccount} from './state.js'
import {stsOps} from './sts.js'
import {SimWorld} from './world.js'

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
  /** With trailDir: the S3 bucket serving it (path-style on the same port, and Athena's tables). Default: TRAIL_BUCKET. */
  trailBucket?: string
}

export interface SimCredentials {
  accessKeyId: string
  secretAccessKey: string
}

/** One account the simulator hosts, as the organization sees it. */
export interface SimAccount {
  id: string
  name: string
  state: 'ACTIVE' | 'SUSPENDED' | 'PENDING_CLOSURE' | 'CLOSED'
  joinedMethod: 'CREATED' | 'INVITED'
  /** The root's or OU's id the account sits in. */
  parentId: string
  /** OU names from the root down, e.g. ['Workloads', 'Prod'] ([] under the root). */
  ouPath: string[]
  management: boolean
}

export interface SimHandle {
  /** http://127.0.0.1:PORT — IAM, STS, CloudTrail and Organizations on one port, for every account. */
  endpoint: string
  region: string
  /** The top-level account of the scenario: the management account when there is an organization. */
  accountId: string
  /** The organization, unless the scenario says `organization: false`. */
  organization?: {id: string; rootId: string; managementId: string}
  /** Every account hosted, the management account first, then members as declared. */
  accounts(): SimAccount[]
  /** The top-level account's root: all access, for setup. */
  rootCredentials: SimCredentials
  /** Another hosted account's root. */
  rootCredentialsOf(accountId: string): SimCredentials
  /** A seeded user's first active key, in the top-level account or in `accountId`. */
  credentialsFor(userName: string, accountId?: string): SimCredentials
  /** Environment for a child process (AWS CLI, `lockdown`): endpoint, region, root credentials (of `accountId`). */
  env(accountId?: string): Record<string, string>
  /** The sim clock = real clock + offset (ms), for every account. Negative offsets issue sessions "in the past". */
  setClockOffset(ms: number): void
  /** Change faults while running (e.g. turn on eventual consistency for one test). */
  setFaults(f: Partial<Faults>): void
  /** One account's state (default the top-level one) as plain JSON, stable ordering, no secrets. */
  snapshot(accountId?: string): unknown
  /**
   * The organization's policy state as plain JSON: policy types on the root and every SCP by name (ids change
   * when one is deleted and created again) with its content and the targets it is attached to, sorted.
   */
  organizationSnapshot(): unknown
  /** One account's CloudTrail records so far (default the top-level one), oldest first (as LookupEvents returns them). */
  records(accountId?: string): Record<string, unknown>[]
  /** The same, with each request's sim-clock time in ms and its event name (a benchmark's timeline). */
  events(accountId?: string): {time: number; eventName: string; errorCode?: string}[]
  /** Write pending trail files of every account now (when trailDir is set); returns the files written. */
  flushTrail(): string[]
  /** HTTP requests received so far, signed or not (tests prove "zero AWS requests" with it). */
  requestCount(): number
  /** The trail bucket when a trail directory is delivered to (S3 ListObjectsV2/GetObject/HeadObject), and the S3 requests it answered. */
  trailBucket?: {name: string; requests(): S3Request[]}
  stop(): Promise<void>
}

export async function startSim(opts: SimOptions = {}): Promise<SimHandle> {
  const scenario = resolveScenario(opts.scenario)
  const faults: Faults = {...DEFAULT_FAULTS, ...opts.faults}
  const offset = parseOffset(scenario.clockOffset)
  const {accounts, org} = seedWorld(scenario, Date.now() + offset)
  const world = new SimWorld(faults, org, accounts, opts.trailDir)
  world.clock.setOffset(offset)
  const trailBucket = opts.trailBucket ?? TRAIL_BUCKET
  const handler = makeHandler(world, {
    iam: iamOps,
    sts: stsOps,
    cloudtrail: {...cloudtrailOps, ...lakeOps()},
    organizations: organizationsOps,
    athena: athenaOps({bucketDir: (b) => (opts.trailDir && b === trailBucket ? opts.trailDir : undefined)}),
  })
  // Without a trail directory S3 still answers (every bucket is NoSuchBucket), as an account without the bucket would.
  const bucket = makeTrailBucket({name: trailBucket, dir: opts.trailDir, region: 'us-east-1', owner: () => world.management, resolve: (k, t, n) => world.resolve(k, t, n), now: () => world.clock.now()})
  let requests = 0
  const server = createServer((req, res) => {
    requests++
    ;(isS3Request(req) ? bucket.handle : handler)(req, res).catch((e) => {
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
  const management = world.management.account
  const core = (id: string | undefined) => {
    const c = world.core(id ?? management.id)
    if (!c) throw new Error(`Account ${id} is not one the simulator hosts (${[...world.cores.keys()].join(', ')})`)
    return c
  }
  const rootOf = (id?: string) => {
    const a = core(id).account
    return {accessKeyId: a.rootKey.id, secretAccessKey: a.rootKey.secret}
  }
  const rootCredentials = rootOf()
  const ouPath = (parentId: string) => {
    const names: string[] = []
    for (let cur = org?.ous.get(parentId); cur; cur = org?.ous.get(cur.parentId)) names.unshift(cur.name)
    return names
  }
  return {
    endpoint,
    region,
    accountId: management.id,
    ...(org ? {organization: {id: org.id, rootId: org.rootId, managementId: org.managementId}} : {}),
    accounts: () =>
      [...world.cores.values()].map(({account: a}) => {
        const m = org?.accounts.get(a.id)
        return {id: a.id, name: m?.name ?? a.alias ?? a.id, state: m?.state ?? 'ACTIVE', joinedMethod: m?.joinedMethod ?? 'CREATED', parentId: m?.parentId ?? '', ouPath: m ? ouPath(m.parentId) : [], management: a.id === management.id}
      }),
    rootCredentials,
    rootCredentialsOf: (id) => rootOf(id),
    credentialsFor(userName, accountId) {
      const a = core(accountId).account
      const key = [...a.keys.values()].find((k) => k.userName === userName && k.status === 'Active')
      if (!key) throw new Error(`No active access key for user ${userName} in the simulated account ${a.id}`)
      return {accessKeyId: key.id, secretAccessKey: key.secret}
    },
    env: (accountId) => {
      const root = rootOf(accountId)
      return {
        AWS_ENDPOINT_URL: endpoint,
        AWS_REGION: region,
        AWS_DEFAULT_REGION: region,
        AWS_ACCESS_KEY_ID: root.accessKeyId,
        AWS_SECRET_ACCESS_KEY: root.secretAccessKey,
        AWS_EC2_METADATA_DISABLED: 'true',
      }
    },
    setClockOffset: (ms) => world.clock.setOffset(ms),
    setFaults: (f) => Object.assign(world.faults, f),
    snapshot: (accountId) => snapshotAccount(core(accountId).account),
    organizationSnapshot: () => (org ? snapshotOrganization(org) : undefined),
    records: (accountId) => core(accountId).trail.events.map((e) => e.record),
    events: (accountId) =>
      core(accountId).trail.events.map((e) => ({time: e.time, eventName: e.eventName, ...(e.record.errorCode ? {errorCode: String(e.record.errorCode)} : {})})),
    flushTrail: () => [...world.cores.values()].flatMap((c) => c.trail.flush()),
    requestCount: () => requests,
    trailBucket: opts.trailDir ? {name: bucket.name, requests: () => bucket.log} : undefined,
    async stop() {
      for (const c of world.cores.values()) c.trail.close()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
