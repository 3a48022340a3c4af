// How playbooks name principals: a name or name glob (`ci-*`), an ARN or ARN glob, or an IAM path prefix
// (`/ci/`). Shared by every action that targets users or roles, so the same words mean the same thing.
import {z} from 'zod'

import {globToRegExp, isArn} from '../../aws/arn.js'

export interface NamedPrincipal {
  name: string
  arn: string
  path: string
}

export const selectorList = z.array(z.string().min(1, 'expected a name, glob, ARN or /path/ prefix'))

/** Tags a principal must all carry; the value `*` matches any value. */
export const tagFilter = z.record(z.string(), z.string())

export function matchesSelector(p: NamedPrincipal, selector: string): boolean {
  if (isArn(selector)) return globToRegExp(selector).test(p.arn)
  if (selector.startsWith('/') && selector.endsWith('/')) return p.path.startsWith(selector)
  return globToRegExp(selector).test(p.name)
}

export function matchesAnySelector(p: NamedPrincipal, selectors: readonly string[]): string | undefined {
  return selectors.find((s) => matchesSelector(p, s))
}

export function matchesTags(tags: Record<string, string>, wanted: Record<string, string>): boolean {
  return Object.entries(wanted).every(([k, v]) => k in tags && (v === '*' || tags[k] === v))
}
