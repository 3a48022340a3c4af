// The run's accounts: which ones the playbook names (`accounts:` — current, ids, organization selections,
// as a union), and entering each through the one client provider (src/aws/access.ts). An account that
// cannot be entered is a result (unreachable, with AWS's reason), never an exception that stops the
// others: every account of the scope ends in a known state.
import {mapPool} from '../actions/lib/pool.js'
import type {Caller} from '../actions/types.js'
import {enterAccount, AccountUnreachableError, type AccessHow, type AccessPath, type EnteredAccount} from '../aws/access.js'
import {resolveAccounts, type AccountScope, type ScopedAccount} from '../aws/account-scope.js'
import type {AwsOptions, Clients} from '../aws/clients.js'
import type {Playbook} from '../playbook/schema.js'

/** True when the run is today's single-account run: only the caller's account, no organization entry. */
export function isSingleAccount(playbook: Playbook, caller: Caller): boolean {
  return playbook.accounts.every((a) => a === 'current' || a === caller.account)
}

export async function resolveScope(playbook: Playbook, base: {clients: Clients; caller: Caller}, signal?: AbortSignal): Promise<AccountScope> {
  return resolveAccounts(base.clients, base.caller, playbook.accounts, {
    signal,
    written: 'accounts: [{organization: true}]',
    nothingDone: 'nothing was changed',
    next: 'run from the management account or a delegated administrator (--profile), or list account ids in accounts:',
  })
}

export type Reached = {account: ScopedAccount; entered: EnteredAccount} | {account: ScopedAccount; unreachable: string}

/**
 * Enters every account of the scope, `limit` at a time. The caller's own account uses the caller's
 * clients; the others AssumeRole along `access` (their sessions are checked to be in that account).
 */
export async function enterAll(
  scope: ScopedAccount[],
  base: {clients: Clients; caller: Caller; aws: AwsOptions},
  access: AccessPath,
  opts: {runId: string; signal?: AbortSignal; limit: number},
): Promise<Reached[]> {
  return mapPool(scope, opts.limit, async (account): Promise<Reached> => {
    try {
      const entered = await enterAccount({clients: base.clients, aws: base.aws, identity: base.caller}, account.id, access, {runId: opts.runId, signal: opts.signal})
      return {account, entered}
    } catch (error) {
      if (error instanceof AccountUnreachableError) return {account, unreachable: error.reason}
      throw error
    }
  })
}

/** The playbook's access path, as the journal keeps it for --resume and undo. */
export function accessOf(playbook: Playbook): AccessPath {
  return {role: playbook.access.role, ...(playbook.access.externalId ? {externalId: playbook.access.externalId} : {}), ...(playbook.access.via?.length ? {via: playbook.access.via} : {})}
}

/** ARN globs for lockdown's own way in: the access role and every `via` role, in every account. */
export function accessProtect(access: AccessPath): {pattern: string; reason: string}[] {
  const reason = 'lockdown’s access role (access:): changing it would cut lockdown off mid-run'
  return [
    {pattern: `arn:aws:iam::*:role/${access.role}`, reason},
    ...(access.via ?? []).map((arn) => ({pattern: arn, reason: 'on lockdown’s access path (access.via): changing it would cut lockdown off mid-run'})),
  ]
}

export type {AccessHow}
