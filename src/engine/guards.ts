// Guards run between plan and apply. Exclusions (protected ARNs, the caller itself) move changes out of
// the plan with a visible reason, so the rest of a containment still proceeds; violations (too many
// targets, the wrong account) stop the run before any write (exit 3).
import type {Caller, Change, Skipped} from '../actions/types.js'
import {matchesAny, nameFromArn, parseArn} from '../aws/arn.js'
import {PreflightError} from '../errors.js'

/** The flag `run` needs before it applies a change to the caller's own principal or key (allowSelf: true). */
export const LOCKOUT_FLAG = '--yes-i-will-lock-myself-out'

export function excludeGuarded(
  changes: Change[],
  opts: {caller: Caller; protect: string[]; allowSelf: boolean},
): {kept: Change[]; skipped: Skipped[]; self: Change[]} {
  const kept: Change[] = []
  const skipped: Skipped[] = []
  const self: Change[] = []
  for (const c of changes) {
    const pattern = matchesAny(c.target, opts.protect) ?? matchesAny(c.principal, opts.protect)
    if (pattern) {
      skipped.push({target: c.target, reason: `protected by guards.protect '${pattern}'`})
    } else if (!opts.allowSelf && isSelf(c, opts.caller)) {
      skipped.push({target: c.target, reason: `the caller's own principal or key (${opts.caller.arn}); set allowSelf: true on the step to include it`})
    } else {
      if (isSelf(c, opts.caller)) self.push(c)
      kept.push(c)
    }
  }
  return {kept, skipped, self}
}

/** The plan's warning for a change allowSelf lets through: it can end the responder's own access. */
export function selfWarning(c: Change, caller: Caller): string {
  return `allowSelf: true lets this step change the caller's own principal or key (${c.target}, you are ${caller.arn}): you may lose access and be unable to undo; run needs ${LOCKOUT_FLAG}`
}

/** Exit 3 before any write when a plan changes the caller itself and the person did not say they mean it. */
export function checkSelfLockout(steps: readonly {id: string; changes: Change[]}[], caller: Caller, allowed: boolean): void {
  const self = steps.flatMap((s) => s.changes.filter((c) => isSelf(c, caller)).map((c) => `${s.id}: ${c.target}`))
  if (!self.length || allowed) return
  throw new PreflightError(`the plan changes the caller's own principal or key (${self.join('; ')}); that can lock you out before undo can run`, {
    next: `run from another principal, remove allowSelf: true, or re-run with ${LOCKOUT_FLAG} if you mean it`,
    detail: {self},
  })
}

/** The caller's own user or role (roles compared by name: STS drops the role path), or its signing key. */
export function isSelf(c: Change, caller: Caller): boolean {
  if (caller.accessKeyId && c.target.endsWith(`/accesskey/${caller.accessKeyId}`)) return true
  if (c.principal === caller.principalArn) return true
  const p = parseArn(c.principal)
  const me = parseArn(caller.principalArn)
  if (!p || !me || p.account !== me.account) return false
  const kind = (r: string) => r.split('/')[0]
  return kind(p.resource) === kind(me.resource) && nameFromArn(c.principal) === nameFromArn(caller.principalArn)
}

export function checkMaxTargets(principals: Set<string>, maxTargets: number): void {
  if (principals.size > maxTargets) {
    throw new PreflightError(`the plan touches ${principals.size} principals, more than guards.maxTargets (${maxTargets})`, {
      next: 'narrow the step filters, or raise guards.maxTargets in the playbook after reviewing: lockdown plan FILE',
      detail: {principals: [...principals].sort()},
    })
  }
}

/** guards.maxTargetsPerAccount: no one account's part of the plan may touch more principals. */
export function checkMaxTargetsPerAccount(account: {id: string; principals: number}, max: number): void {
  if (account.principals <= max) return
  throw new PreflightError(`the plan touches ${account.principals} principals in account ${account.id}, more than guards.maxTargetsPerAccount (${max}); nothing was changed`, {
    next: 'narrow the step filters or accounts:, or raise guards.maxTargetsPerAccount after reviewing: lockdown plan FILE',
    detail: {account: account.id, principals: account.principals},
  })
}
