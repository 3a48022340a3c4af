// The Markdown report: what a responder pastes into the incident channel or commits next to the playbook.
import {chainGraph, detailedSessions, issuerShort, scopeLine, sessionLabel, shortArn, subjectLabeler} from './chains.js'
import {mdText as md, mermaidText} from './text.js'
import type {Activity, ForensicReport, SessionRow} from './types.js'

/** Every cell goes through mdText: most of what a report shows was chosen by whoever signed the call. */
const cell = (v: unknown) => md(v)
const time = (iso?: string) => (iso ? iso.replace('T', ' ').replace(/\.000Z$/, 'Z') : '')

function table(head: string[], rows: unknown[][]): string {
  return [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`)].join('\n')
}

const MAX_MERMAID = 200

function mermaidId(i: number): string {
  return `n${i}`
}

/** Mermaid flowchart of the chains; labels quoted, quotes escaped the way Mermaid reads them. */
export function mermaid(r: ForensicReport): string {
  const g = chainGraph(r)
  // Mermaid renders a few hundred nodes at most; the table has the rest.
  const nodes = g.nodes.slice(0, MAX_MERMAID)
  const drawn = new Set(nodes.map((n) => n.id))
  const edges = g.edges.filter((e) => drawn.has(e.from) && drawn.has(e.to))
  const idx = new Map(nodes.map((n, i) => [n.id, mermaidId(i)]))
  const label = (s: string) => `"${mermaidText(s)}"`
  const lines = ['flowchart LR']
  for (const n of nodes) lines.push(`  ${idx.get(n.id)}${n.kind === 'principal' ? `([${label(n.label)}])` : `[${label(n.label)}]`}`)
  for (const e of edges) lines.push(`  ${idx.get(e.from)} -->|${mermaidText(e.label)}| ${idx.get(e.to)}`)
  const flagged = nodes.filter((n) => n.flagged).map((n) => idx.get(n.id))
  if (flagged.length) lines.push('  classDef flagged stroke:#c62828,stroke-width:3px', `  class ${flagged.join(',')} flagged`)
  return lines.join('\n')
}

function topCalls(a: Activity, n = 8): string {
  const e = Object.entries(a.byName)
  return e.slice(0, n).map(([k, v]) => `${md(k)} ×${v}`).join(', ') + (e.length > n ? `, … (${e.length - n} more)` : '')
}

function sessionSection(s: SessionRow): string {
  const a = s.activity
  const lines = [
    `### ${md(shortArn(s.arn))}${s.flags.length ? ` ⚠ ${md(s.flags.join(', '))}` : ''}`,
    '',
    `- kind: ${s.kind}${s.breakGlass ? ' (responder break-glass)' : ''}${s.inferred ? ' (seen only by its calls)' : ''}; keys: ${md(s.accessKeyIds.join(', ')) || '—'}`,
    `- issued ${time(s.issuedAt) || '?'}${s.expiresAt ? `, expires ${time(s.expiresAt)}` : ''} by ${s.issuer.kind} ${md(s.issuer.id) || '?'}${s.issuer.accessKeyId ? ` (key ${md(s.issuer.accessKeyId)})` : ''}`,
    `- from ${md(s.sourceIp ?? '?')}${s.userAgent ? ` (${md(s.userAgent)})` : ''}; MFA ${s.mfa === undefined ? '?' : s.mfa ? 'yes' : 'no'}${s.sourceIdentity ? `; source identity ${md(s.sourceIdentity)}` : ''}`,
    `- ${a.calls ? `${a.calls} calls between ${time(a.first)} and ${time(a.last)}` : 'no calls seen (unused)'}${a.regions.length ? ` in ${md(a.regions.join(', '))}` : ''}${a.lockdownCalls ? `; ${a.lockdownCalls} by lockdown itself` : ''}`,
  ]
  if (a.calls) lines.push(`- calls: ${topCalls(a)}`)
  if (Object.keys(a.ips).length) lines.push(`- IPs: ${Object.entries(a.ips).map(([ip, n]) => `${md(ip)} (${n})`).join(', ')}`)
  if (Object.keys(a.errors).length) lines.push(`- errors: ${Object.entries(a.errors).map(([c, n]) => `${md(c)} ×${n}`).join(', ')}`)
  return lines.join('\n')
}

