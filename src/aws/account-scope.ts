// Which accounts an account list names: `current`, 12-digit ids and `{organization: true, ous, tags,
// exclude}` selections, as a union. The one reading of it: a run's `accounts:` (engine) and a forensic
// read's `accounts:` / `--accounts` (forensics) both come here, so the same list means the same accounts.
// The organization is discovered only when an entry asks for it, and its tags only when one names some.
import type {Clients} from './clients.js'
import {awsErrorText, classifyAwsError} from './errors.js'
import {discoverOrganization, ouPath, selectAccounts, type OrgSelection} from './organizations.js'
import {PreflightError} from '../errors.js'

/** One entry of `accounts:`, or one word of `--accounts`. */
export type AccountSpec = 'current' | string | ({organization: true} & OrgSelection)

export interface ScopedAccount {
  id: string
  name?: string
  /** `Workloads/Prod`, for organization accounts. */
  ou?: string
}

export interface AccountScope {
  accounts: ScopedAccount[]
  /** Named by a selection but not entered (SUSPENDED, excluded), with the reason. */
  skipped: {account: string; name?: string; reason: string}[]
  organization?: {id: string; managementAccount: string}
}

export interface ScopeOptions {
  signal?: AbortSignal
  /** How the list was written, to start the error with (`accounts: [{organization: true}]`, `--accounts organization`). */
  written: string
  /** What the failure left undone: `nothing was changed`, `nothing was read`. */
  nothingDone: string
  /** The command line that gets past a failed discovery. */
  next: string
}

export async function resolveAccounts(clients: Clients, caller: {account: string; arn: string}, specs: AccountSpec[], opts: ScopeOptions): Promise<AccountScope> {
  const selections = specs.filter((s): s is {organization: true} & OrgSelection => typeof s === 'object')
  // Tags are read only when a selection names some: one Organizations call an account otherwise spent.
  const tags = selections.some((s) => Object.keys(s.tags ?? {}).length > 0)
  const org = selections.length ? await discover(clients, caller, {...opts, tags}) : undefined
  const byId = new Map(org?.accounts.map((a) => [a.id, a]))
  const picked = new Map<string, ScopedAccount>()
  const skipped = new Map<string, AccountScope['skipped'][number]>()
  const pick = (id: string) => {
    const a = byId.get(id)
    if (!picked.has(id)) picked.set(id, {id, ...(a ? {name: a.name, ou: ouPath(a)} : {})})
  }
  for (const entry of specs) {
    if (entry === 'current') pick(caller.account)
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

async function discover(clients: Clients, caller: {account: string; arn: string}, opts: ScopeOptions & {tags: boolean}) {
  try {
    return await discoverOrganization(clients, {signal: opts.signal, tags: opts.tags})
  } catch (error) {
    if (opts.signal?.aborted) throw error
    const info = classifyAwsError(error)
    const why =
      info.code === 'AWSOrganizationsNotInUseException'
        ? `account ${caller.account} is not in an organization`
        : info.kind === 'access-denied'
          ? `${caller.arn} may not read the organization (only the management account or a delegated administrator may)`
          : 'discovering the organization failed'
    throw new PreflightError(`${opts.written}: ${why} (${awsErrorText(error)}); ${opts.nothingDone}`, {next: opts.next, cause: error})
  }
}
