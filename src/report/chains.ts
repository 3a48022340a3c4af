// The chain graph every renderer draws: principals at the roots, sessions below what issued them.
import type {ForensicReport, SessionRow} from './types.js'

export interface ChainNode {
  id: string
  label: string
  /** 'principal' for users, services, providers and unknown issuers; otherwise the session kind. */
  kind: 'principal' | SessionRow['kind']
  flagged: boolean
  session?: SessionRow
}

export interface ChainEdge {
  from: string
  to: string
  label: string
}

export function shortArn(arn: string): string {
  // arn:aws:sts::123:assumed-role/Role/session → Role/session; arn:aws:iam::123:user/alice → user/alice
  const m = /^arn:[^:]+:[^:]+::\d*:(.*)$/.exec(arn)
  if (!m) return arn
  return m[1].replace(/^assumed-role\//, '')
}

function issuerLabel(s: SessionRow): string {
  const i = s.issuer
  if (i.kind === 'unknown') return i.id ? `? → ${shortArn(i.id)}` : '? (issued outside the data)'
  if (i.kind === 'service') return i.id
  return `${i.kind === 'iam-user' || i.kind === 'root' ? '' : `${i.kind}: `}${shortArn(i.id)}`
}

export function chainGraph(r: ForensicReport): {nodes: ChainNode[]; edges: ChainEdge[]} {
  const nodes = new Map<string, ChainNode>()
  const edges: ChainEdge[] = []
  const byId = new Map(r.sessions.map((s) => [s.id, s]))
  // Sessions in several accounts: each node says its account, and a hop into another account says so.
  const accountOf = (arn: string) => /^arn:[^:]+:[^:]+::(\d{12}):/.exec(arn)?.[1]
  const multi = new Set(r.sessions.map((s) => accountOf(s.arn)).filter(Boolean)).size > 1
  const names = new Map((r.coverage?.covered ?? []).filter((c) => c.name).map((c) => [c.account, c.name!]))
  const where = (s: SessionRow) => {
    const a = accountOf(s.arn)
    return multi && a ? ` in ${a}${names.has(a) ? ` (${names.get(a)})` : ''}` : ''
  }
  for (const s of r.sessions) {
    nodes.set(s.id, {id: s.id, label: `${shortArn(s.arn)}${where(s)}${s.accessKeyIds[0] ? ` (${s.accessKeyIds[0]}${s.accessKeyIds.length > 1 ? ` +${s.accessKeyIds.length - 1} keys` : ''})` : ''}`, kind: s.kind, flagged: s.flags.length > 0, session: s})
    const parent = s.issuer.sessionId
    const via = s.kind === 'console' ? 'ConsoleLogin' : s.inferred ? 'seen in use' : s.kind === 'federated' ? 'GetFederationToken' : s.kind === 'session-token' ? 'GetSessionToken' : 'AssumeRole'
    const from = parent ? byId.get(parent) : undefined
    if (parent && from) {
      const across = accountOf(from.arn) && accountOf(s.arn) && accountOf(from.arn) !== accountOf(s.arn)
      edges.push({from: parent, to: s.id, label: across ? `${via} across accounts` : via})
      continue
    }
    const rootId = `principal:${s.issuer.kind}:${s.issuer.id || s.principal}`
    if (!nodes.has(rootId)) nodes.set(rootId, {id: rootId, label: issuerLabel(s), kind: 'principal', flagged: false})
    edges.push({from: rootId, to: s.id, label: via})
  }
  return {nodes: [...nodes.values()], edges}
}

/** A flag's subject for people: a session id becomes its short ARN and key. Indexed once per report. */
export function subjectLabeler(r: ForensicReport): (subject: string) => string {
  const byId = new Map(r.sessions.map((s) => [s.id, s]))
  return (subject) => {
    const s = byId.get(subject)
    if (!s) return shortArn(subject)
    return `${shortArn(s.arn)}${s.accessKeyIds[0] ? ` (${s.accessKeyIds[0]})` : ''}`
  }
}

/** The header line: what data this report is about. */
export function scopeLine(r: ForensicReport): string {
  const list = (xs: string[]) => (xs.length ? xs.join(', ') : '?')
  const time = (iso: string) => iso.replace('T', ' ').replace(/\.000Z$/, 'Z')
  const window = `window ${time(r.window.start)} → ${time(r.window.end)}`
  if (!r.coverage) return `Accounts ${list(r.accounts)} · regions ${list(r.regions)} · ${window}`
  // A fan-out names what it asked, not only what answered: an account with no events is still covered.
  const {covered, unreached} = r.coverage
  const named = (a: {account: string; name?: string}) => `${a.account}${a.name ? ` (${a.name})` : ''}`
  const sameRegions = covered.every((c) => c.regions.join() === covered[0].regions.join())
  const read = sameRegions
    ? `Accounts read ${list(covered.map(named))} · regions ${list(covered[0]?.regions ?? [])}`
    : `Accounts read ${covered.map((c) => `${named(c)}: ${c.regions.join(', ')}`).join('; ')}`
  const missing = unreached.length ? ` · NOT read: ${unreached.map((u) => `${named(u)}${u.region ? ` ${u.region}` : ''} (${u.reason})`).join('; ')}` : ''
  return `${read} · ${window}${missing}`
}

/** The session column of tables: its name (or kind), and what it is when that matters. */
export function sessionLabel(s: SessionRow): string {
  return `${s.sessionName ?? s.kind}${s.breakGlass ? ' (break-glass)' : ''}`
}

/** Who issued a session, for tables: '?' when the data does not say. */
export function issuerShort(s: SessionRow): string {
  return s.issuer.kind === 'unknown' || !s.issuer.id ? '? (not in data)' : shortArn(s.issuer.id)
}

/** Appends to a list in a map (a multimap); linear, unlike re-spreading the list each time. */
export function pushTo<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k)
  if (list) list.push(v)
  else m.set(k, [v])
}

/** Past this many, per-session detail stops being read: flagged sessions first, then the most active. */
export const MAX_DETAILED = 300

export function detailedSessions(r: ForensicReport): {shown: SessionRow[]; omitted: number} {
  if (r.sessions.length <= MAX_DETAILED) return {shown: r.sessions, omitted: 0}
  const ranked = [...r.sessions].sort((a, b) => b.flags.length - a.flags.length || b.activity.calls - a.activity.calls)
  const keep = new Set(ranked.slice(0, MAX_DETAILED))
  return {shown: r.sessions.filter((s) => keep.has(s)), omitted: r.sessions.length - MAX_DETAILED}
}
