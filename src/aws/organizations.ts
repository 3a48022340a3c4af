// Discovery of an AWS Organization's accounts (the playbook's `accounts: [{organization: true, …}]`):
// ListRoots → ListOrganizationalUnitsForParent, recursively → ListAccountsForParent, and
// ListTagsForResource per account, so every account carries its OU path and tags; branches and tags are
// read side by side, a few calls at a time. Organizations is served from us-east-1 and throttles hard
// (TooManyRequestsException): each call is retried with backoff after the SDK's own retries. Selection is
// pure: ACTIVE accounts that match; the others come back as skipped with the reason, so a plan shows every
// account of the scope.
import type {Clients} from './clients.js'
import {isThrottle} from './errors.js'
import {organizationsSdk} from './sdk.js'

export type AccountState = 'ACTIVE' | 'SUSPENDED' | 'PENDING_CLOSURE' | 'PENDING_ACTIVATION' | 'CLOSED'

export interface OrgUnit {
  id: string
  name: string
}

export interface OrgAccount {
  id: string
  name: string
  state: AccountState
  /** The OUs from the root down to the account's parent (empty: directly under the root). */
  ous: OrgUnit[]
  /** The root id (r-…). */
  root: string
  /** Empty when discovery was told no selection needs them (DiscoverOptions.tags false). */
  tags: Record<string, string>
}

export interface Organization {
  id: string
  managementAccount: string
  accounts: OrgAccount[]
}

/** One `{organization: true, …}` entry of `accounts:`. */
export interface OrgSelection {
  /** OU ids (ou-…, r-… for the root) or OU names; an account under any of them (at any depth) is in. */
  ous?: string[]
  /** Every key must match (tag values exactly). */
  tags?: Record<string, string>
  exclude?: string[]
}

export interface DiscoverOptions {
  signal?: AbortSignal
  /** Retries of a throttled call after the SDK's own (default 6). */
  retries?: number
  /** First backoff delay; doubles each retry, with jitter (default 200 ms). */
  backoffMs?: number
  /**
   * Read each account's tags (ListTagsForResource, one call an account; default true). A caller whose
   * selections name no tags says false: in an organization of hundreds of accounts those are hundreds of
   * calls to an API that throttles hard, and every account's `tags` is then left empty.
   */
  tags?: boolean
}

/**
 * Organizations calls discovery keeps in flight at once: the OU tree's branches and the accounts' tags are
 * read side by side (one after another, 20 accounts' tags alone were a second at 50 ms a call), few enough
 * that a throttling API answers most of them the first time (throttles are retried with backoff anyway).
 */
export const DISCOVERY_CONCURRENCY = 4

/** Every account of the organization (any state), with OU path and tags. */
export async function discoverOrganization(clients: Clients, opts: DiscoverOptions = {}): Promise<Organization> {
  const sdk = await organizationsSdk()
  // One typed entry point for the five commands (the SDK's per-command overloads do not unify).
  const raw = clients.organizations.send.bind(clients.organizations) as unknown as (c: object, o: {abortSignal?: AbortSignal}) => Promise<unknown>
  const slot = limiter(DISCOVERY_CONCURRENCY)
  const send = <T>(command: object) => slot(() => withBackoff(() => raw(command, {abortSignal: opts.signal}) as Promise<T>, opts))
  const [org, roots] = await Promise.all([
    send<{Organization?: {Id?: string; MasterAccountId?: string}}>(new sdk.DescribeOrganizationCommand({})),
    pages((NextToken) => send<{Roots?: {Id?: string}[]; NextToken?: string}>(new sdk.ListRootsCommand({NextToken})).then((r) => ({items: r.Roots ?? [], next: r.NextToken}))),
  ])
  const accounts: OrgAccount[] = []
  // Each OU's accounts and child OUs are read together, and sibling OUs side by side.
  const walk = async (root: string, parentId: string, path: OrgUnit[]): Promise<void> => {
    const [here, children] = await Promise.all([
      pages((NextToken) =>
        send<{Accounts?: {Id?: string; Name?: string; State?: string; Status?: string}[]; NextToken?: string}>(new sdk.ListAccountsForParentCommand({ParentId: parentId, NextToken})).then((r) => ({
          items: r.Accounts ?? [],
          next: r.NextToken,
        })),
      ),
      pages((NextToken) =>
        send<{OrganizationalUnits?: {Id?: string; Name?: string}[]; NextToken?: string}>(new sdk.ListOrganizationalUnitsForParentCommand({ParentId: parentId, NextToken})).then((r) => ({
          items: r.OrganizationalUnits ?? [],
          next: r.NextToken,
        })),
      ),
    ])
    for (const a of here) {
      // `Status` is the legacy field (ACTIVE | SUSPENDED | PENDING_CLOSURE); `State` replaces it.
      const state = (a.State ?? a.Status ?? 'ACTIVE') as AccountState
      accounts.push({id: a.Id!, name: a.Name ?? a.Id!, state, ous: path, root, tags: {}})
    }
    await Promise.all(children.map((ou) => walk(root, ou.Id!, [...path, {id: ou.Id!, name: ou.Name ?? ou.Id!}])))
  }
  await Promise.all(roots.map((r) => walk(r.Id!, r.Id!, [])))
  await Promise.all(
    (opts.tags === false ? [] : accounts).map(async (a) => {
      const tags = await pages((NextToken) =>
        send<{Tags?: {Key?: string; Value?: string}[]; NextToken?: string}>(new sdk.ListTagsForResourceCommand({ResourceId: a.id, NextToken})).then((r) => ({items: r.Tags ?? [], next: r.NextToken})),
      )
      a.tags = Object.fromEntries(tags.map((t) => [t.Key!, t.Value ?? '']))
    }),
  )
  // Whatever order the branches answered in.
  accounts.sort((x, y) => x.id.localeCompare(y.id))
  return {id: org.Organization?.Id ?? '', managementAccount: org.Organization?.MasterAccountId ?? '', accounts}
}

