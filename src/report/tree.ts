// The terminal tree for `lockdown trail chains`: roots are principals, children the sessions they made.
// Session names, ARNs and IPs are attacker-chosen: a raw ESC could rewrite the analyst's terminal and a
// U+202E reverse a name, so every line goes through the same `visible` the Markdown renderer uses.
import {chainGraph, pushTo} from './chains.js'
import {visible} from './text.js'
import type {ForensicReport} from './types.js'

const time = (iso?: string) => (iso ? iso.replace('T', ' ').replace(/:\d\d\.000Z$/, 'Z') : '?')

export function renderTree(r: ForensicReport): string {
  const {nodes, edges} = chainGraph(r)
  const kids = new Map<string, {to: string; label: string}[]>()
  for (const e of edges) pushTo(kids, e.from, {to: e.to, label: e.label})
  const byId = new Map(nodes.map((n) => [n.id, n]))
  const lines: string[] = []
  const walk = (id: string, prefix: string, via: string, last: boolean, seen: Set<string>) => {
    const n = byId.get(id)!
    const s = n.session
    const detail = s
      ? ` ${time(s.issuedAt)} from ${s.sourceIp ?? '?'} · ${s.activity.calls} calls${Object.keys(s.activity.ips).length ? ` (${Object.keys(s.activity.ips).join(', ')})` : ''}${s.flags.length ? ` ⚠ ${s.flags.join(', ')}` : ''}`
      : ''
    lines.push(visible(`${prefix}${last ? '└─' : '├─'} ${via ? `[${via}] ` : ''}${n.label}${detail}`))
    if (seen.has(id)) return
    seen.add(id)
    const list = kids.get(id) ?? []
    list.forEach((k, i) => walk(k.to, `${prefix}${last ? '   ' : '│  '}`, k.label, i === list.length - 1, seen))
  }
  for (const n of nodes) {
    if (n.kind !== 'principal') continue
    lines.push(visible(n.label))
    const list = kids.get(n.id) ?? []
    list.forEach((k, i) => walk(k.to, '', k.label, i === list.length - 1, new Set()))
  }
  if (!lines.length) lines.push('No sessions in the window.')
  return lines.join('\n')
}
