// From linked sessions to the report: chain depth, the filters a person asked for, service noise,
// flags, the timeline and what the data cannot show.
import {globMatch} from '../../aws/arn.js'
import {pushTo} from '../../report/chains.js'
import type {Flag, ForensicReport, SessionRow, TimelineEntry} from '../../report/types.js'
import {cmp} from './activity.js'
import type {Accumulator} from './accumulate.js'
import {buildFindings} from '../detections/findings.js'
import {allFlags} from './flags.js'
import {linkSessions, type LinkedSession} from './link.js'
import {buildGaps, buildTimeline} from './timeline.js'

export interface GraphOptions {
  window: {start: Date; end: Date}
  /** Role ARN or name globs (`app-*`): keep sessions of these roles, with their chains. */
  roles?: string[]
  /** Principal ARN or name globs: keep sessions these users (or sessions) started, with their chains. */
  principals?: string[]
  /** Access key ids: keep sessions issued with, or issued by, these keys. */
  accessKeys?: string[]
  /** Keep sessions AWS services assumed for themselves (Lambda, EMR...). Off: they are noise. */
  includeService?: boolean
  title?: string
  source: {kind: string; description: string; calls: number; events: number}
  now?: Date
}

// The one ARN/name glob (aws/arn.ts), so `roles: ["app-*"]` selects here what revoke-sessions targets.
export {globMatch}

function depthOf(s: LinkedSession, all: Map<string, LinkedSession>): number {
  let d = 1
  const seen = new Set([s.row.id])
  for (let p = s.parentId; p && !seen.has(p); p = all.get(p)?.parentId) {
    seen.add(p)
    d++
  }
  return d
}

/** The chain's root principal: the user, service or provider at the top. */
function rootOf(s: LinkedSession, all: Map<string, LinkedSession>): string {
  let cur = s
  const seen = new Set<string>()
  while (cur.parentId && all.get(cur.parentId) && !seen.has(cur.parentId)) {
    seen.add(cur.parentId)
    cur = all.get(cur.parentId)!
  }
  return cur.row.issuer.id || cur.row.principal
}

function selected(opts: GraphOptions): boolean {
  return Boolean(opts.roles?.length || opts.principals?.length || opts.accessKeys?.length)
}

function matches(s: LinkedSession, all: Map<string, LinkedSession>, opts: GraphOptions): boolean {
  const r = s.row
  if (opts.roles?.some((g) => globMatch(g, r.principal) || globMatch(g, r.arn))) return true
  if (opts.principals?.some((g) => globMatch(g, rootOf(s, all)) || globMatch(g, r.issuer.id) || globMatch(g, r.arn))) return true
  if (opts.accessKeys?.some((k) => r.accessKeyIds.includes(k) || r.issuer.accessKeyId === k)) return true
  return false
}

