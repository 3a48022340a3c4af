// The timeline (issuances, logins, each session's first call from each IP, its errors, the calls a
// detection flagged, noted calls, key status, revocations, last use) and the list of things the data
// cannot show. Both are for people: bounded, sorted, plainly worded. lockdown's own calls are marked.
import type {Flag, SessionRow, TimelineEntry} from '../../report/types.js'
import {cmp, iso} from './activity.js'
import type {Accumulator, NoteRec} from './accumulate.js'
import type {LinkedSession} from './link.js'
import type {GraphOptions} from './report.js'

/** A timeline longer than this is not read by anyone; the JSON keeps the sessions in full anyway. */
const MAX_TIMELINE = 2000
/** Errors listed per session: the earliest, enough to see what was tried. */
const ERRORS_PER_SESSION = 5

type Resolver = (a: {accessKeyId?: string; arn?: string; sessionCreated?: number}) => string | undefined

function noteEntry(n: NoteRec, kind: TimelineEntry['kind'], detail: string, resolve: Resolver): TimelineEntry {
  const sessionId = resolve(n.actor)
  const e: TimelineEntry = {at: iso(n.time)!, actor: n.actor.arn ?? n.actor.invokedBy ?? 'unknown', sessionId, event: n.name, detail, ip: n.ip, error: n.error, kind, eventId: n.eventId}
  if (n.lockdown) e.lockdown = true
  return e
}

export function buildTimeline(
  acc: Accumulator,
  sessions: SessionRow[],
  all: Map<string, LinkedSession>,
  resolve: Resolver,
  flags: Flag[],
): {entries: TimelineEntry[]; dropped: number} {
  const out = new Earliest(MAX_TIMELINE)
  // The call each flag points at, so a noted call that was flagged shows as such (once).
  const flagged = new Map<string, Flag>()
  for (const f of flags) for (const id of f.evidence ?? []) if (!flagged.has(id)) flagged.set(id, f)
  const listed = new Set<string>()
  for (const s of sessions) {
    const rec = all.get(s.id)?.issue
    if (rec && s.issuedAt) {
      out.push({
        at: s.issuedAt,
        actor: s.issuer.id,
        sessionId: s.id,
        event: rec.name,
        detail: `${s.issuer.id} → ${s.principal}${s.sessionName ? ` as ${s.sessionName}` : ''} (${s.accessKeyIds[0]})`,
        ip: s.sourceIp,
        kind: 'issue',
      })
    }
    const acc2 = all.get(s.id)?.activity
    const ours = s.activity.lockdownCalls !== undefined && s.activity.lockdownCalls === s.activity.calls
    const mark = (e: TimelineEntry) => (ours ? {...e, lockdown: true} : e)
    if (acc2 && acc2.ips.size) {
      // The first call from each IP: where the session went, and what it did first there.
      for (const [ip, st] of acc2.ips) {
        const f = flagged.get(st.firstId)
        listed.add(st.firstId)
        out.push(mark({at: iso(st.first)!, actor: s.arn, sessionId: s.id, event: st.firstName, detail: `first call from ${ip} (${st.n} of ${s.activity.calls} calls)${f ? ` ⚠ ${f.kind}` : ''}`, ip, kind: f ? 'flagged' : 'first-ip', eventId: st.firstId}))
      }
    } else if (s.activity.first) {
      out.push(mark({at: s.activity.first, actor: s.arn, sessionId: s.id, event: 'first use', detail: `${s.activity.calls} calls in all`, kind: 'first-use'}))
    }
    for (const e of (acc2?.errorSamples ?? []).slice(0, ERRORS_PER_SESSION)) {
      if (listed.has(e.id)) continue
      listed.add(e.id)
      const f = flagged.get(e.id)
      out.push(mark({at: iso(e.time)!, actor: s.arn, sessionId: s.id, event: e.name, detail: f ? `⚠ ${f.kind}` : 'failed', ip: e.ip, error: e.code, kind: f ? 'flagged' : 'error', eventId: e.id}))
    }
    if (s.activity.last && s.activity.last !== s.activity.first) {
      out.push(mark({at: s.activity.last, actor: s.arn, sessionId: s.id, event: 'last use', detail: '', kind: 'last-use'}))
    }
  }
  for (const l of acc.logins) {
    const ok = l.issued.success ? 'success' : 'failure'
    const mfa = l.name === 'ConsoleLogin' ? `, MFA ${l.issued.mfaUsed ? 'yes' : 'no'}` : ''
    out.push({at: iso(l.time)!, actor: l.actor.arn ?? 'unknown', event: l.name, detail: `${ok}${mfa}${l.issued.roleArn ? ` → ${l.issued.roleArn}` : ''}`, ip: l.ip, error: l.error, kind: 'login'})
  }
  for (const n of acc.persistence) {
    if (listed.has(n.eventId)) continue
    listed.add(n.eventId)
    const f = flagged.get(n.eventId)
    const p = n.params ?? {}
    const what = [p.target ?? p.userName ?? p.roleName, p.detail].filter(Boolean).join(' ')
    out.push(noteEntry(n, f ? 'flagged' : 'persistence', f ? `⚠ ${f.kind}${what ? `: ${what}` : ''}` : what, resolve))
  }
  // Flagged calls the lists above do not hold (a recon first call, a data read from the attacker's IP).
  for (const f of flags) {
    const id = f.evidence?.[0]
    if (!id || listed.has(id) || f.kind === 'denied-after-revocation' || f.kind === 'failed-issuance' || f.kind === 'long-term-key' || f.kind === 'deep-chain' || f.kind === 'console-no-mfa') continue
    listed.add(id)
    out.push({at: f.at, actor: f.subject, sessionId: all.has(f.subject) ? f.subject : undefined, event: f.detection ?? f.kind, detail: `⚠ ${f.detail}`, ip: f.ip, kind: 'flagged', eventId: id})
  }
  for (const n of acc.keyStatus) {
    const p = n.params ?? {}
    out.push(noteEntry(n, 'key-status', `${p.accessKeyId ?? '(new key)'}${p.status ? ` → ${p.status}` : ''}${p.userName ? ` (user ${p.userName})` : ''}`, resolve))
  }
  for (const n of acc.revocations) out.push(noteEntry(n, 'revocation', `${n.params?.policyName ?? ''} on ${n.params?.roleName ?? n.params?.userName ?? '?'}`, resolve))
  for (const f of acc.failedIssues) {
    out.push({at: iso(f.time)!, actor: f.actor.arn ?? 'unknown', event: f.name, detail: f.issued.roleArn ?? '', ip: f.ip, error: f.error, kind: 'denied'})
  }
  return out.result()
}

