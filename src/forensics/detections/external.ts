// Data read without this account's credentials (anonymous S3 reads, another account's principal) from
// an address an attacker's session used: the same person, now reading what is public or shared.
import type {Flag} from '../../report/types.js'
import {iso} from '../graph/activity.js'
import type {Detection} from './types.js'

/** Flags whose IP is the attacker's: a stolen session or a malicious call, not a no-MFA login. */
const ATTACKER_KINDS = new Set(['service-credentials-outside', 'ip-change', 'user-agent-change', 'persistence', 'privilege-escalation', 'defense-evasion', 'exfiltration', 'credential-access', 'execution', 'impact', 'discovery'])

export const externalAccess: Detection = {
  name: 'external-access',
  summary: 'Anonymous or cross-account calls (S3 data events) from an IP seen in a flagged session',
  tactic: 'exfiltration',
  kind: 'external-access',
  reads: 'calls by userIdentity.type AWSAccount (anonymous, or another account), matched on sourceIPAddress',
  detect(input) {
    const attacker = new Map<string, string>()
    // The earliest flag per IP names it, whatever order the sessions were linked in.
    const prior = [...input.prior].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.subject < b.subject ? -1 : 1))
    for (const f of prior) if (f.ip && ATTACKER_KINDS.has(f.kind) && !attacker.has(f.ip)) attacker.set(f.ip, input.sessions.get(f.subject)?.row.arn ?? f.subject)
    const out: Flag[] = []
    for (const x of input.acc.external.values()) {
      const seenIn = attacker.get(x.ip)
      if (!seenIn) continue
      const a = x.activity
      const ipStat = a.ips.get(x.ip)
      const names = [...a.byName].sort((p, q) => q[1] - p[1] || (p[0] < q[0] ? -1 : 1)).map(([n, c]) => `${n} ×${c}`)
      const who = x.account === 'anonymous' ? 'anonymous' : `account ${x.account}`
      out.push({
        kind: 'external-access',
        at: iso(a.first)!,
        subject: `${who} from ${x.ip}`,
        detail: `${a.calls} ${who} call(s) (${names.join(', ')}) from ${x.ip}, the IP of flagged ${seenIn}, between ${iso(a.first)} and ${iso(a.last)}`,
        ip: x.ip,
        evidence: ipStat ? [ipStat.firstId] : [],
        contain: {manual: x.account === 'anonymous' ? `no IAM principal: block ${x.ip} and make the buckets it read private` : `review what account ${x.account} may read (bucket and resource policies)`},
      })
    }
    return out
  },
}
