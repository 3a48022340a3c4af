// Inline SVG for the HTML report: the chain graph (principals left, sessions right by chain depth) and a
// timeline chart (one row per session, from issue to last call). No scripts, no external fonts.
import {chainGraph, pushTo, type ChainNode} from './chains.js'
import type {ForensicReport, SessionRow} from './types.js'

export const esc = (s: unknown) => String(s ?? '').replace(/[&<>"']/g, (c) => ({'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'})[c]!)

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s)
const COLORS: Record<string, string> = {principal: '#eceff1', role: '#e3f2fd', federated: '#f3e5f5', 'session-token': '#fff8e1', console: '#e8f5e9', 'role-inferred': '#fafafa', 'switch-role': '#e0f7fa'}

const NODE_W = 330
const NODE_H = 42
const COL_GAP = 90
const ROW_GAP = 14
/** Past this many sessions a picture stops helping; the tables carry the rest. */
const MAX_NODES = 80

/** Two lines: who (clipped, full text in the tooltip), then key and calls, so the key is never cut off. */
function nodeText(n: ChainNode, p: {x: number; y: number}): string {
  if (!n.session) return `<text x="${p.x + 10}" y="${p.y + 25}" font-size="12">${esc(clip(n.label, 46))}</text>`
  const s = n.session
  const keys = s.accessKeyIds.length ? `${s.accessKeyIds[0]}${s.accessKeyIds.length > 1 ? ` +${s.accessKeyIds.length - 1}` : ''}` : 'no key'
  const who = s.arn.replace(/^arn:[^:]+:[^:]+::\d*:(assumed-role\/)?/, '')
  return `<text x="${p.x + 8}" y="${p.y + 17}" font-size="12">${esc(clip(who, 48))}</text><text x="${p.x + 8}" y="${p.y + 33}" font-size="10.5" fill="#546e7a">${esc(`${keys} · ${s.activity.calls} calls${s.flags.length ? ` · ⚠ ${s.flags.join(', ')}` : ''}`)}</text>`
}

export function chainSvg(r: ForensicReport): string {
  const {nodes, edges} = chainGraph(r)
  const shown = new Set(nodes.slice(0, MAX_NODES).map((n) => n.id))
  const col = new Map<string, number>()
  for (const n of nodes) col.set(n.id, n.session ? n.session.depth : 0)
  const rows: number[] = []
  const pos = new Map<string, {x: number; y: number}>()
  // Depth-first from each root so children sit near their parent.
  const children = new Map<string, string[]>()
  for (const e of edges) pushTo(children, e.from, e.to)
  const byId = new Map(nodes.map((n) => [n.id, n]))
  let nextRow = 0
  const place = (id: string) => {
    if (pos.has(id) || !shown.has(id)) return
    const c = col.get(id)!
    const row = Math.max(nextRow, rows[c] ?? 0)
    pos.set(id, {x: 10 + c * (NODE_W + COL_GAP), y: 10 + row * (NODE_H + ROW_GAP)})
    rows[c] = row + 1
    const kids = children.get(id) ?? []
    if (!kids.length) nextRow = row + 1
    for (const k of kids) place(k)
    nextRow = Math.max(nextRow, row + 1)
  }
  for (const n of nodes) if (n.kind === 'principal') place(n.id)
  for (const n of nodes) place(n.id)
  const width = 20 + (Math.max(0, ...col.values()) + 1) * (NODE_W + COL_GAP)
  const height = 20 + Math.max(1, ...rows.filter((x) => x !== undefined)) * (NODE_H + ROW_GAP)
  const box = (n: ChainNode) => {
    const p = pos.get(n.id)!
    const stroke = n.flagged ? '#c62828' : '#90a4ae'
    const rx = n.kind === 'principal' ? 17 : 4
    return `<g><title>${esc(n.session ? `${n.session.arn}\n${n.session.flags.join(', ')}` : n.label)}</title><rect x="${p.x}" y="${p.y}" width="${NODE_W}" height="${NODE_H}" rx="${rx}" fill="${COLORS[n.kind] ?? '#fff'}" stroke="${stroke}" stroke-width="${n.flagged ? 2.5 : 1}"/>${nodeText(n, p)}</g>`
  }
  const line = (e: {from: string; to: string; label: string}) => {
    const a = pos.get(e.from)
    const b = pos.get(e.to)
    if (!a || !b) return ''
    const [x1, y1, x2, y2] = [a.x + NODE_W, a.y + NODE_H / 2, b.x, b.y + NODE_H / 2]
    const mx = (x1 + x2) / 2
    return `<path d="M${x1},${y1} C${mx},${y1} ${mx},${y2} ${x2},${y2}" fill="none" stroke="#78909c" marker-end="url(#arrow)"/><text x="${mx}" y="${(y1 + y2) / 2 - 4}" font-size="10" fill="#546e7a" text-anchor="middle">${esc(e.label)}</text>`
  }
  const more = nodes.length > MAX_NODES ? `<text x="10" y="${height + 12}" font-size="12">${nodes.length - MAX_NODES} more nodes not drawn; see the tables.</text>` : ''
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height + (more ? 20 : 0)}" viewBox="0 0 ${width} ${height + (more ? 20 : 0)}" font-family="system-ui, sans-serif" role="img" aria-label="Role chains"><defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#78909c"/></marker></defs>${edges.map(line).join('')}${[...byId.values()].filter((n) => pos.has(n.id)).map(box).join('')}${more}</svg>`
}

const MAX_ROWS = 60

function span(s: SessionRow): [number, number] | undefined {
  const start = Date.parse(s.issuedAt ?? s.activity.first ?? '')
  const end = Date.parse(s.activity.last ?? s.issuedAt ?? '')
  return Number.isNaN(start) ? undefined : [start, Number.isNaN(end) ? start : Math.max(start, end)]
}

export function timelineSvg(r: ForensicReport): string {
  const rows = r.sessions
    .map((s) => ({s, t: span(s)}))
    .filter((x): x is {s: SessionRow; t: [number, number]} => Boolean(x.t))
    .sort((a, b) => b.s.flags.length - a.s.flags.length || a.t[0] - b.t[0])
    .slice(0, MAX_ROWS)
    .sort((a, b) => a.t[0] - b.t[0])
  if (!rows.length) return '<p>No session times to chart.</p>'
  const flagTimes = r.flags.map((f) => ({f, t: Date.parse(f.at)})).filter((x) => !Number.isNaN(x.t))
  const t0 = Math.min(...rows.map((x) => x.t[0]))
  const t1 = Math.max(t0 + 60_000, ...rows.map((x) => x.t[1]))
  const [left, plotW, rowH] = [250, 860, 22]
  const x = (t: number) => left + ((t - t0) / (t1 - t0)) * plotW
  const height = 40 + rows.length * rowH
  const ticks = Array.from({length: 6}, (_, i) => t0 + ((t1 - t0) * i) / 5)
  const axis = ticks
    .map((t) => `<line x1="${x(t)}" y1="20" x2="${x(t)}" y2="${height - 10}" stroke="#eceff1"/><text x="${x(t)}" y="14" font-size="10" text-anchor="middle" fill="#546e7a">${esc(new Date(t).toISOString().slice(0, 16).replace('T', ' '))}</text>`)
    .join('')
  const bars = rows
    .map(({s, t}, i) => {
      const y = 26 + i * rowH
      const w = Math.max(3, x(t[1]) - x(t[0]))
      const fill = s.flags.length ? '#e57373' : s.kind === 'console' ? '#81c784' : '#64b5f6'
      const marks = flagTimes
        .filter(({f}) => f.subject === s.id)
        .map(({f, t: ft}) => `<circle cx="${x(ft)}" cy="${y + 7}" r="4" fill="#b71c1c"><title>${esc(`${f.kind}: ${f.detail}`)}</title></circle>`)
        .join('')
      return `<text x="${left - 6}" y="${y + 11}" font-size="11" text-anchor="end">${esc(clip(s.sessionName ? `${s.principal.split('/').pop()}/${s.sessionName}` : s.arn.split("/").pop() ?? s.arn, 34))}</text><rect x="${x(t[0])}" y="${y}" width="${w}" height="14" rx="2" fill="${fill}"><title>${esc(`${s.arn}\n${s.activity.calls ? `${s.issuedAt ?? s.activity.first} → ${s.activity.last}\n${s.activity.calls} calls` : `issued ${s.issuedAt ?? '?'}, unused`}`)}</title></rect>${marks}`
    })
    .join('')
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${left + plotW + 70}" height="${height}" viewBox="0 0 ${left + plotW + 70} ${height}" font-family="system-ui, sans-serif" role="img" aria-label="Session timeline">${axis}${bars}</svg>`
}