// Full tie-breaks: the order must not depend on file order or on how files were split across workers.
const byTimelineOrder = (a: TimelineEntry, b: TimelineEntry) => cmp(a.at, b.at) || cmp(a.event, b.event) || cmp(a.actor, b.actor) || cmp(a.detail, b.detail)

/**
 * The first `max` entries in timeline order, and how many were made. A 100k-session trail makes a few
 * hundred thousand candidate entries for a list of 2,000: they are cut back to the first `max` whenever
 * twice that many wait, so they die young instead of all living until one big sort. Ties keep the order
 * they were made in (as the stable sort of the whole list did), so the kept entries and their order are
 * the same as sorting everything and keeping the head.
 */
class Earliest {
  private list: {e: TimelineEntry; seq: number}[] = []
  private made = 0

  constructor(private readonly max: number) {}

  push(e: TimelineEntry): void {
    this.list.push({e, seq: this.made++})
    if (this.list.length >= 2 * this.max) this.trim()
  }

  private trim(): void {
    this.list.sort((a, b) => byTimelineOrder(a.e, b.e) || a.seq - b.seq)
    if (this.list.length > this.max) this.list.length = this.max
  }

  result(): {entries: TimelineEntry[]; dropped: number} {
    this.trim()
    return {entries: this.list.map((x) => x.e), dropped: Math.max(0, this.made - this.max)}
  }
}

export function buildGaps(acc: Accumulator, sessions: SessionRow[], opts: GraphOptions): string[] {
  const gaps: string[] = []
  const inferred = sessions.filter((s) => s.inferred)
  if (inferred.length) {
    gaps.push(`${inferred.length} session(s) were seen only by their calls: they were issued before ${opts.window.start.toISOString()} or outside this data (another region, account or trail), so who created them is unknown.`)
  }
  const unused = sessions.filter((s) => !s.inferred && s.kind !== 'console' && s.activity.calls === 0)
  if (unused.length) {
    gaps.push(`${unused.length} issued credential(s) show no use here: unused, or used in regions, accounts or data events this data does not cover.`)
  }
  if (opts.source.kind === 'lookup') {
    gaps.push('LookupEvents returns management events only: S3 object reads, Lambda invokes and other data events are not in it; nor is anything older than 90 days.')
  } else {
    gaps.push('Data events (S3 object reads, Lambda invokes) appear only if the trail was configured to log them.')
  }
  if (sessions.some((s) => s.kind === 'console')) {
    gaps.push('Console sessions sign with many short-lived keys and many calls come from AWS addresses ("AWS Internal", signin.amazonaws.com): they are grouped by user and session start, and those addresses are left out of IP comparisons.')
  }
  if (acc.failedIssues.some((f) => f.error)) {
    gaps.push('Failed AssumeRole calls log no role ARN in some records (requestParameters is null when access is denied): the role that was tried may be unknown.')
  }
  gaps.push('CloudTrail delivers events up to about 15 minutes late: the last minutes of the window may be incomplete.')
  if (acc.duplicates) gaps.push(`${acc.duplicates} cross-account duplicate event(s) (same sharedEventID) were counted once.`)
  if (acc.notesDropped) gaps.push(`${acc.notesDropped} notable event(s) beyond the per-report cap were counted but not listed.`)
  return gaps
}
