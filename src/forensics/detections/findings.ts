// The report's opening list: one line per (detection, subject) — who, what, from where, the evidence —
// and the playbook step that would contain it. Attack first, hygiene (no-MFA logins) last.
import type {Finding, Flag, FlagKind, SessionRow} from '../../report/types.js'
import {mergeContain, stepText} from './contain.js'

/** The order a responder reads in: stolen credentials and tampering before hygiene. */
const RANK: FlagKind[] = [
  'service-credentials-outside',
  'defense-evasion',
  'persistence',
  'privilege-escalation',
  'exfiltration',
  'external-access',
  'credential-access',
  'execution',
  'impact',
  'ip-change',
  'user-agent-change',
  'key-reactivated',
  'discovery',
  'long-term-key',
  'deep-chain',
  'failed-issuance',
  'console-no-mfa',
]

/** Flags that are evidence of the response, not findings to act on. */
const NOT_FINDINGS = new Set<FlagKind>(['denied-after-revocation'])

export function buildFindings(flags: Flag[], sessions: SessionRow[]): Finding[] {
  const byId = new Map(sessions.map((s) => [s.id, s]))
  const groups = new Map<string, Flag[]>()
  for (const f of flags) {
    if (NOT_FINDINGS.has(f.kind)) continue
    const k = `${f.detection ?? f.kind}\u0000${f.subject}`
    const list = groups.get(k)
    if (list) list.push(f)
    else groups.set(k, [f])
  }
  const out: Finding[] = []
  for (const list of groups.values()) {
    const f = list[0]
    const s = byId.get(f.subject)
    const contain = mergeContain(...list.map((x) => x.contain))
    out.push({
      detection: f.detection ?? f.kind,
      kind: f.kind,
      at: f.at,
      who: s ? `${s.arn}${s.accessKeyIds[0] ? ` (${s.accessKeyIds[0]})` : ''}` : f.subject,
      what: list.length > 1 ? `${f.detail}; and ${list.length - 1} more: ${[...new Set(list.slice(1).map((x) => x.detail.split(' ')[0]))].join(', ')}` : f.detail,
      from: [...new Set(list.map((x) => x.ip).filter(Boolean))].join(', ') || undefined,
      evidence: [...new Set(list.flatMap((x) => x.evidence ?? []))],
      step: stepText(contain),
      contain,
    })
  }
  const rank = (k: FlagKind) => (RANK.indexOf(k) + RANK.length + 1) % (RANK.length + 1)
  return out.sort((a, b) => rank(a.kind) - rank(b.kind) || (a.at < b.at ? -1 : a.at > b.at ? 1 : 0) || (a.who < b.who ? -1 : a.who > b.who ? 1 : 0) || (a.detection < b.detection ? -1 : 1))
}
