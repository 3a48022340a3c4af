// One self-contained HTML file: inline CSS and SVG, no scripts, no fonts or images from anywhere, so it
// opens offline on an air-gapped forensics laptop and can be attached to a ticket as is.
import {detailedSessions, issuerShort, scopeLine, sessionLabel, shortArn, subjectLabeler} from './chains.js'
import {chainSvg, esc, timelineSvg} from './svg.js'
import type {ForensicReport} from './types.js'

const time = (iso?: string) => (iso ? iso.replace('T', ' ').replace(/\.000Z$/, 'Z') : '')

/** Columns holding IPs, event names, keys and times: one token each, never broken mid-token. */
function table(head: string[], rows: unknown[][], cls = '', tokens: number[] = []): string {
  const td = (c: unknown, i: number) => (tokens.includes(i) ? `<td class="tok">${esc(c)}</td>` : `<td>${esc(c)}</td>`)
  return `<table class="${cls}"><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map(td).join('')}</tr>`)
    .join('')}</tbody></table>`
}

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px auto;max-width:1240px;color:#263238;padding:0 16px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #cfd8dc;padding-bottom:4px}
.meta{color:#607d8b}.cards{display:flex;gap:12px;flex-wrap:wrap;margin:12px 0}
.card{background:#f5f7f8;border:1px solid #cfd8dc;border-radius:6px;padding:8px 14px;min-width:110px}
.card b{display:block;font-size:22px}.card.warn{background:#ffebee;border-color:#e57373}
table{border-collapse:collapse;width:100%;font-size:12.5px}th,td{border:1px solid #e0e0e0;padding:4px 6px;text-align:left;vertical-align:top}
th{background:#eceff1}tr:nth-child(even) td{background:#fafafa}td{overflow-wrap:break-word}td.tok{white-space:nowrap;overflow-wrap:normal;word-break:keep-all}
.flags td:nth-child(2){color:#b71c1c;font-weight:600}.scroll{overflow-x:auto;border:1px solid #eceff1;padding:6px}
details{margin:6px 0;border:1px solid #e0e0e0;border-radius:4px;padding:6px 10px}summary{cursor:pointer;font-weight:600}
.flag{color:#b71c1c}ul.gaps li{margin:4px 0}`

export function renderHtml(r: ForensicReport): string {
  const s = r.summary
  const label = subjectLabeler(r)
  const card = (n: number, label: string, warn = false) => `<div class="card${warn && n ? ' warn' : ''}"><b>${n}</b>${esc(label)}</div>`
  const {shown, omitted} = detailedSessions(r)
  const sessions = shown
    .map((x) => {
      const a = x.activity
      return `<details${x.flags.length ? ' open' : ''}><summary>${esc(shortArn(x.arn))}${x.flags.length ? ` <span class="flag">⚠ ${esc(x.flags.join(', '))}</span>` : ''}</summary>${table(
        ['field', 'value'],
        [
          ['kind', `${x.kind}${x.breakGlass ? ' (responder break-glass)' : ''}${x.inferred ? ' (seen only by its calls)' : ''}`],
          ['keys', x.accessKeyIds.join(', ')],
          ['issued', `${time(x.issuedAt)} by ${x.issuer.kind} ${x.issuer.id}${x.issuer.accessKeyId ? ` (key ${x.issuer.accessKeyId})` : ''}`],
          ['expires', time(x.expiresAt)],
          ['from', `${x.sourceIp ?? '?'} ${x.userAgent ?? ''}`],
          ['MFA', x.mfa === undefined ? '?' : x.mfa ? 'yes' : 'no'],
          ['calls', a.calls ? `${a.calls} (${time(a.first)} → ${time(a.last)})${a.lockdownCalls ? `, ${a.lockdownCalls} by lockdown` : ''}` : 'none seen (unused)'],
          ['by name', Object.entries(a.byName).map(([k, v]) => `${k} ×${v}`).join(', ')],
          ['errors', Object.entries(a.errors).map(([k, v]) => `${k} ×${v}`).join(', ')],
          ['IPs', Object.entries(a.ips).map(([k, v]) => `${k} (${v})`).join(', ')],
          ['regions', a.regions.join(', ')],
        ],
      )}</details>`
    })
    .join('')
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(r.title)}</title><style>${CSS}</style></head><body>
<h1>${esc(r.title)}</h1>
<div class="meta">${esc(scopeLine(r))}</div>
<div class="meta">${esc(r.source.description)} · generated ${esc(time(r.generatedAt))}</div>
<h2>Findings</h2>${
    r.findings.length
      ? table(
          ['at', 'finding', 'who', 'what', 'from', 'evidence (eventID)', 'contain with'],
          r.findings.slice(0, 100).map((f) => [time(f.at), f.detection, shortArn(f.who), f.what, f.from ?? '', f.evidence.slice(0, 3).join(' '), f.step]),
          'flags',
          [0, 1, 4],
        )
      : '<p>None: no detection fired on this data.</p>'
  }${r.findings.length > 100 ? `<p class="meta">${r.findings.length - 100} more findings are in the JSON report.</p>` : ''}
<div class="cards">${card(s.sessions, 'sessions')}${card(s.issued, 'issued in data')}${card(s.console, 'console')}${card(s.inferred, 'seen only in use')}${card(s.chains, 'in a chain ≥ 2')}${card(s.flags, 'flags', true)}${card(s.events, 'events')}</div>
${s.hiddenServiceSessions ? `<p class="meta">${s.hiddenServiceSessions} sessions collapsed: ${esc(s.hiddenReason ?? 'AWS-service sessions without flags (--include-service shows them)')}.</p>` : ''}
<h2>Flags</h2>${r.flags.length ? table(['at', 'flag', 'about', 'detail'], r.flags.map((f) => [time(f.at), f.kind, label(f.subject), f.detail]), 'flags', [0, 1]) : '<p>None.</p>'}
<h2>Who assumed what</h2>${table(
    ['issued', 'by', 'session', 'role / principal', 'key', 'from', 'MFA', 'calls', 'flags'],
    r.sessions.map((x) => [time(x.issuedAt), issuerShort(x), sessionLabel(x), shortArn(x.principal), x.accessKeyIds.join(' '), x.sourceIp ?? '', x.mfa === undefined ? '' : x.mfa ? 'yes' : 'no', x.activity.calls, x.flags.join(' ')]),
    '',
    [0, 4, 5],
  )}
<h2>Chains</h2><div class="scroll">${chainSvg(r)}</div>
<h2>Timeline</h2><div class="scroll">${timelineSvg(r)}</div>
${table(['at', 'event', 'actor', 'detail', 'IP', 'error'], r.timeline.map((t) => [time(t.at), t.event, `${shortArn(t.actor)}${t.lockdown ? ' (lockdown)' : ''}`, t.detail, t.ip ?? '', t.error ?? '']), '', [0, 1, 4, 5])}
${r.timelineDropped ? `<p class="meta">${r.timelineDropped} further entries not listed.</p>` : ''}
<h2>Sessions</h2>${sessions}${omitted ? `<p class="meta">${omitted} more sessions are in the table above and in the JSON/CSV reports.</p>` : ''}
<h2>What this data cannot show</h2><ul class="gaps">${r.gaps.map((g) => `<li>${esc(g)}</li>`).join('')}</ul>
</body></html>
`
}
