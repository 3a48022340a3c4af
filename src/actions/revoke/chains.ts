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
