// Guards run between plan and apply. Exclusions (protected ARNs, the caller itself) move changes out of
// the plan with a visible reason, so the rest of a containment still proceeds; violations (too many
// targets, the wrong account) stop the run before any write (exit 3).
import type {Caller, Change, Skipped} from '../actions/types.js'
import {matchesAny, nameFromArn, parseArn} from '../aws/arn.js'
import {PreflightError} from '../errors.js'
import type {Playbook} from '../playbook/schema.js'

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

export function checkAccount(playbook: Playbook, caller: Caller): void {
  const ids = playbook.accounts.filter((a): a is string => typeof a === 'string' && a !== 'current')
  if (playbook.accounts.some((a) => typeof a === 'object')) {
    throw new PreflightError('organization-wide targets (accounts: [{organization: true}]) are not supported yet; list account ids', {
      next: 'run the playbook once per account with accounts: [current] and --profile for each account',
    })
  }
  if (ids.length && !ids.includes(caller.account)) {
    throw new PreflightError(`the credentials are for account ${caller.account}, but the playbook targets ${ids.join(', ')}`, {
      next: 'pass --profile for the right account (check with: aws sts get-caller-identity)',
    })
  }
  // lockdown does not yet enter other accounts: running on the caller's alone and printing "done" would
  // tell the responder the others are contained too.
  const others = ids.filter((id) => id !== caller.account)
  if (others.length) {
    throw new PreflightError(
      `the playbook targets ${others.join(', ')} besides ${caller.account}, and lockdown can only act in the account of its credentials (${caller.account}); nothing was changed`,
      {next: `run the playbook once per account, each with accounts: [current] and that account's --profile (${others.join(', ')})`},
    )
  }
}

export function checkMaxTargets(principals: Set<string>, maxTargets: number): void {
  if (principals.size > maxTargets) {
    throw new PreflightError(`the plan touches ${principals.size} principals, more than guards.maxTargets (${maxTargets})`, {
      next: 'narrow the step filters, or raise guards.maxTargets in the playbook after reviewing: lockdown plan FILE',
      detail: {principals: [...principals].sort()},
    })
  }
}
