// Pure ARN helpers: glob matching for guards.protect and target selectors, and the pieces lockdown needs.

/** IAM-style glob: `*` any run of characters, `?` one character; case-sensitive like ARNs. */
export function globToRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')
  return new RegExp(`^${body}$`)
}

export function matchesAny(value: string, globs: readonly string[]): string | undefined {
  return globs.find((g) => globToRegExp(g).test(value))
}

export function isArn(text: string): boolean {
  return text.startsWith('arn:')
}

export interface ParsedArn {
  partition: string
  service: string
  region: string
  account: string
  resource: string
}

export function parseArn(arn: string): ParsedArn | undefined {
  const parts = arn.split(':')
  if (parts.length < 6 || parts[0] !== 'arn') return undefined
  return {partition: parts[1], service: parts[2], region: parts[3], account: parts[4], resource: parts.slice(5).join(':')}
}

/**
 * The IAM principal behind a caller ARN: an assumed-role ARN (`arn:aws:sts::A:assumed-role/R/s`) maps to
 * the role (`arn:aws:iam::A:role/R`; STS drops the role's path, so compare roles by name); users map to themselves.
 */
export function principalOf(callerArn: string): {kind: 'user' | 'role' | 'root' | 'other'; name: string; arn: string} {
  const p = parseArn(callerArn)
  if (!p) return {kind: 'other', name: callerArn, arn: callerArn}
  if (p.service === 'sts' && p.resource.startsWith('assumed-role/')) {
    const name = p.resource.split('/')[1]
    return {kind: 'role', name, arn: `arn:${p.partition}:iam::${p.account}:role/${name}`}
  }
  if (p.resource === 'root') return {kind: 'root', name: 'root', arn: callerArn}
  if (p.resource.startsWith('user/')) return {kind: 'user', name: p.resource.split('/').pop()!, arn: callerArn}
  if (p.resource.startsWith('role/')) return {kind: 'role', name: p.resource.split('/').pop()!, arn: callerArn}
  return {kind: 'other', name: p.resource, arn: callerArn}
}

/** Name of an IAM user or role from its ARN (the last path segment). */
export function nameFromArn(arn: string): string {
  return arn.split('/').pop() ?? arn
}

/** Keys are shown with only their last 4 characters in plans and logs. */
export function maskKeyId(keyId: string): string {
  return keyId.length > 4 ? `${keyId.slice(0, 4)}…${keyId.slice(-4)}` : keyId
}
