// Which policies apply to a principal, as authorization sees them. Reads (GetRolePolicy…) always show the
// latest state; authorization may lag by `consistencyDelayMs` (AWS IAM is eventually consistent), so every
// change is recorded as a versioned entry and authorization takes the newest entry old enough to count.
import type {Account} from './state.js'
import {defaultDocument} from './state.js'

export interface NamedPolicy {
  name: string
  policy: unknown
}

export interface PolicyEntry {
  version: number
  at: number // real ms (not the sim clock: clock offsets must not reorder history)
  policies: NamedPolicy[]
  /** Lower-cased context keys the documents reference (conditions and ${…} variables): the decision cache key. */
  keys: string[]
}

export type PrincipalKey = `user:${string}` | `role:${string}`

let versions = 0

export function conditionKeys(docs: unknown[]): string[] {
  const keys = new Set<string>()
  for (const doc of docs) {
    const text = JSON.stringify(doc)
    for (const m of text.matchAll(/\$\{([^}]+)\}/g)) keys.add(m[1]!.toLowerCase())
    const st = (doc as {Statement?: unknown}).Statement
    for (const s of Array.isArray(st) ? st : st ? [st] : []) {
      const cond = (s as {Condition?: Record<string, Record<string, unknown>>}).Condition
      for (const op of Object.values(cond ?? {})) for (const k of Object.keys(op ?? {})) keys.add(k.toLowerCase())
    }
  }
  return [...keys].sort()
}

export class PolicyIndex {
  private history = new Map<PrincipalKey, PolicyEntry[]>()
  constructor(
    private readonly account: Account,
    private readonly delayMs: () => number,
  ) {
    for (const u of account.users.values()) this.created(`user:${u.name}`)
    for (const r of account.roles.values()) this.created(`role:${r.name}`)
  }

  /** A principal exists from now on: its starting policies count as always in force (no delay to apply). */
  created(p: PrincipalKey): void {
    this.history.set(p, [this.entry(p, -Infinity)])
  }

  /** The policies attached right now, in AWS's evaluation set: inline first, then managed. */
  current(p: PrincipalKey): NamedPolicy[] {
    const [kind, name] = splitKey(p)
    const ent = kind === 'user' ? this.account.users.get(name) : this.account.roles.get(name)
    if (!ent) return []
    const out: NamedPolicy[] = []
    for (const [n, doc] of ent.inline) out.push({name: `inline:${n}`, policy: JSON.parse(doc)})
    for (const arn of ent.attached) {
      const mp = this.account.policies.get(arn)
      if (mp) out.push({name: arn, policy: JSON.parse(defaultDocument(mp))})
    }
    return out
  }

  /** Call after any change to what applies to `p` (inline put/delete, attach/detach, new default version). */
  changed(p: PrincipalKey): void {
    const list = this.history.get(p) ?? []
    list.push(this.entry(p, Date.now()))
    this.history.set(p, list)
  }

  /** A managed policy's default document changed: everyone it is attached to changed. */
  managedChanged(arn: string): void {
    for (const u of this.account.users.values()) if (u.attached.has(arn)) this.changed(`user:${u.name}`)
    for (const r of this.account.roles.values()) if (r.attached.has(arn)) this.changed(`role:${r.name}`)
  }

  forget(p: PrincipalKey): void {
    this.history.delete(p)
  }

  /** What authorization sees for `p` now: the newest entry older than the consistency delay. */
  effective(p: PrincipalKey): PolicyEntry {
    let list = this.history.get(p)
    if (!list) {
      list = [this.entry(p, -Infinity)]
      this.history.set(p, list)
    }
    const cutoff = Date.now() - this.delayMs()
    let idx = 0
    for (let i = list.length - 1; i >= 0; i--) {
      if (list[i]!.at <= cutoff) {
        idx = i
        break
      }
    }
    // Entries older than the one in force can never be chosen again.
    if (idx > 0) list.splice(0, idx)
    return list[0]!
  }

  private entry(p: PrincipalKey, at: number): PolicyEntry {
    const policies = this.current(p)
    return {version: ++versions, at, policies, keys: conditionKeys(policies.map((x) => x.policy))}
  }
}

function splitKey(p: PrincipalKey): ['user' | 'role', string] {
  const i = p.indexOf(':')
  return [p.slice(0, i) as 'user' | 'role', p.slice(i + 1)]
}
