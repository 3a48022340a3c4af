// The per-account ledger a run ends with: every account of the scope in one known state. Tools that fan
// out across an organization are known for one unreachable account failing or silently emptying the
// whole run; here each account says what happened to it, and the run's exit says whether all are contained.
import type {Check} from '../actions/types.js'
import type {Failure} from './apply.js'
import type {JournalAccount, JournalStepPlan} from './journal.js'

export type AccountStatus = 'contained' | 'partly applied' | 'unreachable' | 'skipped' | 'verification failed'

export interface LedgerEntry {
  account: string
  name?: string
  status: AccountStatus
  /** Why: unreachable (AWS's reason), skipped (state, exclude), the failures or failed checks. */
  reason?: string
  /** Changes planned in the account, and how many of them are applied now. */
  planned: number
  applied: number
  failed: number
  checksFailed: number
}

/** Accounts a resume must still work: partly applied (some change not applied) and unreachable. */
export const unfinished = (ledger: LedgerEntry[]) => ledger.filter((e) => e.status === 'partly applied' || e.status === 'unreachable').map((e) => e.account)

export function buildLedger(x: {
  accounts: JournalAccount[]
  steps: JournalStepPlan[]
  accountOf(c: JournalStepPlan['changes'][number]): string
  isApplied(step: string, index: number): boolean
  failures: Failure[]
  checks: (Check & {account?: string})[]
  /** Accounts that could not be re-entered now (resume), with the reason. */
  unreachableNow: Map<string, string>
}): LedgerEntry[] {
  return x.accounts.map((a): LedgerEntry => {
    const mine = x.steps.flatMap((s) => s.changes.flatMap((c, i) => (x.accountOf(c) === a.id ? [{s, i}] : [])))
    const applied = mine.filter(({s, i}) => x.isApplied(s.id, i)).length
    const failures = x.failures.filter((f) => f.account === a.id)
    const badChecks = x.checks.filter((c) => !c.ok && c.account === a.id)
    const base = {account: a.id, ...(a.name ? {name: a.name} : {}), planned: mine.length, applied, failed: failures.length, checksFailed: badChecks.length}
    if (a.status === 'skipped') return {...base, status: 'skipped', reason: a.reason}
    // Never planned (entered neither then nor now): nothing is known about it, so it is not contained.
    if (a.status === 'unreachable') return {...base, status: 'unreachable', reason: x.unreachableNow.get(a.id) ?? a.reason}
    const away = x.unreachableNow.get(a.id)
    if (away !== undefined && applied < mine.length) return {...base, status: 'unreachable', reason: away}
    if (applied < mine.length) {
      const why = failures.length ? failures.map((f) => `${f.step}: ${f.target}: ${f.error}`).join('; ') : `${mine.length - applied} change(s) not applied`
      return {...base, status: 'partly applied', reason: why}
    }
    if (badChecks.length) return {...base, status: 'verification failed', reason: badChecks.map((c) => `${c.target}: ${c.name}: ${c.detail}`).join('; ')}
    return {...base, status: 'contained'}
  })
}

/** One line per account, for the run's summary and its exit-4 message. */
export function ledgerLines(ledger: LedgerEntry[]): string[] {
  return ledger.map((e) => {
    const name = e.name ? ` (${e.name})` : ''
    const counts = e.planned ? ` ${e.applied}/${e.planned} applied` : ''
    return `  ${e.account}${name}: ${e.status}${counts}${e.reason ? ` — ${e.reason}` : ''}`
  })
}
