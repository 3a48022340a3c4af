// From a flag's subject to the playbook step that contains it: every role on the session's chain, the
// long-term key (and user) at its root, and the backdoors a call created. Names are explicit, never
// globs, so the emitted playbook does exactly what the report says.
import type {Containment} from '../../report/types.js'
import type {Actor} from '../event.js'
import type {LinkedSession} from '../graph/link.js'
import type {DetectionInput} from './types.js'

/** arn:aws:iam::1:role/path/name or arn:aws:sts::1:assumed-role/name/session → name. */
export function roleName(arn: string): string | undefined {
  const m = /:role\/(?:.*\/)?([^/]+)$/.exec(arn) ?? /:assumed-role\/([^/]+)\//.exec(arn)
  return m?.[1]
}

/** arn:aws:iam::1:user/path/name → name. */
export function userName(arn: string): string | undefined {
  return /:user\/(?:.*\/)?([^/]+)$/.exec(arn)?.[1]
}

const uniq = (xs: (string | undefined)[] | undefined) => {
  const out = [...new Set((xs ?? []).filter((x): x is string => Boolean(x)))].sort()
  return out.length ? out : undefined
}

export function mergeContain(...cs: (Containment | undefined)[]): Containment {
  const all = cs.filter((c): c is Containment => Boolean(c))
  const pick = (k: 'roles' | 'users' | 'keys' | 'keyUsers') => uniq(all.flatMap((c) => c[k] ?? []))
  const manual = [...new Set(all.map((c) => c.manual).filter(Boolean))].join('; ')
  const out: Containment = {}
  for (const k of ['roles', 'users', 'keys', 'keyUsers'] as const) {
    const v = pick(k)
    if (v) out[k] = v
  }
  if (manual) out.manual = manual
  return out
}

/** The chain from its root session down to s. */
export function chainOf(s: LinkedSession, all: Map<string, LinkedSession>): LinkedSession[] {
  const out = [s]
  const seen = new Set([s.row.id])
  for (let p = s.parentId; p && !seen.has(p) && all.get(p); p = all.get(p)!.parentId) {
    seen.add(p)
    out.unshift(all.get(p)!)
  }
  return out
}

/** Revoke every role session on the chain; at its root, end the user's sessions and deactivate the key that started it. */
export function containSession(s: LinkedSession, all: Map<string, LinkedSession>): Containment {
  const chain = chainOf(s, all)
  const roles: string[] = []
  const users: string[] = []
  const keys: string[] = []
  for (const c of chain) {
    const r = c.row
    if (r.kind === 'role' || r.kind === 'role-inferred' || r.kind === 'switch-role') roles.push(roleName(r.principal) ?? roleName(r.arn) ?? '')
    else users.push(userName(r.principal) ?? userName(r.arn) ?? '')
  }
  const root = chain[0].row.issuer
  if (root.kind === 'iam-user') {
    users.push(userName(root.id) ?? '')
    if (root.accessKeyId?.startsWith('AKIA')) keys.push(root.accessKeyId)
  }
  const out: Containment = {roles: uniq(roles), users: uniq(users), keys: uniq(keys)}
  if (root.kind === 'root') out.manual = 'the chain starts at the root user: rotate its password and keys'
  return mergeContain(out)
}

/** The caller of a call: its session's chain, or its long-term key and user. */
export function containActor(a: Actor, input: DetectionInput): Containment {
  const id = input.sessionOf(a)
  const s = id ? input.sessions.get(id) : undefined
  if (s) return containSession(s, input.sessions)
  if (a.type === 'Root') return {manual: 'the root user made this call: rotate its password and keys'}
  const user = a.type === 'IAMUser' && a.arn ? userName(a.arn) : undefined
  if (a.accessKeyId?.startsWith('AKIA')) return mergeContain({keys: [a.accessKeyId], users: user ? [user] : undefined})
  if (a.type === 'AssumedRole' && a.arn) return {roles: uniq([roleName(a.issuerArn ?? a.arn)])}
  return user ? {users: [user]} : {}
}

/** The playbook step text a finding names. */
export function stepText(c: Containment): string {
  const parts: string[] = []
  const list = (xs: string[]) => `[${xs.join(', ')}]`
  if (c.roles || c.users) parts.push(`revoke-sessions ${[c.roles && `roles: ${list(c.roles)}`, c.users && `users: ${list(c.users)}`].filter(Boolean).join(', ')}`)
  if (c.keys || c.keyUsers) parts.push(`deactivate-keys ${[c.keys && `keys: ${list(c.keys)}`, c.keyUsers && `users: ${list(c.keyUsers)}`].filter(Boolean).join(', ')}`)
  if (c.manual) parts.push(`by hand: ${c.manual}`)
  return parts.join('; ') || 'none: nothing in IAM to contain'
}
