// The only place that builds AWS SDK clients. Everything else receives a `Clients` bundle through the
// action context, so the same code talks to AWS or to the simulated account (src/sim) depending only on
// the standard AWS_ENDPOINT_URL* variables or an explicit endpoint.
import {CloudTrailClient} from '@aws-sdk/client-cloudtrail'
import {IAMClient} from '@aws-sdk/client-iam'
import {OrganizationsClient} from '@aws-sdk/client-organizations'
import {STSClient} from '@aws-sdk/client-sts'
import type {AwsCredentialIdentity} from '@smithy/types'

import {VERSION} from '../version.js'

export interface AwsOptions {
  /** Named profile from ~/.aws/config (SSO profiles work: the SDK resolves them). */
  profile?: string
  /** Region for regional services (STS, CloudTrail). IAM is global and always signs for us-east-1. */
  region?: string
  /** Explicit endpoint for every service; otherwise AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_<SERVICE> apply. */
  endpoint?: string
  /** Explicit credentials (tests, drills, break-glass sessions); otherwise the default provider chain. */
  credentials?: AwsCredentialIdentity
  /** Stamped into the user agent (`run/<id>`) so the tool's own calls are findable in CloudTrail. */
  runId?: string
  /** Attempts per call with adaptive retry (client-side rate limiting on throttles). */
  maxAttempts?: number
}

export interface Clients {
  iam: IAMClient
  sts: STSClient
  organizations: OrganizationsClient
  /** CloudTrail is regional: one client per region, built on first use. */
  cloudtrail(region?: string): CloudTrailClient
  readonly region: string
  destroy(): void
}

export function userAgentPairs(runId?: string): [string, string][] {
  const pairs: [string, string][] = [['lockdown', VERSION]]
  if (runId) pairs.push(['run', runId])
  return pairs
}

export function makeClients(opts: AwsOptions = {}): Clients {
  const region = opts.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1'
  const common = {
    ...(opts.profile ? {profile: opts.profile} : {}),
    ...(opts.endpoint ? {endpoint: opts.endpoint} : {}),
    ...(opts.credentials ? {credentials: opts.credentials} : {}),
    customUserAgent: userAgentPairs(opts.runId),
    retryMode: 'adaptive' as const,
    maxAttempts: opts.maxAttempts ?? 6,
  }
  const iam = new IAMClient({...common, region: 'us-east-1'})
  const sts = new STSClient({...common, region})
  const organizations = new OrganizationsClient({...common, region: 'us-east-1'})
  const trails = new Map<string, CloudTrailClient>()
  return {
    iam,
    sts,
    organizations,
    region,
    cloudtrail(r = region) {
      let c = trails.get(r)
      if (!c) {
        c = new CloudTrailClient({...common, region: r})
        trails.set(r, c)
      }
      return c
    },
    destroy() {
      iam.destroy()
      sts.destroy()
      organizations.destroy()
      for (const c of trails.values()) c.destroy()
    },
  }
}
