// The only place that builds AWS SDK clients. Everything else receives a `Clients` bundle through the
// action context, so the same code talks to AWS or to the simulated account (src/sim) depending only on
// the standard AWS_ENDPOINT_URL* variables or an explicit endpoint.
import type {AthenaClient} from '@aws-sdk/client-athena'
import type {CloudTrailClient} from '@aws-sdk/client-cloudtrail'
import {IAMClient} from '@aws-sdk/client-iam'
import type {OrganizationsClient} from '@aws-sdk/client-organizations'
import type {S3Client} from '@aws-sdk/client-s3'
import {STSClient} from '@aws-sdk/client-sts'
import type {AwsCredentialIdentity, AwsCredentialIdentityProvider} from '@smithy/types'

import {VERSION} from '../version.js'
import {athenaSdk, cloudTrailSdk, organizationsSdk, s3Sdk} from './sdk.js'
import {classifyAwsError} from './errors.js'
import {withFastConfig} from './fast-config.js'
import {LeanHttpHandler} from './http-handler.js'
import {abortError, onAbortOf} from './on-abort.js'
import {WriteAdmission} from './write-admission.js'
import {WritePacer} from './write-pacer.js'

export interface AwsOptions {
  /** Named profile from ~/.aws/config (SSO profiles work: the SDK resolves them). */
  profile?: string
  /** Region for regional services (STS, CloudTrail). IAM is global and always signs for us-east-1. */
  region?: string
  /** Explicit endpoint for every service; otherwise AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_<SERVICE> apply. */
  endpoint?: string
  /** Explicit credentials (tests, drills, break-glass sessions); otherwise the default provider chain. */
  credentials?: AwsCredentialIdentity
  /** A credentials provider instead (an entered member account, which renews its AssumeRole session). */
  credentialsProvider?: AwsCredentialIdentityProvider
  /** Stamped into the user agent (`run/<id>`) so the tool's own calls are findable in CloudTrail. */
  runId?: string
  /** Attempts per call with adaptive retry (client-side rate limiting on throttles). */
  maxAttempts?: number
  /** The longest one AWS call may take, retries included (--aws-timeout); default DEFAULT_AWS_TIMEOUT_MS. */
  timeoutMs?: number
}

/** Long enough for adaptive retries under throttling, short enough that a silent endpoint is no hang. */
export const DEFAULT_AWS_TIMEOUT_MS = 60_000
/** A TCP/TLS connection that is not up by then will not come up; AWS connects in milliseconds. */
const MAX_CONNECT_TIMEOUT_MS = 10_000

/** An AWS call got no answer in time (an endpoint that accepts connections and never replies). */
export class AwsTimeoutError extends Error {
  constructor(
    readonly operation: string,
    readonly timeoutMs: number,
    readonly endpoint: string | undefined,
  ) {
    super(`${operation}: no answer from ${endpoint ?? 'AWS'} within ${timeoutMs / 1000}s`)
    this.name = 'AwsTimeoutError'
  }
}

export interface Clients {
  iam: IAMClient
  sts: STSClient
  /** Loaded on first use: only organization scope and SCP actions call it. */
  organizations: SendOnly<OrganizationsClient>
  /** CloudTrail is regional: one client per region, loaded and built on first use (forensics, break-glass). */
  cloudtrail(region?: string): SendOnly<CloudTrailClient>
  /** Athena is regional, and loaded on first use (only `--source athena` and `trail athena setup` need it). */
  athena(region?: string): Promise<AthenaClient>
  /** S3 (the trail bucket), per region, built on first use; path-style when an endpoint is set (the simulator). */
  s3(region?: string): Promise<S3Client>
  readonly region: string
  /** How many changes of this account are worked at once while AWS throttles its IAM writes (apply enters it per change). */
  readonly writeAdmission: WriteAdmission
  destroy(): void
}

export function userAgentPairs(runId?: string): [string, string][] {
  const pairs: [string, string][] = [['lockdown', VERSION]]
  if (runId) pairs.push(['run', runId])
  return pairs
}