export function buildReport(acc: Accumulator, opts: GraphOptions): ForensicReport {
  const all = linkSessions(acc)
  const depth = new Map<string, number>()
  for (const s of all.values()) depth.set(s.row.id, depthOf(s, all))

  // Keep what was asked for, with the whole chain above and below it.
  let keep = new Set(all.keys())
  if (selected(opts)) {
    keep = new Set()
    const children = new Map<string, string[]>()
    for (const s of all.values()) if (s.parentId) pushTo(children, s.parentId, s.row.id)
    const addDown = (id: string) => {
      if (keep.has(id)) return
      keep.add(id)
      for (const c of children.get(id) ?? []) addDown(c)
    }
    for (const s of all.values()) {
      if (!matches(s, all, opts)) continue
      addDown(s.row.id)
      for (let p = s.parentId; p && !keep.has(p); p = all.get(p)?.parentId) keep.add(p)
    }
  }

  const sessionOfActor = sessionResolver(all)
  const allRaised = allFlags(acc, all, depth, sessionOfActor)
  // Only sessions with a flag get a list (an empty one for each of 100k sessions was memory for nothing).
  const flagsBySession = new Map<string, Flag[]>()
  for (const f of allRaised) {
    if (!all.has(f.subject)) continue
    const list = flagsBySession.get(f.subject)
    if (list) list.push(f)
    else flagsBySession.set(f.subject, [f])
  }
  const flagsOf = (id: string): Flag[] => flagsBySession.get(id) ?? []

  // Unflagged AWS-service sessions are collapsed unless asked for or selected; a flagged one never is.
  let hidden = 0
  for (const s of all.values()) {
    if (!keep.has(s.row.id) || s.row.issuer.kind !== 'service' || opts.includeService) continue
    if (selected(opts) && matches(s, all, opts)) continue
    if (flagsOf(s.row.id).length) continue
    keep.delete(s.row.id)
    hidden++
  }

  // The linked row becomes the report's row in place (same key order as a spread copy): a copy of each
  // of 100k rows would be alive beside its original until the report is done.
  const sessions: SessionRow[] = [...all.values()]
    .filter((s) => keep.has(s.row.id))
    .map((s) =>
      Object.assign(s.row, {
        depth: depth.get(s.row.id)!,
        activity: s.activity.toActivity(),
        flags: [...new Set(flagsOf(s.row.id).map((f) => f.kind))],
      }),
    )
    .sort((a, b) => cmp(a.issuedAt ?? a.activity.first ?? '', b.issuedAt ?? b.activity.first ?? '') || cmp(a.id, b.id))

  const keptNames = new Set(sessions.flatMap((s) => [s.principal, s.arn]))
  // A selection keeps the flags about what it kept, and a named principal's or key's own calls.
  const ownFlag = (f: Flag) =>
    keep.has(f.subject) ||
    keptNames.has(f.subject) ||
    Boolean(opts.principals?.some((g) => globMatch(g, f.subject))) ||
    Boolean(opts.accessKeys?.some((k) => f.subject === k || f.contain?.keys?.includes(k)))
  const flags = allRaised
    .filter((f) => (all.has(f.subject) ? keep.has(f.subject) : !selected(opts) || ownFlag(f)))
    .sort((a, b) => cmp(a.at, b.at) || cmp(a.kind, b.kind) || cmp(a.subject, b.subject) || cmp(a.detail, b.detail))

  const principals = [...acc.longTerm.values()]
    .filter((l) => !selected(opts) || opts.principals?.some((g) => globMatch(g, l.arn)) || (l.key && opts.accessKeys?.includes(l.key)))
    .map((l) => ({arn: l.arn, accessKeyId: l.key, activity: l.activity.toActivity()}))
    .sort((a, b) => b.activity.calls - a.activity.calls)

  const {entries, dropped} = buildTimeline(acc, sessions, all, sessionOfActor, flags)
  const timeline: TimelineEntry[] = entries.filter((t) => !selected(opts) || !t.sessionId || keep.has(t.sessionId))
  return {
    title: opts.title ?? 'Session forensics',
    generatedAt: (opts.now ?? new Date()).toISOString(),
    window: {start: opts.window.start.toISOString(), end: opts.window.end.toISOString()},
    source: opts.source,
    ...scopeOf(acc, all),
    summary: {
      events: acc.events,
      sessions: sessions.length,
      issued: sessions.filter((s) => !s.inferred && s.kind !== 'console').length,
      inferred: sessions.filter((s) => s.inferred).length,
      console: sessions.filter((s) => s.kind === 'console').length,
      chains: sessions.filter((s) => s.depth >= 2).length,
      maxDepth: Math.max(0, ...sessions.map((s) => s.depth)),
      flags: flags.length,
      hiddenServiceSessions: hidden,
      ...(hidden ? {hiddenReason: 'sessions AWS services assumed for themselves that raised no flag (--include-service shows them); a flagged session is always shown'} : {}),
    },
    findings: buildFindings(flags, sessions),
    sessions,
    principals,
    flags,
    timeline,
    timelineDropped: dropped + acc.notesDropped,
    gaps: buildGaps(acc, sessions, opts),
  }
}

/** Which session an actor (of a persistence call, say) was: key + creationDate + ARN. */
function sessionResolver(all: Map<string, LinkedSession>) {
  const byKey = new Map<string, LinkedSession[]>()
  for (const s of all.values()) for (const k of s.row.accessKeyIds) pushTo(byKey, k, s)
  return (a: {accessKeyId?: string; arn?: string; sessionCreated?: number}): string | undefined => {
    if (!a.accessKeyId?.startsWith('ASIA')) return undefined
    const c = (byKey.get(a.accessKeyId) ?? []).filter((s) => s.row.arn === a.arn)
    const t = a.sessionCreated
    const best = c.find((s) => t === undefined || !s.row.issuedAt || Math.abs(Date.parse(s.row.issuedAt) - t) <= 5 * 60_000)
    return best?.row.id
  }
}

/** The accounts and regions the events came from, for the report's header. */
function scopeOf(acc: Accumulator, all: Map<string, LinkedSession>): {accounts: string[]; regions: string[]} {
  const accounts = new Set<string>()
  const regions = new Set<string>()
  for (const s of all.values()) {
    if (s.row.account) accounts.add(s.row.account)
    for (const r of s.activity.regions) regions.add(r)
    if (s.issue?.region) regions.add(s.issue.region)
  }
  for (const l of acc.longTerm.values()) {
    const m = /^arn:[^:]+:iam::(\d+):/.exec(l.arn)
    if (m) accounts.add(m[1])
    for (const r of l.activity.regions) regions.add(r)
  }
  for (const x of acc.external.values()) for (const r of x.activity.regions) regions.add(r)
  return {accounts: [...accounts].sort(), regions: [...regions].sort()}
}
