// CSV: one row per session, for spreadsheets and SIEM imports (RFC 4180 quoting).
import {visible} from './text.js'
import type {ForensicReport} from './types.js'

/**
 * A spreadsheet runs a cell that starts with = + - @ (or a tab or CR before one) as a formula; an
 * attacker picks session names and user agents, so such cells get a leading ' (OWASP's advice), which
 * spreadsheets show as text. Controls and bidi overrides are made visible; quoted newlines are RFC 4180.
 */
const q = (v: unknown) => {
  const s = visible(v === undefined || v === null ? '' : String(v), '\n\r\t')
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s
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
