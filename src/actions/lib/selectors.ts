// How playbooks name principals: a name or name glob (`ci-*`), an ARN or ARN glob, or an IAM path prefix
// (`/ci/`). Shared by every action that targets users or roles, so the same words mean the same thing.
import {z} from 'zod'

import {globMatch, isArn, nameFromArn} from '../../aws/arn.js'
import {InvalidInputError} from '../../errors.js'
import {didYouMean} from '../../playbook/yaml-source.js'

export interface NamedPrincipal {
  name: string
  arn: string
  path: string
}

export const selectorList = z.array(z.string().min(1, 'expected a name, glob, ARN or /path/ prefix'))

/** Tags a principal must all carry; the value `*` matches any value. */
export const tagFilter = z.record(z.string(), z.string())

/** A /path/ prefix, else the one glob of aws/arn.ts (names match whatever the path, ARN globs ignore paths too). */
export function matchesSelector(p: NamedPrincipal, selector: string): boolean {
  if (selector.startsWith('/') && selector.endsWith('/')) return p.path.startsWith(selector)
  return globMatch(selector, p.arn || p.name)
}

export function matchesAnySelector(p: NamedPrincipal, selectors: readonly string[]): string | undefined {
  return selectors.find((s) => matchesSelector(p, s))
}

export function matchesTags(tags: Record<string, string>, wanted: Record<string, string>): boolean {
  return Object.entries(wanted).every(([k, v]) => k in tags && (v === '*' || tags[k] === v))
}

/** A glob or /path/ prefix may rightly match nothing; a plain name, ARN or id names one thing that must exist. */
export function isPattern(selector: string): boolean {
  return /[*?]/.test(selector) || (selector.startsWith('/') && selector.endsWith('/'))
}

/**
 * Selectors that matched no principal of the account. A named one is a typo or the wrong account: exit 2
 * with the closest name the account has. A pattern is a warning: the plan shows it, and goes on.
 */
export function unmatchedSelectors(
  kind: 'user' | 'role',
  selectors: readonly string[] | undefined,
  all: readonly NamedPrincipal[],
  stepId: string,
  /** A run over several accounts: a name most accounts do not have is normal there, so it is a warning. */
  acrossAccounts = false,
): string[] {
  const warnings: string[] = []
  const missing: string[] = []
  for (const s of selectors ?? []) {
    if (all.some((p) => matchesSelector(p, s))) continue
    if (isPattern(s)) warnings.push(`${kind}s: '${s}' matches no ${kind} in this account`)
    else if (acrossAccounts) warnings.push(`${kind}s: '${s}' is not in this account`)
    else missing.push(s)
  }
  if (missing.length) throw notFound(kind, missing, all, stepId)
  return warnings
}

function notFound(kind: 'user' | 'role', missing: string[], all: readonly NamedPrincipal[], stepId: string): InvalidInputError {
  const lines = missing.map((s) => {
    const arn = isArn(s)
    const hint = didYouMean(arn ? nameFromArn(s) : s, all.map((p) => p.name))
    const shown = hint && arn ? all.find((p) => p.name === hint)!.arn : hint
    return `${kind} '${s}' not found${shown ? `; did you mean ${shown}?` : ''}`
  })
  return new InvalidInputError(`step '${stepId}': ${lines.join('; ')}`, [], {
    next: `check the name (aws iam list-${kind}s --query '${kind === 'user' ? 'Users[].UserName' : 'Roles[].RoleName'}'), fix the playbook or its --set, and plan again`,
  })
}
