// --resume across accounts: re-enter each account of the run through the access path the run journaled
// (never the playbook's current one), and plan now an account the original plan could not reach, so a
// resume finishes exactly the accounts left unfinished. The new plan is journaled (`account-plan`)
// before anything is sent to that account.
import {DEFAULT_ACCESS} from '../aws/access.js'
import type {AwsOptions} from '../aws/clients.js'
import {grantsFor} from './permissions.js'
import type {LoadedPlaybook} from '../playbook/load.js'
import {accessProtect, enterAll, type Reached} from './accounts.js'
import type {JournalWriter} from './journal.js'
import {accountCtx, planAccount} from './plan.js'
import {SIMULATE, type Needs} from './preflight.js'
import type {RunState} from './run-state.js'
import type {EngineSession} from './session.js'
import type {ValidStep} from './validate.js'

export async function enterForResume(x: {
  state: RunState
  loaded: LoadedPlaybook
  valid: ValidStep[]
  session: EngineSession
  aws: AwsOptions
  journal: JournalWriter
  only?: string[]
}): Promise<{reached: Reached[]; unreachable: Map<string, string>; replanned: boolean}> {
  const {state, session} = x
  const access = state.run.access ?? DEFAULT_ACCESS
  const targets = state.accounts.filter((a) => a.status !== 'skipped' && (!x.only || x.only.includes(a.id)))
  const reached = await enterAll(
    targets.map((a) => ({id: a.id, ...(a.name ? {name: a.name} : {})})),
    {clients: session.clients, caller: session.caller, aws: x.aws},
    access,
    {runId: session.runId, signal: session.signal, limit: x.loaded.playbook.concurrency.accounts},
  )
  const unreachable = new Map(reached.flatMap((r) => ('unreachable' in r ? [[r.account.id, r.unreachable] as const] : [])))
  let replanned = false
  const enabled = x.valid.filter((v) => v.enabled)
  const needed: Needs = (where) => grantsFor(enabled, where)
  for (const r of reached) {
    if (!('entered' in r)) continue
    const before = state.accounts.find((a) => a.id === r.account.id)
    if (before?.status !== 'unreachable') continue
    const account = accountCtx(r.entered, session.caller)
    try {
      const {plan} = await planAccount(x.loaded, session, x.valid, {
        account,
        protect: x.loaded.playbook.guards.protect,
        accessGuards: accessProtect(access),
        needed,
        simulateRequired: enabled.some((v) => v.action.permissions.includes(SIMULATE)),
        single: false,
      })
      // Only the steps the run journaled (a `when:` false step is not in the plan), by id.
      const steps = state.steps.map((s) => {
        const p = plan.steps.find((ps) => ps.id === s.id)
        return {id: s.id, changes: p?.changes ?? [], skipped: (p?.skipped ?? []).map((k) => ({...k, account: account.id})), notes: (p?.notes ?? []).map((n) => `account ${account.id}: ${n}`)}
      })
      x.journal.append({type: 'account-plan', account: account.id, access: account.access, steps})
      replanned = true
    } catch (error) {
      unreachable.set(r.account.id, `planning failed: ${(error as Error).message}`)
    }
  }
  return {reached, unreachable, replanned}
}
