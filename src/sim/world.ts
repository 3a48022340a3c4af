// Every account one simulator hosts, with the organization they form: one clock and one set of faults for
// all, one SimCore (IAM state, policy index, authorizer, trail) per account. A request is served by the core
// of the account its credentials belong to, so a key, a session and an ARN always name one account.
import {Clock} from './clock.js'
import {SimCore} from './core.js'
import {AwsError} from './errors.js'
import type {Faults} from './faults.js'
import {type Caller, resolveKey} from './identity.js'
import type {OrgAccount, Organization} from './org/state.js'
import type {Account} from './state.js'

const invalidToken = () => new AwsError('InvalidClientTokenId', 'The security token included in the request is invalid.', 403)

export class SimWorld {
  readonly clock = new Clock()
  readonly cores = new Map<string, SimCore>()
  readonly management: SimCore

  constructor(
    readonly faults: Faults,
    /** Undefined when the account is in no organization (`organization: false`). */
    readonly org: Organization | undefined,
    accounts: Account[],
    trailDir?: string,
  ) {
    // An organization trail delivers every account's files under the organization's id; a lone account's
    // trail under the account alone (what a scenario without `organization:` always wrote).
    const orgPrefix = org?.declared ? org.id : undefined
    for (const a of accounts) this.cores.set(a.id, new SimCore(a, faults, trailDir, this.clock, this, orgPrefix))
    this.management = this.cores.get(accounts[0]!.id)!
  }

  core(accountId: string): SimCore | undefined {
    return this.cores.get(accountId)
  }

  orgAccount(accountId: string): OrgAccount | undefined {
    return this.org?.accounts.get(accountId)
  }

  /** An account that is in the organization but not ACTIVE (suspended, closing, closed) lets nobody in. */
  isActive(accountId: string): boolean {
    const m = this.orgAccount(accountId)
    return !m || m.state === 'ACTIVE'
  }

  /** Which account a key belongs to, the caller it names, and the secret to verify the signature with. */
  resolve(keyId: string, token: string | undefined, now: number): {core: SimCore; caller: Caller; secret: string} {
    for (const core of this.cores.values()) {
      const a = core.account
      if (keyId !== a.rootKey.id && !a.keys.has(keyId) && !a.sessions.has(keyId)) continue
      if (!this.isActive(a.id)) throw invalidToken()
      return {core, ...resolveKey(a, keyId, token, now)}
    }
    throw invalidToken()
  }
}
