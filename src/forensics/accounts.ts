// Which accounts a forensic read covers and how it gets into each: the selection words of the playbook
// (`current`, 12-digit ids, the organization), discovery through Organizations, and the one client
// provider (aws/access.ts) to enter each account. An account not entered is an entry with its reason,
// never a missing line: the report names it in its header and gaps.
import {resolveAccounts, type AccountSpec} from '../aws/account-scope.js'
import {AccountUnreachableError, DEFAULT_ACCESS, enterAccount, type AccessBase, type AccessPath, type EnteredAccount} from '../aws/access.js'
import {InvalidInputError} from '../errors.js'
import type {AccountEntry} from './sources/accounts.js'

export type {AccountSpec} from '../aws/account-scope.js'

const ACCOUNT_ID = /^\d{12}$/

/** `--accounts current,222233334444,organization` → specs; anything else is exit 2 naming the words. */
export function parseAccountWords(words: string[]): AccountSpec[] {
  const bad = words.filter((w) => w !== 'current' && w !== 'organization' && !ACCOUNT_ID.test(w))
  if (bad.length) {
    throw new InvalidInputError(`--accounts: ${bad.map((b) => JSON.stringify(b)).join(', ')} is not current, organization or a 12-digit account id`, [], {
      next: 'lockdown trail chains --accounts current,222233334444 (or --accounts organization from the management account)',
    })
  }
  return words.map((w) => (w === 'organization' ? {organization: true} : w))
}

export interface OpenedAccounts {
  entries: AccountEntry[]
  /** Closes the clients made for member accounts (never the caller's). */
  close(): void
}

export interface OpenOptions {
  access?: AccessPath
  /** Session name lockdown-<runId> in each account's trail. */
  runId: string
  signal?: AbortSignal
  /** Accounts entered at once. */
  concurrency?: number
}

/**
 * Enters every account the specs name. The organization is discovered only when asked for; SUSPENDED
 * or closed accounts and refused AssumeRoles come back as entries with `unreachable` set.
 */
export async function openAccounts(base: AccessBase, specs: AccountSpec[], opts: OpenOptions): Promise<OpenedAccounts> {
  const access = opts.access ?? DEFAULT_ACCESS
  const scope = await resolveAccounts(base.clients, base.identity, specs, {
    signal: opts.signal,
    written: '--accounts organization',
    nothingDone: 'nothing was read',
    next: 'run from the management account (--profile), or list account ids: lockdown trail chains --accounts current,222233334444',
  })
  const list = scope.accounts.map((a): AccountEntry => ({id: a.id, name: a.name}))
  const skipped = scope.skipped.map((k): AccountEntry => ({id: k.account, name: k.name, unreachable: k.reason}))

  const entered: EnteredAccount[] = []
  let next = 0
  const worker = async () => {
    while (next < list.length) {
      const e = list[next++]
      try {
        const acct = await enterAccount(base, e.id, access, {runId: opts.runId, signal: opts.signal})
        entered.push(acct)
        e.cloudtrail = (r) => acct.clients.cloudtrail(r)
      } catch (error) {
        if (!(error instanceof AccountUnreachableError) || opts.signal?.aborted) throw error
        e.unreachable = unreachableReason(error, access)
      }
    }
  }
  try {
    await Promise.all(Array.from({length: Math.min(opts.concurrency ?? 8, list.length)}, worker))
  } catch (error) {
    for (const a of entered) a.close()
    throw error
  }
  return {entries: [...list, ...skipped], close: () => entered.forEach((a) => a.close())}
}

/** AWS's reason, and what it usually means for the default access role. */
function unreachableReason(error: AccountUnreachableError, access: AccessPath): string {
  const hint =
    access.role === DEFAULT_ACCESS.role && error.kind === 'access-denied'
      ? ' — an invited account has no OrganizationAccountAccessRole unless one was created; a suspended account refuses every AssumeRole'
      : ''
  return `${error.reason}${hint}`
}
