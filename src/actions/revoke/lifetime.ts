// How long a revocation part can matter: it denies credentials carrying aws:TokenIssueTime issued before
// its cutoff, and those live at most 12 h for role sessions and 36 h for a user's GetSessionToken /
// GetFederationToken credentials. Past cutoff + that, the part denies nothing (`status`, `tidy`).
import type {PrincipalKind} from '../../aws/iam-policies.js'
import type {RevokePart} from '../../aws/policies/revoke.js'
import type {ScpPart} from '../../aws/policies/scp-revoke.js'

export const LONGEST_SESSION_MS: Record<PrincipalKind, number> = {role: 12 * 3_600_000, user: 36 * 3_600_000}

export function partIsNoOp(part: RevokePart, kind: PrincipalKind, now: number): boolean {
  const cutoffs = [part.allBefore, ...(part.sessions ?? []).map((s) => s.before)].filter((t): t is string => t !== undefined)
  return cutoffs.length > 0 && cutoffs.every((t) => Date.parse(t) + LONGEST_SESSION_MS[kind] < now)
}

/**
 * An SCP part (revoke-org) denies nothing once cutoff + the longest lifetime of what it can match has
 * passed: role sessions (role ARN patterns, SourceIdentity, Identity Center users, AROA… user ids) at most
 * 12 h; a pattern or user id that can name an IAM user's GetSessionToken/GetFederationToken credentials, 36 h.
 */
export function scpPartIsNoOp(part: ScpPart, now: number): boolean {
  const userToo = part.roles.some((p) => !/:role\//.test(p)) || part.userIds.some((u) => !u.startsWith('AROA'))
  return Date.parse(part.before) + LONGEST_SESSION_MS[userToo ? 'user' : 'role'] < now
}