/** Findings listed in the opening table; the JSON report has them all. */
const MAX_FINDINGS = 100

export function findingsTable(r: ForensicReport): string {
  if (!r.findings.length) return 'None: no detection fired on this data.'
  const rows = r.findings
    .slice(0, MAX_FINDINGS)
    .map((f) => [time(f.at), f.detection, shortArn(f.who), f.what, f.from ?? '', f.evidence.slice(0, 3).join(' ') + (f.evidence.length > 3 ? ` +${f.evidence.length - 3}` : ''), f.step])
  const more = r.findings.length > MAX_FINDINGS ? `\n\n_${r.findings.length - MAX_FINDINGS} more findings are in the JSON report._` : ''
  return `${table(['at', 'finding', 'who', 'what', 'from', 'evidence (eventID)', 'contain with'], rows)}${more}`
}

export function renderMarkdown(r: ForensicReport): string {
  const s = r.summary
  const label = subjectLabeler(r)
  const out: string[] = [
    `# ${md(r.title)}`,
    '',
    md(scopeLine(r)),
    '',
    `Source: ${md(r.source.description)} · generated ${time(r.generatedAt)}`,
    '',
    '## Findings',
    '',
    findingsTable(r),
    '',
    '## Summary',
    '',
    `- ${s.sessions} sessions (${s.issued} issued in the data, ${s.console} console, ${s.inferred} seen only by their calls) from ${s.events} events`,
    `- ${s.chains} sessions at the end of a role chain (deepest: ${s.maxDepth})`,
    `- ${r.findings.length} findings from ${s.flags} flags`,
    ...(s.hiddenServiceSessions ? [`- ${s.hiddenServiceSessions} sessions collapsed: ${s.hiddenReason ?? 'AWS-service sessions without flags (--include-service shows them)'}`] : []),
    '',
    '## Who assumed what',
    '',
    table(
      ['issued', 'by', 'session', 'role / principal', 'key', 'from', 'MFA', 'calls', 'flags'],
      r.sessions.map((x) => [time(x.issuedAt), issuerShort(x), sessionLabel(x), shortArn(x.principal), x.accessKeyIds.join(' '), x.sourceIp ?? '', x.mfa === undefined ? '' : x.mfa ? 'yes' : 'no', x.activity.calls, x.flags.join(' ')]),
    ),
    '',
    '## Chains',
    '',
    '```mermaid',
    mermaid(r),
    '```',
    '',
    '## Flags',
    '',
    r.flags.length ? table(['at', 'flag', 'about', 'detail'], r.flags.map((f) => [time(f.at), f.kind, label(f.subject), f.detail])) : 'None.',
    '',
    '## Timeline',
    '',
    table(['at', 'event', 'actor', 'detail', 'IP', 'error'], r.timeline.map((t) => [time(t.at), t.event, `${shortArn(t.actor)}${t.lockdown ? ' (lockdown)' : ''}`, t.detail, t.ip ?? '', t.error ?? ''])),
  ]
  if (r.timelineDropped) out.push('', `_${r.timelineDropped} further entries not listed._`)
  const {shown, omitted} = detailedSessions(r)
  out.push('', '## Sessions', '', ...shown.map(sessionSection).flatMap((x) => [x, '']))
  if (omitted) out.push(`_${omitted} more sessions are in the table above and in the JSON/CSV reports._`, '')
  if (r.principals.length) {
    out.push('## Long-term credentials in use', '', table(['principal', 'key', 'calls', 'first', 'last', 'IPs'], r.principals.slice(0, 50).map((p) => [shortArn(p.arn), p.accessKeyId ?? '(console/no key)', p.activity.calls, time(p.activity.first), time(p.activity.last), Object.keys(p.activity.ips).join(' ')])), '')
  }
  out.push('## What this data cannot show', '', ...r.gaps.map((g) => `- ${md(g)}`), '')
  return out.join('\n')
}