/** At most `n` of the calls given to it run at once; the rest wait their turn, in order. */
function limiter(n: number): <T>(call: () => Promise<T>) => Promise<T> {
  let active = 0
  const waiting: (() => void)[] = []
  return async (call) => {
    if (active >= n) await new Promise<void>((resolve) => waiting.push(resolve))
    else active++
    try {
      return await call()
    } finally {
      // A waiter takes this slot over (active stays the same); else the slot is free.
      const next = waiting.shift()
      if (next) next()
      else active--
    }
  }
}

export interface Selected {
  /** ACTIVE accounts the selection names. */
  accounts: OrgAccount[]
  /** Accounts the selection names that lockdown will not enter, with the reason. */
  skipped: {account: string; name: string; reason: string}[]
}

/** Which of the organization's accounts one `{organization: true, …}` entry names. Pure. */
export function selectAccounts(org: Organization, sel: OrgSelection): Selected {
  const out: Selected = {accounts: [], skipped: []}
  const exclude = new Set(sel.exclude ?? [])
  for (const a of org.accounts) {
    if (sel.ous?.length && !sel.ous.some((o) => o === a.root || a.ous.some((u) => u.id === o || u.name === o))) continue
    if (sel.tags && !Object.entries(sel.tags).every(([k, v]) => a.tags[k] === v)) continue
    if (exclude.has(a.id)) {
      out.skipped.push({account: a.id, name: a.name, reason: 'excluded by accounts: exclude'})
    } else if (a.state !== 'ACTIVE') {
      out.skipped.push({account: a.id, name: a.name, reason: `account state is ${a.state}: only ACTIVE accounts can be entered`})
    } else {
      out.accounts.push(a)
    }
  }
  return out
}

/** `Workloads/Prod` (the root is not named). */
export function ouPath(a: OrgAccount): string {
  return a.ous.map((u) => u.name).join('/') || '(root)'
}

export async function pages<T>(page: (token: string | undefined) => Promise<{items: T[]; next?: string}>): Promise<T[]> {
  const out: T[] = []
  let token: string | undefined
  do {
    const r = await page(token)
    out.push(...r.items)
    token = r.next
  } while (token)
  return out
}

export async function withBackoff<T>(call: () => Promise<T>, opts: DiscoverOptions): Promise<T> {
  const retries = opts.retries ?? 6
  let delay = opts.backoffMs ?? 200
  for (let attempt = 0; ; attempt++) {
    try {
      return await call()
    } catch (error) {
      if (!isThrottle(error) || attempt >= retries || opts.signal?.aborted) throw error
      // Full jitter: many accounts' discovery (or several runs) do not retry in lockstep.
      await new Promise((r) => setTimeout(r, delay / 2 + Math.random() * delay))
      delay *= 2
    }
  }
}
