// Pure ARN helpers: THE glob matcher for ARNs and principal names (guards.protect, target selectors,
// forensics filters all use it, so `app-*` means one thing everywhere), and the pieces lockdown needs.

/**
 * IAM-style glob: `*` any run of characters (including `/`), `?` one character; case-sensitive like ARNs.
 * A two-pointer match, O(pattern × value) at worst: a regex of `*a*a*a…` backtracks exponentially, and
 * patterns come from playbooks.
 */
function wildcard(pattern: string, value: string): boolean {
  let p = 0
  let v = 0
  let star = -1
  let mark = 0
  while (v < value.length) {
    if (p < pattern.length && (pattern[p] === '?' || pattern[p] === value[v])) {
      p++
      v++
    } else if (p < pattern.length && pattern[p] === '*') {
      star = p++
      mark = v
    } else if (star >= 0) {
      p = star + 1
      v = ++mark
    } else return false
  }
  while (pattern[p] === '*') p++
  return p === pattern.length
}

const PATHED = /^(user|role|group|policy|instance-profile|server-certificate)\/(?:[^/]+\/)+([^/]+)$/

/** `role/team/app` → `role/app`: how an IAM resource reads without its path (unchanged when it has none). */
function withoutPath(resource: string): string {
  const m = PATHED.exec(resource)
  return m && !resource.includes('/accesskey/') ? `${m[1]}/${m[2]}` : resource
}

/**
 * Does `pattern` name `value` (an ARN, or a bare name)? Three forms, one meaning everywhere:
 * - an ARN glob (`arn:aws:iam::*:role/break-glass-*`) matches the ARN, or the ARN read without its IAM path
 *   (so it also protects `role/team/break-glass-team`);
 * - a `kind/name` glob (`role/break-glass-*`) matches the resource part the same way;
 * - a name glob (`app-*`) matches the name, whatever the path: the last segment of the ARN.
 */
export function globMatch(pattern: string, value: string): boolean {
  const re = {test: (v: string) => wildcard(pattern, v)}
  const arn = parseArn(value)
  if (pattern.includes(':')) {
    if (re.test(value)) return true
    if (!arn || arn.service !== 'iam') return false
    const bare = withoutPath(arn.resource)
    return bare !== arn.resource && re.test(value.slice(0, value.length - arn.resource.length) + bare)
  }
  if (pattern.includes('/')) {
    const resource = arn ? arn.resource : value
    return re.test(resource) || re.test(withoutPath(resource))
  }
  return re.test(value.slice(value.lastIndexOf('/') + 1))
}

/** The first pattern that names `value`, for "protected by …" reasons. */
export function matchesAny(value: string, globs: readonly string[]): string | undefined {
  return globs.find((g) => globMatch(g, value))
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
  // GetFederationToken credentials act for the IAM user that called it: `federated-user/NAME` is user NAME
  // (STS drops the user's path, so users are compared by name too).
  if (p.service === 'sts' && p.resource.startsWith('federated-user/')) {
    const name = p.resource.slice('federated-user/'.length)
    return {kind: 'user', name, arn: `arn:${p.partition}:iam::${p.account}:user/${name}`}
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
