// followChains: a session of a revoked role may already have assumed other roles (role chaining); those
// sessions carry their own aws:TokenIssueTime, so the chain's roles must be revoked too. We read trust
// policies: a role that names a chain role directly is reachable; a role that trusts the account root is
// reachable when the chain role's own permissions allow sts:AssumeRole on it (asked of IAM's simulator).
import type {IamRole} from '../../aws/iam-roles.js'
import {trustFor} from '../../aws/policies/trust.js'

export interface ChainHop {
  role: IamRole
  /** Role names from the selected role to this one, e.g. ['app-web', 'app-data']. */
  via: string[]
}

export async function followChains(
  start: IamRole[],
  all: IamRole[],
  opts: {maxDepth: number; canAssume: (from: IamRole, to: IamRole) => Promise<boolean>},
): Promise<{reached: ChainHop[]; truncated: string[]}> {
  const seen = new Set(start.map((r) => r.arn))
  const reached: ChainHop[] = []
  const truncated: string[] = []
  let frontier: ChainHop[] = start.map((role) => ({role, via: [role.name]}))
  for (let depth = 1; frontier.length; depth++) {
    const next: ChainHop[] = []
    for (const hop of frontier) {
      for (const target of all) {
        if (seen.has(target.arn)) continue // cycles and roles already in the plan
        const trust = trustFor(target.trust, hop.role.arn)
        if (!trust || (trust === 'account' && !(await opts.canAssume(hop.role, target)))) continue
        if (depth > opts.maxDepth) {
          truncated.push(`${[...hop.via, target.name].join(' → ')}`)
          continue
        }
        seen.add(target.arn)
        const h = {role: target, via: [...hop.via, target.name]}
        reached.push(h)
        next.push(h)
      }
    }
    frontier = next
  }
  return {reached, truncated}
}

/**
 * followChains across accounts: from roles another account's part of the step selects, the roles here
 * whose trust names one of them (or that account's root: its own policies are not readable from here, so
 * the hop is assumed possible), then onwards inside this account as followChains does. `via` names each
 * hop with its account, so the plan shows the chain across the boundary.
 */
export async function chainsFromOtherAccounts(
  seeds: {arn: string; name: string; via: string[]}[],
  all: IamRole[],
  opts: {maxDepth: number; simulate: (from: IamRole, to: IamRole) => Promise<boolean>; local: string[]},
): Promise<ChainHop[]> {
  const foreign = new Map(seeds.map((s) => [s.arn, s]))
  const start = seeds.map((s) => ({name: s.name, arn: s.arn, path: '/', roleId: '', trust: {Version: '2012-10-17', Statement: []}}) as IamRole)
  const here = all.filter((r) => !opts.local.includes(r.arn))
  const {reached} = await followChains(start, here, {maxDepth: opts.maxDepth, canAssume: async (from, to) => (foreign.has(from.arn) ? true : opts.simulate(from, to))})
  const account = (arn: string) => arn.split(':')[4]
  return reached.map((h) => {
    const seed = seeds.find((s) => s.name === h.via[0])!
    return {role: h.role, via: [...seed.via, ...h.via.slice(1).map((n) => `${account(h.role.arn)}:${n}`)]}
  })
}