export function makeClients(opts: AwsOptions = {}): Clients {
  const region = opts.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1'
  const timeoutMs = opts.timeoutMs ?? DEFAULT_AWS_TIMEOUT_MS
  const common = {
    ...(opts.profile ? {profile: opts.profile} : {}),
    ...(opts.endpoint ? {endpoint: opts.endpoint} : {}),
    ...(opts.credentials ? {credentials: opts.credentials} : {}),
    ...(opts.credentialsProvider ? {credentials: opts.credentialsProvider} : {}),
    customUserAgent: userAgentPairs(opts.runId),
    retryMode: 'adaptive' as const,
    maxAttempts: opts.maxAttempts ?? 6,
    // Per attempt: the SDK's defaults wait minutes on a socket that accepted and never answers.
    requestHandler: {connectionTimeout: Math.min(timeoutMs, MAX_CONNECT_TIMEOUT_MS), requestTimeout: timeoutMs},
  }
  const endpoint = opts.endpoint ?? process.env.AWS_ENDPOINT_URL
  const bound = <C extends SendsCommands & {config: object}>(c: C) => withDeadline(withFastConfig(c), timeoutMs, endpoint, false)
  // IAM carries a revoke's thousands of calls: its clients build their middleware once per command type
  // (cacheMiddleware), which takes each call's abort signal off `send`'s options (carriedSignal).
  const boundIam = (c: IAMClient) => withDeadline(carriedSignal(withFastConfig(c)), timeoutMs, endpoint, true)
  // IAM's handler bounds only the connection: withDeadline's timer bounds the whole call, every attempt
  // included, so a second per-attempt timer of the same length would never fire first.
  const iamHandler = () => new LeanHttpHandler({connectionTimeout: common.requestHandler.connectionTimeout})
  const iam = boundIam(new IAMClient({...common, region: 'us-east-1', cacheMiddleware: true, requestHandler: iamHandler()}))
  // Writes go through their own client: the SDK's adaptive limiter, once a write is throttled, slows
  // every call of the client that saw it, and reads (plan, verify) must not wait for IAM's write limit.
  // Its retries are ours (pacedWrites), at the pace AWS grants instead of exponential backoff.
  const iamWrites = boundIam(new IAMClient({...common, region: 'us-east-1', retryMode: 'standard', maxAttempts: 1, cacheMiddleware: true, requestHandler: iamHandler()}))
  const writeAdmission = new WriteAdmission()
  pacedWrites(iam, iamWrites, opts.maxAttempts ?? common.maxAttempts, new WritePacer(undefined, writeAdmission))
  const sts = bound(new STSClient({...common, region}))
  const organizations = lazyClient(() => organizationsSdk().then(({OrganizationsClient}) => bound(new OrganizationsClient({...common, region: 'us-east-1'}))))
  const trails = new Map<string, SendOnly<CloudTrailClient>>()
  const athenas = new Map<string, Promise<AthenaClient>>()
  const buckets = new Map<string, Promise<S3Client>>()
  // A custom endpoint (the simulator, a VPC endpoint URL) has no per-bucket host names: address the bucket in the path.
  const pathStyle = Boolean(opts.endpoint ?? process.env.AWS_ENDPOINT_URL_S3 ?? process.env.AWS_ENDPOINT_URL)
  return {
    iam,
    sts,
    organizations,
    region,
    writeAdmission,
    cloudtrail(r = region) {
      let c = trails.get(r)
      if (!c) {
        c = lazyClient(() => cloudTrailSdk().then(({CloudTrailClient}) => bound(new CloudTrailClient({...common, region: r}))))
        trails.set(r, c)
      }
      return c
    },
    athena(r = region) {
      let c = athenas.get(r)
      if (!c) {
        c = athenaSdk().then(({AthenaClient}) => bound(new AthenaClient({...common, region: r})))
        athenas.set(r, c)
      }
      return c
    },
    s3(r = region) {
      let c = buckets.get(r)
      if (!c) {
        c = s3Sdk().then(({S3Client}) => bound(new S3Client({...common, region: r, forcePathStyle: pathStyle})))
        buckets.set(r, c)
      }
      return c
    },
    destroy() {
      iam.destroy()
      iamWrites.destroy()
      sts.destroy()
      organizations.destroy()
      for (const c of trails.values()) c.destroy()
      for (const c of athenas.values()) void c.then((a) => a.destroy())
      for (const c of buckets.values()) void c.then((b) => b.destroy())
    },
  }
}

/** IAM actions that change nothing: AWS's write limit does not apply to them. */
const IAM_READ = /^(Get|List|Simulate|Generate)/
/** Throttled attempts one write may make: paced, each waits for a slot the limit grants, not for backoff. */
const MAX_THROTTLED_ATTEMPTS = 20

/**
 * Sends IAM writes through `writes`, paced by one WritePacer for the whole bundle (AWS throttles writes
 * per account, not per call); reads stay on `reads`. A throttled write is sent again at its next slot;
 * a 5xx or a dropped connection is retried with backoff, as the SDK would, up to `maxAttempts`.
 * `maxAttempts: 1` stays one attempt (the drill attacker's probes must see what AWS answered).
 */
