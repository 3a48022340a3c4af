// One simulated account's runtime: state, clock, policy index, authorizer, trail and faults in one place
// that operation handlers receive (the core of the account the caller's credentials belong to). Lookups throw AWS's NoSuchEntity messages so handlers stay short.
import {Authorizer, type ScpLevel} from './authz.js'
import {Clock} from './clock.js'
import {noSuchEntity, validation} from './errors.js'
import type {Faults} from './faults.js'
import {scpLevels} from './org/state.js'
import {PolicyIndex, conditionKeys} from './policy-index.js'
import type {Account, ManagedPolicy, MfaDevice, Role, User} from './state.js'
import {Trail} from './trail.js'
import type {SimWorld} from './world.js'

export class SimCore {
  readonly index: PolicyIndex
  readonly authz: Authorizer
  readonly trail: Trail

  constructor(
    readonly account: Account,
    readonly faults: Faults,
    trailDir?: string,
    /** Shared by every account of one simulator: an offset moves them all. */
    readonly clock = new Clock(),
    /** The other accounts and the organization, for what crosses accounts (AssumeRole, Organizations). */
    readonly world?: SimWorld,
    orgId?: string,
  ) {
    this.index = new PolicyIndex(account, () => this.faults.consistencyDelayMs)
    // The SCPs on this account's path, rebuilt only when a policy or an attachment changed.
    let scps: {version: number; levels: ScpLevel[]; keys: string[]} | undefined
    this.authz = new Authorizer(account, this.index, () => {
      const org = this.world?.org
      if (!org) return undefined
      if (scps?.version !== org.policyVersion) {
        const levels = scpLevels(org, account.id) ?? []
        scps = {version: org.policyVersion, levels, keys: conditionKeys(levels.flatMap((l) => l.policies.map((p) => p.policy)))}
      }
      return scps.levels.length ? scps : undefined
    })
    this.trail = new Trail(account.id, trailDir, orgId)
  }

  user(name: unknown): User {
    required(name, 'userName')
    const u = this.account.users.get(String(name ?? ''))
    if (!u) throw noSuchEntity(`The user with name ${name} cannot be found.`)
    return u
  }

  role(name: unknown): Role {
    required(name, 'roleName')
    const r = this.account.roles.get(String(name ?? ''))
    if (!r) throw noSuchEntity(`The role with name ${name} cannot be found.`)
    return r
  }

  policy(arn: unknown): ManagedPolicy {
    required(arn, 'policyArn')
    const p = this.account.policies.get(String(arn ?? ''))
    if (!p) throw noSuchEntity(`Policy ${arn} does not exist or is not attachable.`)
    return p
  }

  mfa(serial: unknown): MfaDevice {
    required(serial, 'serialNumber')
    const m = this.account.mfa.get(String(serial ?? ''))
    if (!m) throw noSuchEntity(`VirtualMFADevice with serial number ${serial} doesn't exist.`)
    return m
  }
}

/** A missing required member fails validation before any lookup, as AWS answers it. */
export function required(v: unknown, field: string): void {
  if (v === undefined || v === null || v === '') {
    throw validation(`1 validation error detected: Value null at '${field}' failed to satisfy constraint: Member must not be null`)
  }
}
