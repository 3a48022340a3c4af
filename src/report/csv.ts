// CSV: one row per session, for spreadsheets and SIEM imports (RFC 4180 quoting).
import type {ForensicReport} from './types.js'

const q = (v: unknown) => {
  const s = v === undefined || v === null ? '' : String(v)
  // Quote always when needed; neutralise spreadsheet formulas in attacker-controlled text.
  const safe = /^[=+\-@]/.test(s) ? `'${s}` : s
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe
}

export const CSV_COLUMNS = ['session_id', 'kind', 'arn', 'principal', 'session_name', 'access_key_ids', 'account', 'issued_at', 'expires_at', 'source_ip', 'mfa', 'issuer_kind', 'issuer', 'issuer_key', 'depth', 'inferred', 'calls', 'errors', 'first_seen', 'last_seen', 'ips', 'regions', 'flags']

export function renderCsv(r: ForensicReport): string {
  const rows = r.sessions.map((s) => [
    s.id, s.kind, s.arn, s.principal, s.sessionName, s.accessKeyIds.join(' '), s.account, s.issuedAt, s.expiresAt, s.sourceIp,
    s.mfa === undefined ? '' : s.mfa, s.issuer.kind, s.issuer.id, s.issuer.accessKeyId, s.depth, s.inferred, s.activity.calls,
    Object.values(s.activity.errors).reduce((a, b) => a + b, 0), s.activity.first, s.activity.last, Object.keys(s.activity.ips).join(' '), s.activity.regions.join(' '), s.flags.join(' '),
  ])
  return [CSV_COLUMNS, ...rows].map((row) => row.map(q).join(',')).join('\r\n') + '\r\n'
}
