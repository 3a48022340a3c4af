// How long a revocation part can matter: it denies credentials carrying aws:TokenIssueTime issued before
// its cutoff, and those live at most 12 h for role sessions and 36 h for a user's GetSessionToken /
// GetFederationToken credentials. Past cutoff + that, the part denies nothing (`status`, `tidy`).
import type {PrincipalKind} from '../../aws/iam-policies.js'
import type {RevokePart} from '../../aws/policies/revoke.js'

export const LONGEST_SESSION_MS: Record<PrincipalKind, number> = {role: 12 * 3_600_000, user: 36 * 3_600_000}

export function partIsNoOp(part: RevokePart, kind: PrincipalKind, now: number): boolean {
  const cutoffs = [part.allBefore, ...(part.sessions ?? []).map((s) => s.before)].filter((t): t is string => t !== undefined)
  return cutoffs.length > 0 && cutoffs.every((t) => Date.parse(t) + LONGEST_SESSION_MS[kind] < now)
}
