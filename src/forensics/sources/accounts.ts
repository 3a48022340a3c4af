// LookupEvents across accounts: one LookupSource per account, so each account × region pair has its own
// token bucket (AWS's limit is 2 requests/s per account and region) and all pairs run side by side.
// An account that could not be entered, or a region that fails, is a named gap; it never silently
// empties the report, and it never stops the other accounts (c7n-org's and Steampipe's failure mode).
import {awsErrorText, classifyAwsError} from '../../aws/errors.js'
import type {CloudTrailClient} from '../../aws/cloudtrail.js'
import {PreflightError} from '../../errors.js'
import type {Coverage, Unreached} from '../../report/types.js'
import type {TrailEvent} from '../event.js'
import {LookupSource} from './lookup.js'
import {mergeAsync, type Clock} from './rate.js'
import type {SourceStats, TrailQuery, TrailSource} from './types.js'

/** One account of the selection: its CloudTrail clients, or why it could not be entered. */
export interface AccountEntry {
  id: string
  name?: string
  /** The account's CloudTrail client for a region; absent when the account was not entered. */
  cloudtrail?: (region: string) => CloudTrailClient
  /** Why it was not entered: AssumeRole denied, no access role (invited), suspended. */
  unreachable?: string
}

export interface AccountsLookupOptions {
  accounts: AccountEntry[]
  regions: string[]
  ratePerSec?: number
  throttleRetries?: number
  clock?: Clock
}

/**
 * Every account × region failed: an empty report would say "nothing happened" about data never read.
 * Exit 3, as a preflight: nothing was read, and the fix is access (the role, the permission).
 */
export class NothingReachedError extends PreflightError {
  constructor(readonly unreached: Unreached[]) {
    super(`LookupEvents reached no account of the selection:\n${unreached.map((u) => `  ${unreachedText(u)}`).join('\n')}`, {
      next: 'lockdown trail chains --accounts current (the caller\'s own account), or give the access role cloudtrail:LookupEvents and a trust in the caller (lockdown permissions FILE)',
      detail: {unreached},
    })
    this.name = 'NothingReachedError'
  }
}

/** `222233334444 (dev) eu-west-1: AccessDeniedException: …` — for gaps, the header and errors. */
export function unreachedText(u: Unreached): string {
  return `${u.account}${u.name ? ` (${u.name})` : ''}${u.region ? ` ${u.region}` : ''}: ${u.reason}`
}

function regionReason(err: unknown, retries: number): string {
  const info = classifyAwsError(err)
  if (info.kind === 'throttled') return `throttled past ${retries} retries (${awsErrorText(err)})`
  if (info.kind === 'access-denied') return `LookupEvents denied (${awsErrorText(err)})`
  return awsErrorText(err)
}

export class AccountsLookupSource implements TrailSource {
  readonly kind = 'lookup'
  readonly indexed = true
  private readonly perAccount: {entry: AccountEntry; source: LookupSource}[] = []
  private readonly regionErrors: (Unreached & {error: unknown})[] = []

  constructor(private readonly opts: AccountsLookupOptions) {
    const retries = opts.throttleRetries ?? 5
    for (const entry of opts.accounts) {
      const client = entry.cloudtrail
      if (!client) continue
      const source = new LookupSource({
        regions: opts.regions,
        client,
        ratePerSec: opts.ratePerSec,
        throttleRetries: retries,
        clock: opts.clock,
        onRegionError: (region, error) => this.regionErrors.push({account: entry.id, name: entry.name, region, reason: regionReason(error, retries), error}),
      })
      this.perAccount.push({entry, source})
    }
  }

  describe(): string {
    const st = this.stats()
    const n = this.perAccount.length
    return `CloudTrail LookupEvents in ${n} account${n === 1 ? '' : 's'} × ${this.opts.regions.join(', ')} (${st.calls} calls, ${st.events} events)`
  }

  stats(): SourceStats {
    const st: SourceStats = {calls: 0, events: 0, files: 0}
    for (const {source} of this.perAccount) {
      const s = source.stats()
      st.calls += s.calls
      st.events += s.events
    }
    return st
  }

  events(q: TrailQuery, signal?: AbortSignal): AsyncIterable<TrailEvent> {
    return this.all(q, signal)
  }

  private async *all(q: TrailQuery, signal?: AbortSignal): AsyncGenerator<TrailEvent> {
    yield* mergeAsync(this.perAccount.map(({source}) => source.events(q, signal)))
    // Checked after each round: once no pair is left to ask, the report could only be empty.
    if (!this.perAccount.some(({source}) => source.answered.size > 0 || source.failed.size < this.opts.regions.length)) {
      throw new NothingReachedError(this.unreached())
    }
  }

  private unreached(): Unreached[] {
    const entered = this.opts.accounts.filter((a) => !a.cloudtrail).map((a) => ({account: a.id, name: a.name, reason: a.unreachable ?? 'not entered'}))
    const regions = this.regionErrors.map(({error: _e, ...u}) => u)
    return [...entered, ...regions]
  }

  coverage(): Coverage {
    const covered = this.perAccount
      .map(({entry, source}) => ({account: entry.id, name: entry.name, regions: this.opts.regions.filter((r) => !source.failed.has(r))}))
      .filter((c) => c.regions.length > 0)
    return {covered, unreached: this.unreached()}
  }
}
