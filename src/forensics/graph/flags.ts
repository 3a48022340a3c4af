// Things worth a human's eye, each tied to the session or principal it is about. Pure over the linked
// sessions and the accumulated notes.
import type {Flag} from '../../report/types.js'
import {iso} from './activity.js'
import type {Accumulator} from './accumulate.js'
import type {LinkedSession} from './link.js'

const ISSUER_IP = /^[0-9a-fA-F.:]+$/

/** The IP a session was created from: the issuing call's, or for a service-issued one, its first call's. */
export function originIp(s: LinkedSession): string | undefined {
  const ip = s.row.sourceIp
  if (ip && ISSUER_IP.test(ip) && !s.issue?.actor.invokedBy) return ip
  return s.firstIp
}

export function sessionFlags(s: LinkedSession, depth: number): Flag[] {
  const out: Flag[] = []
  const r = s.row
  const at = r.issuedAt ?? iso(s.activity.first) ?? ''
  const origin = originIp(s)
  if (origin) {
    // Console calls are relayed by AWS and service-held sessions move between AWS runtime hosts: only
    // direct calls count, and for a service's session only calls that do not look like the service.
    const service = r.issuer.kind === 'service'
    const others = [...s.activity.ips.entries()].filter(([ip, st]) => ip !== origin && (service ? st.human > 0 : st.direct > 0))
    if (others.length) {
      const [ip, {n, first}] = others.sort((a, b) => a[1].first - b[1].first)[0]
      out.push({
        kind: 'ip-change',
        at: iso(first)!,
        subject: r.id,
        detail: `created from ${origin}, used from ${others.map(([o]) => o).join(', ')} (${ip} first at ${iso(first)}, ${n} calls)`,
      })
    }
  }
  if (r.issuer.accessKeyId?.startsWith('AKIA') && (r.kind === 'role' || r.kind === 'federated' || r.kind === 'session-token')) {
    out.push({kind: 'long-term-key', at, subject: r.id, detail: `${s.issue?.name ?? 'issued'} by long-term key ${r.issuer.accessKeyId} of ${r.issuer.id}`})
  }
  if (depth >= 2) out.push({kind: 'deep-chain', at, subject: r.id, detail: `role chain ${depth} sessions deep`})
  if (r.kind === 'console' && r.mfa === false && r.issuer.kind !== 'unknown') {
    out.push({kind: 'console-no-mfa', at, subject: r.id, detail: `console login by ${r.arn} from ${r.sourceIp ?? '?'} without MFA`})
  }
  return out
}

/** Flags that are not about one session: persistence calls, key status flips, failed issuance. */
export function accountFlags(acc: Accumulator, sessionOfActor: (a: {accessKeyId?: string; arn?: string; sessionCreated?: number}) => string | undefined): Flag[] {
  const out: Flag[] = []
  for (const n of acc.persistence) {
    const who = sessionOfActor(n.actor) ?? n.actor.arn ?? n.actor.principalId ?? 'unknown'
    const target = n.params?.userName ?? n.params?.roleName ?? ''
    out.push({
      kind: 'persistence',
      at: iso(n.time)!,
      subject: who,
      detail: `${n.name}${target ? ` on ${target}` : ''}${n.error ? ` (failed: ${n.error})` : ''} from ${n.ip}`,
    })
  }
  // A key set Inactive and later Active again, and used after: containment undone.
  const byKey = new Map<string, typeof acc.keyStatus>()
  for (const n of acc.keyStatus) {
    if (n.name !== 'UpdateAccessKey' || n.error || !n.params?.accessKeyId) continue
    const list = byKey.get(n.params.accessKeyId) ?? []
    list.push(n)
    byKey.set(n.params.accessKeyId, list)
  }
  for (const [key, list] of byKey) {
    list.sort((a, b) => a.time - b.time)
    const off = list.find((n) => n.params?.status === 'Inactive')
    const on = off && list.find((n) => n.time > off.time && n.params?.status === 'Active')
    if (!off || !on) continue
    const uses = [...acc.longTerm.values()].filter((l) => l.key === key)
    const secs = uses.flatMap((u) => [...u.useSeconds])
    const count = (pred: (ms: number) => boolean) => secs.reduce((n, [t, c]) => n + (pred(t * 1000) ? c : 0), 0)
    const before = count((t) => t < off.time)
    const after = count((t) => t > on.time)
    const between = count((t) => t >= off.time && t <= on.time)
    out.push({
      kind: 'key-reactivated',
      at: iso(on.time)!,
      subject: key,
      detail: `${key} (${off.params?.userName ?? '?'}) set Inactive at ${iso(off.time)} by ${off.actor.arn}, Active again at ${iso(on.time)} by ${on.actor.arn}; used ${before} times before, ${between} while inactive, ${after} after`,
    })
  }
  for (const f of acc.failedIssues) {
    out.push({
      kind: 'failed-issuance',
      at: iso(f.time)!,
      subject: f.actor.arn ?? f.actor.invokedBy ?? 'unknown',
      detail: `${f.name}${f.issued.roleArn ? ` of ${f.issued.roleArn}` : ''} failed: ${f.error ?? 'no credentials returned'} from ${f.ip}`,
    })
  }
  return out
}
