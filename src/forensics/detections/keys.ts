// Detections about issuance and keys: credentials refused, and a deactivated key switched back on.
import type {Flag} from '../../report/types.js'
import {iso} from '../graph/activity.js'
import type {NoteRec} from '../graph/accumulate.js'
import {containActor, userName} from './contain.js'
import type {Detection} from './types.js'

export const keyReactivated: Detection = {
  name: 'key-reactivated',
  summary: 'A key set Inactive and later Active again, then used: containment undone',
  tactic: 'persistence',
  kind: 'key-reactivated',
  reads: 'UpdateAccessKey (status), the key’s own calls',
  detect({acc}) {
    const out: Flag[] = []
    const byKey = new Map<string, NoteRec[]>()
    for (const n of acc.keyStatus) {
      if (n.name !== 'UpdateAccessKey' || n.error || !n.params?.accessKeyId) continue
      const list = byKey.get(n.params.accessKeyId) ?? []
      list.push(n)
      byKey.set(n.params.accessKeyId, list)
    }
    for (const [key, list] of byKey) {
      list.sort((a, b) => a.time - b.time || (a.eventId < b.eventId ? -1 : 1))
      const off = list.find((n) => n.params?.status === 'Inactive')
      const on = off && list.find((n) => n.time > off.time && n.params?.status === 'Active')
      if (!off || !on) continue
      const secs = [...acc.longTerm.values()].filter((l) => l.key === key).flatMap((u) => [...u.useSeconds])
      const count = (pred: (ms: number) => boolean) => secs.reduce((n, [t, c]) => n + (pred(t * 1000) ? c : 0), 0)
      const before = count((t) => t < off.time)
      const after = count((t) => t > on.time)
      const between = count((t) => t >= off.time && t <= on.time)
      const user = off.params?.userName
      out.push({
        kind: 'key-reactivated',
        at: iso(on.time)!,
        subject: key,
        detail: `${key} (${user ?? '?'}) set Inactive at ${iso(off.time)} by ${off.actor.arn}, Active again at ${iso(on.time)} by ${on.actor.arn}; used ${before} times before, ${between} while inactive, ${after} after`,
        ip: on.ip,
        evidence: [off.eventId, on.eventId],
        contain: {keys: key.startsWith('AKIA') ? [key] : undefined, users: user ? [user] : on.actor.arn && userName(on.actor.arn) ? [userName(on.actor.arn)!] : undefined},
      })
    }
    return out
  },
}

export const failedIssuance: Detection = {
  name: 'failed-issuance',
  summary: 'AssumeRole (or another issuing call) refused or without credentials',
  tactic: 'discovery',
  kind: 'failed-issuance',
  reads: 'AssumeRole*, GetSessionToken, GetFederationToken with an errorCode',
  detect: (input) =>
    input.acc.failedIssues.map((f) => ({
      kind: 'failed-issuance' as const,
      at: iso(f.time)!,
      subject: f.actor.arn ?? f.actor.invokedBy ?? 'unknown',
      detail: `${f.name}${f.issued.roleArn ? ` of ${f.issued.roleArn}` : ''} failed: ${f.error ?? 'no credentials returned'} from ${f.ip}`,
      ip: f.ip,
      evidence: [f.id],
      contain: containActor(f.actor, input),
    })),
}
