// Where a drill runs: the embedded simulated account (default), or a real sandbox account the drill
// seeds and cleans up. The rest of the drill sees only this interface.
import type {AwsOptions} from '../aws/clients.js'
import {loadScenario, startSim, type Faults} from '../sim/index.js'
import type {Credentials} from './attacker.js'

export interface DrillTarget {
  description: string
  region: string
  /** lockdown's own access (the responder running the playbook). */
  aws: AwsOptions
  faults: Record<string, number>
  /** The access key the scenario gives a user (what the attacker "leaked"), in `account` if given. */
  credentialsFor(user: string, account?: string): Credentials
  /** An organization scenario: forensics reads every account's trail, not only lockdown's own. */
  organization: boolean
  mfaSeedFor(user: string): string | undefined
  /** How long CloudTrail may take to show events (LookupEvents lags by minutes in AWS). */
  trailDelayMs: number
  /**
   * What an undo must restore, as plain JSON: every account's IAM policies, trusts, tags and key states, and
   * the organization's SCPs (by name, content, targets). Undefined where it cannot be read whole (a sandbox).
   */
  snapshot?(): unknown
  /** Removes what the drill seeded; the simulated account simply vanishes. */
  revert(): Promise<{ok: boolean; detail: string}>
  close(): Promise<void>
}

/** What a real account does to a burst of writes: throttling, the odd 5xx, and IAM propagation delay. */
export const REALISTIC_FAULTS: Partial<Faults> = {latencyMs: 5, errorRate: 0.01, iamWriteRate: 25, iamWriteBurst: 10, consistencyDelayMs: 400, lookupEventsRate: 2}
const IDEAL_FAULTS: Partial<Faults> = {latencyMs: 0, errorRate: 0, iamWriteRate: 0, consistencyDelayMs: 0, lookupEventsRate: 0}

export async function simTarget(scenarioPath: string, ideal: boolean): Promise<DrillTarget> {
  const scenario = loadScenario(scenarioPath)
  const faults = ideal ? IDEAL_FAULTS : REALISTIC_FAULTS
  const sim = await startSim({scenario, faults})
  return {
    description: `simulated account ${sim.accountId} (embedded, ${sim.endpoint})`,
    region: sim.region,
    aws: {endpoint: sim.endpoint, region: sim.region, credentials: sim.rootCredentials},
    faults: Object.fromEntries(Object.entries(faults).filter(([, v]) => v)) as Record<string, number>,
    credentialsFor: (user, account) => sim.credentialsFor(user, account),
    organization: Boolean(scenario.organization),
    mfaSeedFor: (user) => scenario.users.find((u) => u.name === user)?.mfa?.seed,
    trailDelayMs: 0,
    snapshot: () => ({accounts: Object.fromEntries(sim.accounts().map((a) => [a.id, withoutUse(sim.snapshot(a.id))])), organization: sim.organizationSnapshot()}),
    revert: async () => ({ok: true, detail: 'the simulated account is discarded'}),
    close: () => sim.stop(),
  }
}

/**
 * Sessions (lockdown's own, the attacker's, the responders') and last-use dates move on with every call the
 * drill makes; they are not state an undo restores. Everything else is: policies, trusts, tags, key states.
 */
function withoutUse(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutUse)
  if (!v || typeof v !== 'object') return v
  return Object.fromEntries(Object.entries(v).filter(([k]) => k !== 'lastUsed' && k !== 'sessions').map(([k, x]) => [k, withoutUse(x)]))
}