function pacedWrites(reads: IAMClient, writes: IAMClient, maxAttempts: number, pacer: WritePacer): void {
  const readSend = reads.send.bind(reads) as SendsCommands['send']
  const writeSend = writes.send.bind(writes) as SendsCommands['send']
  const send = async (command: {constructor: {name: string}}, options?: {abortSignal?: AbortSignal}) => {
    if (IAM_READ.test(command.constructor.name)) return readSend(command, options)
    // One place in the pacer's queue for all of the write's attempts: a throttled write goes next.
    const ticket = pacer.ticket()
    for (let attempt = 1, failed = 0; ; attempt++) {
      await pacer.slot(options?.abortSignal, ticket)
      try {
        const out = await writeSend(command, options)
        pacer.onAccepted()
        return out
      } catch (error) {
        // A call that had no answer in the whole deadline is not tried again: that would be minutes.
        if (maxAttempts <= 1 || options?.abortSignal?.aborted || error instanceof AwsTimeoutError) throw error
        const {kind} = classifyAwsError(error)
        const status = (error as {$metadata?: {httpStatusCode?: number}}).$metadata?.httpStatusCode ?? 0
        if (kind === 'throttled' && attempt < Math.max(maxAttempts, MAX_THROTTLED_ATTEMPTS)) {
          pacer.onThrottled()
          continue
        }
        // What the SDK's standard retries retry: a 5xx, a connection that dropped or never came up.
        if ((status >= 500 || kind === 'unreachable') && ++failed < maxAttempts) {
          await new Promise((r) => setTimeout(r, Math.random() * 100 * 2 ** failed))
          continue
        }
        throw error
      }
    }
  }
  reads.send = send as IAMClient['send']
}

/** What callers use of a client that is loaded on first use: `send` (with the SDK's typing) and `destroy`. */
export type SendOnly<C extends {send: unknown; destroy(): void}> = Pick<C, 'send' | 'destroy'>

/**
 * A client whose SDK package is imported on the first `send`: each package costs tens of milliseconds to
 * load, and a revoke, which never calls CloudTrail or Organizations, started slower for loading both.
 */
function lazyClient<C extends SendsCommands & {destroy(): void}>(load: () => Promise<C>): SendOnly<C> {
  let client: Promise<C> | undefined
  const get = () => (client ??= load())
  return {
    send: ((...args: unknown[]) => get().then((c) => c.send(...args))) as C['send'],
    // A client still loading is destroyed once it is built (its sockets would otherwise keep the process up).
    destroy: () => void client?.then((c) => c.destroy(), () => undefined),
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type SendsCommands = {send: (...args: any[]) => Promise<unknown>}

/**
 * Where a client built with `cacheMiddleware` finds a call's abort signal. The SDK then resolves one
 * handler per command type, shared by every call of that type, and uses it only when `send` gets no
 * options: a per-call signal cannot go there. It rides on the call's input instead, is copied onto the
 * signed request just before it goes out (every attempt), and the request handler aborts that request.
 */
const CALL_SIGNAL = Symbol('lockdown.callSignal')

interface CarriesSignal {
  [CALL_SIGNAL]?: AbortSignal
}

function carriedSignal<C extends IAMClient>(client: C): C {
  client.middlewareStack.add(
    (next) => (args) => {
      const signal = (args.input as CarriesSignal)[CALL_SIGNAL]
      if (signal) (args.request as CarriesSignal)[CALL_SIGNAL] = signal
      return next(args)
    },
    {step: 'deserialize', priority: 'low', name: 'lockdownCallSignal'},
  )
  const handler = client.config.requestHandler as {handle: (request: CarriesSignal, options?: {abortSignal?: AbortSignal}) => Promise<unknown>}
  const handle = handler.handle.bind(handler)
  handler.handle = (request, options) => {
    const signal = request[CALL_SIGNAL]
    return handle(request, signal ? {...options, abortSignal: signal} : options)
  }
  return client
}

/**
 * Bounds every call, all its retries included: each attempt has its own request timeout, but six
 * attempts with backoff would still be minutes. The caller's abortSignal (SIGINT) is kept. Either one
 * aborts the request on the wire and settles the call at once, also while the SDK waits out a backoff.
 * `carriesSignal`: the client went through carriedSignal, and the signal goes on the input.
 * (One timer and one controller a call: AbortSignal.timeout and AbortSignal.any cost more than the call's
 * own signing, and every call of a 1,000-role revoke paid them.)
 */
function withDeadline<C extends SendsCommands>(client: C, timeoutMs: number, endpoint: string | undefined, carriesSignal: boolean): C {
  const send = client.send.bind(client)
  const bounded = (command: {constructor: {name: string}; input?: CarriesSignal}, options?: {abortSignal?: AbortSignal}) => {
    const caller = options?.abortSignal
    const call = new AbortController()
    return new Promise((resolve, reject) => {
      const stop = (error: unknown) => {
        call.abort(error)
        reject(error)
      }
      if (caller?.aborted) return stop(abortError(caller.reason))
      const timer = setTimeout(() => stop(new AwsTimeoutError(command.constructor.name.replace(/Command$/, ''), timeoutMs, endpoint)), timeoutMs)
      const unfollow = onAbortOf(caller, (reason) => stop(abortError(reason)))
      let sent: Promise<unknown>
      if (carriesSignal && command.input) {
        // Not enumerable: the input stays what the caller built for anything that lists its keys.
        Object.defineProperty(command.input, CALL_SIGNAL, {value: call.signal, configurable: true, writable: true, enumerable: false})
        sent = send(command)
      } else sent = send(command, {...options, abortSignal: call.signal})
      sent.then(resolve, reject).finally(() => {
        clearTimeout(timer)
        unfollow()
      })
    })
  }
  client.send = bounded as C['send']
  return client
}
