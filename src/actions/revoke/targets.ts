// Which principals a revoke-sessions step denies, and which it must leave alone (with the reason shown
// in the plan): break-glass roles, service-linked roles, IAM Identity Center roles.
import type {Skipped} from '../types.js'
import type {IamRole} from '../../aws/iam-roles.js'
import type {IamUser} from '../../aws/iam-users.js'
import {BREAK_GLASS_TAGS, isBreakGlassTagged} from '../../aws/policies/break-glass.js'
import {mapPool, READ_CONCURRENCY} from '../lib/pool.js'
import {matchesAnySelector, matchesTags} from '../lib/selectors.js'

const BREAK_GLASS_TAG = BREAK_GLASS_TAGS.marker

/** Why a role can never be a revoke target, or undefined when it can. */
export function untouchableRole(role: IamRole, tags: Record<string, string>): string | undefined {
  if (isBreakGlassTagged(tags)) return `${role.name}: a break-glass role (tag ${BREAK_GLASS_TAG}=true) is never revoked; end it with: lockdown breakglass revoke`
  if (role.path.startsWith('/aws-service-role/')) {
    return `${role.name}: service-linked roles cannot be changed (IAM refuses); contain the service itself or use an SCP`
  }
  // The path decides, as it does for IAM: a role named AWSReservedSSO_* elsewhere is a customer's (perhaps
  // an attacker's look-alike) and is revoked like any other.
  if (role.path.startsWith('/aws-reserved/sso.amazonaws.com/')) {
    return `${role.name}: IAM Identity Center provisions this role from a permission set and IAM refuses changes to it (UnmodifiableEntity); end its sessions with an SCP (action revoke-org, roles: ["${role.arn.replace(/^arn:aws:iam::\d{12}:/, 'arn:aws:iam::*:')}"]) or an inline deny on aws:TokenIssueTime in the permission set`
  }
  return undefined
}

export interface RoleSelection {
  selected: {role: IamRole; via?: string[]}[]
  skipped: Skipped[]
}

export async function selectRoles(
  roles: IamRole[],
  opts: {selectors?: string[]; tags?: Record<string, string>; exclude: string[]; tagsOf: (r: IamRole) => Promise<Record<string, string>>},
): Promise<RoleSelection> {
  const out: RoleSelection = {selected: [], skipped: []}
  if (!opts.selectors && !opts.tags) return out
  // Every candidate's tags decide whether it may be touched (break-glass): read them in parallel, not one
  // round trip per role in turn (1,000 roles at 50 ms would be 50 s of plan).
  const candidates = opts.selectors ? roles.filter((r) => matchesAnySelector(r, opts.selectors!)) : roles
  const tagsOf = await mapPool(candidates, READ_CONCURRENCY, (r) => opts.tagsOf(r))
  for (const [i, role] of candidates.entries()) {
    const tags = tagsOf[i]!
    if (opts.tags && !matchesTags(tags, opts.tags)) continue
    if (matchesAnySelector(role, opts.exclude)) {
      out.skipped.push({target: role.arn, reason: `${role.name}: excluded by exclude`})
      continue
    }
    const why = untouchableRole(role, tags)
    if (why) out.skipped.push({target: role.arn, reason: why})
    else out.selected.push({role})
  }
  return out
}

export function selectUsers(users: IamUser[], selectors: string[] | undefined, exclude: string[]): {selected: IamUser[]; skipped: Skipped[]} {
  const selected: IamUser[] = []
  const skipped: Skipped[] = []
  for (const u of users) {
    if (!selectors || !matchesAnySelector(u, selectors)) continue
    if (matchesAnySelector(u, exclude)) skipped.push({target: u.arn, reason: `${u.name}: excluded by exclude`})
    else selected.push(u)
  }
  return {selected, skipped}
}
