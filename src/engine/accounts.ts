// The run's accounts: which ones the playbook names (`accounts:` — current, ids, organization selections,
// as a union), and entering each through the one client provider (src/aws/access.ts). An account that
// cannot be entered is a result (unreachable, with AWS's reason), never an exception that stops the
// others: every account of the scope ends in a known state.
import {mapPool} from '../actions/lib/pool.js'
import type {Caller} from '../actions/types.js'
import {enterAccount, AccountUnreachableError, type AccessHow, type AccessPath, type EnteredAccount} from '../aws/access.js'
import type {AwsOptions, Clients} from '../aws/clients.js'
import {classifyAwsError, awsErrorText} from '../aws/errors.js'
import {discoverOrganization, ouPath, selectAccounts, type Organization} from '../aws/organizations.js'
import {PreflightError} from '../errors.js'
import type {Playbook} from '../playbook/schema.js'

export interface ScopeAccount {
  id: string
  name?: string
  /** `Workloads/Prod`, for organization accounts. */
  ou?: string
}

export interface Scope {
  accounts: ScopeAccount[]
  /** Named by the selection but not entered (SUSPENDED, excluded), with the reason. */
  skipped: {account: string; name?: string; reason: string}[]
  organization?: {id: string; managementAccount: string}
}

/** True when the run is today's single-account run: only the caller's account, no organization entry. */
export function isSingleAccount(playbook: Playbook, caller: Caller): boolean {
  return playbook.accounts.every((a) => a === 'current' || a === caller.account)
}

export async function resolveScope(playbook: Playbook, base: {clients: Clients; caller: Caller}, signal?: AbortSignal): Promise<Scope> {
  const wantsOrg = playbook.accounts.some((a) => typeof a === 'object')
  // Tags are read only when a selection names some: one Organizations call an account otherwise spent.
  const tags = playbook.accounts.some((a) => typeof a === 'object' && Object.keys(a.tags ?? {}).length > 0)
  const org = wantsOrg ? await discover(base.clients, base.caller, {signal, tags}) : undefined
  const byId = new Map(org?.accounts.map((a) => [a.id, a]))
  const picked = new Map<string, ScopeAccount>()
  const skipped = new Map<string, Scope['skipped'][number]>()
  const pick = (id: string) => {
    const a = byId.get(id)
    if (!picked.has(id)) picked.set(id, {id, ...(a ? {name: a.name, ou: ouPath(a)} : {})})
  }
  for (const entry of playbook.accounts) {
    if (entry === 'current') pick(base.caller.account)
    else if (typeof entry === 'string') pick(entry)
    else {
      const sel = selectAccounts(org!, entry)
      for (const a of sel.accounts) pick(a.id)
      for (const s of sel.skipped) skipped.set(s.account, s)
    }
  }
  // Several entries union: an account one entry excludes and another names is in.
  for (const id of picked.keys()) skipped.delete(id)
  return {
    accounts: [...picked.values()],
    skipped: [...skipped.values()],
    ...(org ? {organization: {id: org.id, managementAccount: org.managementAccount}} : {}),
  }
}

async function discover(clients: Clients, caller: Caller, opts: {signal?: AbortSignal; tags: boolean}): Promise<Organization> {
  try {
    return await discoverOrganization(clients, opts)
  } catch (error) {
    const info = classifyAwsError(error)
    const hint =
      info.code === 'AWSOrganizationsNotInUseException'
        ? `account ${caller.account} is not in an organization`
        : info.kind === 'access-denied'
          ? `${caller.arn} may not read the organization (only the management account or a delegated administrator may)`
          : `discovering the organization failed`
    throw new PreflightError(`accounts: [{organization: true}]: ${hint} (${awsErrorText(error)}); nothing was changed`, {
      next: 'run from the management account or a delegated administrator (--profile), or list account ids in accounts:',
      cause: error,
    })
  }
}

export type Reached = {account: ScopeAccount; entered: EnteredAccount} | {account: ScopeAccount; unreachable: string}

/**
 * Enters every account of the scope, `limit` at a time. The caller's own account uses the caller's
 * clients; the others AssumeRole along `access` (their sessions are checked to be in that account).
 */
export async function enterAll(
  scope: ScopeAccount[],
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
