// Does the forensics report show the attacker's path: the leaked key, then each session issued from
// the one before? Read from the report's sessions and their issuers (pure).
import type {ForensicReport, SessionRow} from '../report/types.js'

/** `keys[i]` is the access key id the attacker held for chain element i. */
export function findChain(report: ForensicReport, keys: string[]): {found: boolean; path: string[]} {
  const [first, ...rest] = keys
  const path = [first]
  let parent: SessionRow | undefined
  for (const key of rest) {
    const s = report.sessions.find((x) => x.accessKeyIds.includes(key))
    if (!s) return {found: false, path: [...path, `(no session for key …${key.slice(-4)})`]}
    const issuedBy = parent ? s.issuer.sessionId === parent.id : s.issuer.accessKeyId === first
    if (!issuedBy) return {found: false, path: [...path, `${s.principal} (issued by ${s.issuer.accessKeyId ?? s.issuer.id}, not the previous link)`]}
    path.push(s.principal)
    parent = s
  }
  return {found: true, path}
}
