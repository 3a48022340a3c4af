// followChains across accounts: a role in account B whose trust names a role (or the root) of account A
// is reachable by A's sessions, so when a step revokes A's role it must reach B's too. Each account is
// planned on its own; this pass hands every account the roles the step selected in the others
// (`ctx.chainFrom`) and plans it again, until no account's plan grows (a chain A → B → C takes two rounds).
import type {ScopedAccount} from '../aws/account-scope.js'
import type {Residual} from '../actions/types.js'
import type {AccountPlan} from './plan.js'
import type {ValidStep} from './validate.js'

export type AccountPlanned = {account: ScopedAccount; unreachable: string} | {account: ScopedAccount; plan: Omit<AccountPlan, 'id' | 'name' | 'ou'>; residual: Residual[][]}

type Seed = {arn: string; name: string; via: string[]}

const MAX_ROUNDS = 4

export async function followAcross(
  perAccount: AccountPlanned[],
  valid: ValidStep[],
  replan: (account: string, chainFrom: Map<string, Seed[]>) => Promise<{plan: AccountPlanned extends infer T ? (T extends {plan: infer P} ? P : never) : never; residual: Residual[][]}>,
): Promise<void> {
  const following = valid.filter((v) => v.enabled && v.action.chainsAcross?.(v.params))
  if (!following.length) return
  const seen = new Map<string, string>()
  for (let round = 0; round < MAX_ROUNDS; round++) {
    let grew = false
    for (const p of perAccount) {
      if (!('plan' in p)) continue
      const chainFrom = new Map<string, Seed[]>()
      for (const v of following) {
        const i = valid.indexOf(v)
        const seeds = perAccount.flatMap((o) => (o === p || !('plan' in o) ? [] : rolesOf(o.plan.steps[i]?.changes ?? [], o.account.id)))
        if (seeds.length) chainFrom.set(v.step.id, seeds)
      }
      const key = JSON.stringify([...chainFrom].map(([k, v]) => [k, v.map((s) => s.arn).sort()]))
      if (!chainFrom.size || seen.get(p.account.id) === key) continue
      seen.set(p.account.id, key)
      const before = count(p.plan)
      const again = await replan(p.account.id, chainFrom)
      Object.assign(p, again)
      if (count(p.plan) > before) grew = true
    }
    if (!grew) return
  }
}

const count = (plan: {steps: {changes: unknown[]}[]}) => plan.steps.reduce((n, s) => n + s.changes.length, 0)

/** The roles among a step's changes, with the chain that brought each (names prefixed by their account). */
function rolesOf(changes: {principal: string; data?: unknown}[], account: string): Seed[] {
  return changes.flatMap((c) => {
    if (!/^arn:aws[\w-]*:iam::\d{12}:role\//.test(c.principal)) return []
    const name = c.principal.split('/').pop()!
    const via = (c.data as {via?: string[]} | undefined)?.via
    return [{arn: c.principal, name, via: via?.length ? via.map((v) => (v.includes(':') ? v : `${account}:${v}`)) : [`${account}:${name}`]}]
  })
}
