// The revocation deny: the console's "Revoke active sessions" (AWSRevokeOlderSessions), generalised.
// One inline policy per principal, LockdownRevokeOlderSessions, made of one *part* per lockdown run:
//  - `LockdownRevokeOlderSessionsRun<run>`: every session issued before that run's cutoff is denied;
//  - `LockdownRevokeSession<hash>Run<run>`: one session (by `aws:userid` role-id:session-name or
//    `aws:SourceIdentity`) issued before its cutoff is denied.
// The run id in each Sid is what lets `undo A` remove exactly run A's part and leave run B's in force:
// the policy is recomputed from the remaining parts, never restored from a journaled copy. Denies
// add up, so the effective cutoff is the latest of all parts: a cutoff never moves earlier.
// Sids written before run ids were recorded (no `Run` suffix) form a part of no run, which no undo removes.
import {createHash} from 'node:crypto'

import type {PolicyDocument, Statement} from './document.js'

export const REVOKE_POLICY_NAME = 'LockdownRevokeOlderSessions'
const ALL_SID = 'LockdownRevokeOlderSessions'
const SESSION_SID_PREFIX = 'LockdownRevokeSession'
const RUN_MARK = 'Run'

export type SessionMatch = {userId: string} | {sourceIdentity: string}

export interface RevokeSpec {
  /** Deny every session issued before this ISO time. */
  allBefore?: string
  /** Deny single sessions issued before their cutoff. */
  sessions?: {match: SessionMatch; before: string}[]
}

/** One run's contribution to the policy; `run` is undefined for statements that name no run. */
export interface RevokePart extends RevokeSpec {
  run?: string
}

function laterOf(a: string | undefined, b: string | undefined): string | undefined {
  if (!a) return b
  if (!b) return a
  return Date.parse(a) >= Date.parse(b) ? a : b
}

/** IAM Sids are [A-Za-z0-9] only: a run id `20261126T091500Z-3fa2` is written `20261126T091500Z3fa2`. */
export function runSid(run: string): string {
  return run.replace(/[^A-Za-z0-9]/g, '')
}

/** The run id a Sid's run text stands for (the inverse of runSid for lockdown's run ids). */
export function runFromSid(text: string): string {
  const m = /^(\d{8}T\d{6}Z)([0-9a-f]{4})$/.exec(text)
  return m ? `${m[1]}-${m[2]}` : text
}

function sessionKey(match: SessionMatch): string {
  return `${SESSION_SID_PREFIX}${createHash('sha256').update('userId' in match ? `u:${match.userId}` : `s:${match.sourceIdentity}`).digest('hex').slice(0, 16)}`
}

function denyBefore(sid: string, before: string, extra: Statement['Condition'] = {}): Statement {
  return {Sid: sid, Effect: 'Deny', Action: '*', Resource: '*', Condition: {...extra, DateLessThan: {'aws:TokenIssueTime': before}}}
}

function sessionStatement(match: SessionMatch, before: string, suffix: string): Statement {
  const cond: Statement['Condition'] =
    'userId' in match ? {StringLike: {'aws:userid': match.userId}} : {StringEquals: {'aws:SourceIdentity': match.sourceIdentity}}
  return denyBefore(sessionKey(match) + suffix, before, cond)
}

/** Splits a Sid into its purpose and the run it names (if any). */
function parseSid(sid: string | undefined): {kind: 'all' | 'session'; run?: string} | undefined {
  if (!sid) return undefined
  const kind = sid.startsWith(ALL_SID) ? 'all' : sid.startsWith(SESSION_SID_PREFIX) ? 'session' : undefined
  if (!kind) return undefined
  const at = sid.indexOf(RUN_MARK, kind === 'all' ? ALL_SID.length : SESSION_SID_PREFIX.length + 16)
  return {kind, run: at >= 0 ? runFromSid(sid.slice(at + RUN_MARK.length)) : undefined}
}

/** The parts of an existing lockdown policy, one per run, in the order they appear. */
export function readRevokeParts(doc: PolicyDocument | undefined): RevokePart[] {
  const parts = new Map<string | undefined, RevokePart>()
  const partOf = (run: string | undefined) => {
    if (!parts.has(run)) parts.set(run, {run, sessions: []})
    return parts.get(run)!
  }
  for (const s of doc?.Statement ?? []) {
    const before = s.Condition?.DateLessThan?.['aws:TokenIssueTime']
    const sid = parseSid(s.Sid)
    if (typeof before !== 'string' || !sid || s.Effect !== 'Deny') continue
    const part = partOf(sid.run)
    if (sid.kind === 'all') part.allBefore = laterOf(part.allBefore, before)
    else {
      const userId = s.Condition?.StringLike?.['aws:userid']
      const sourceIdentity = s.Condition?.StringEquals?.['aws:SourceIdentity']
      if (typeof userId === 'string') part.sessions!.push({match: {userId}, before})
      else if (typeof sourceIdentity === 'string') part.sessions!.push({match: {sourceIdentity}, before})
    }
  }
  return [...parts.values()]
}

/** What the policy denies, all runs together: the latest cutoff for the principal and for each session. */
export function readRevokeSpec(doc: PolicyDocument | undefined): RevokeSpec {
  return readRevokeParts(doc).reduce<RevokeSpec>((acc, p) => mergeRevokeSpecs(acc, p), {sessions: []})
}

/** Existing + wanted, keeping the later cutoff for the principal and for each session. */
export function mergeRevokeSpecs(existing: RevokeSpec, wanted: RevokeSpec): RevokeSpec {
  const sessions = new Map<string, {match: SessionMatch; before: string}>()
  for (const s of [...(existing.sessions ?? []), ...(wanted.sessions ?? [])]) {
    const key = sessionKey(s.match)
    sessions.set(key, {match: s.match, before: laterOf(sessions.get(key)?.before, s.before)!})
  }
  return {allBefore: laterOf(existing.allBefore, wanted.allBefore), sessions: [...sessions.values()]}
}

function partStatements(part: RevokePart): Statement[] {
  const suffix = part.run ? RUN_MARK + runSid(part.run) : ''
  const statements: Statement[] = []
  if (part.allBefore) statements.push(denyBefore(ALL_SID + suffix, part.allBefore))
  for (const s of part.sessions ?? []) {
    // A session issued before the part's principal-wide cutoff is already denied; its statement would only cost size.
    if (part.allBefore && Date.parse(s.before) <= Date.parse(part.allBefore)) continue
    statements.push(sessionStatement(s.match, s.before, suffix))
  }
  return statements
}

/** The policy for one spec (one part; `run` names it in the Sids). */
export function revokePolicy(spec: RevokeSpec, run?: string): PolicyDocument {
  return revokePolicyOf([{...spec, run}])
}

export function revokePolicyOf(parts: RevokePart[]): PolicyDocument {
  return {Version: '2012-10-17', Statement: parts.flatMap(partStatements)}
}

/** `doc` with run `run`'s part merged with `wanted` (later cutoffs kept); the other runs' parts untouched. */
export function withRunPart(doc: PolicyDocument | undefined, run: string, wanted: RevokeSpec): PolicyDocument {
  const parts = readRevokeParts(doc)
  const mine = parts.find((p) => p.run === run)
  if (mine) Object.assign(mine, mergeRevokeSpecs(mine, wanted), {run})
  else parts.push({...mergeRevokeSpecs({}, wanted), run})
  return revokePolicyOf(parts)
}

/** `doc` without run `run`'s part; undefined when nothing remains (the policy is then deleted). */
export function withoutRun(doc: PolicyDocument | undefined, run: string): PolicyDocument | undefined {
  const rest = revokePolicyOf(readRevokeParts(doc).filter((p) => p.run !== run))
  return rest.Statement.length ? rest : undefined
}

/** `doc` without the parts of these runs (`undefined` = the part that names no run); undefined when nothing remains. */
export function withoutParts(doc: PolicyDocument | undefined, runs: (string | undefined)[]): PolicyDocument | undefined {
  const rest = revokePolicyOf(readRevokeParts(doc).filter((p) => !runs.includes(p.run)))
  return rest.Statement.length ? rest : undefined
}

/** `doc` with `parts` added back (tidy's undo); parts of the same run are merged, later cutoffs kept. */
export function withParts(doc: PolicyDocument | undefined, parts: RevokePart[]): PolicyDocument {
  const all = readRevokeParts(doc)
  for (const add of parts) {
    const same = all.find((p) => p.run === add.run)
    if (same) Object.assign(same, mergeRevokeSpecs(same, add), {run: add.run})
    else all.push(add)
  }
  return revokePolicyOf(all)
}

export function runPart(doc: PolicyDocument | undefined, run: string): RevokePart | undefined {
  return readRevokeParts(doc).find((p) => p.run === run)
}

/** The runs that wrote parts of the policy (for `lockdown status` and undo messages). */
export function revokeRuns(doc: PolicyDocument | undefined): string[] {
  return readRevokeParts(doc).flatMap((p) => (p.run ? [p.run] : []))
}

/**
 * True when `doc` is a lockdown revocation document: only Deny statements with lockdown Sids and an
 * issue-time cutoff. A journaled `before` that is anything else (an Allow) was not read by lockdown.
 */
export function isRevocationDocument(doc: unknown): boolean {
  const d = doc as PolicyDocument
  if (!d || typeof d !== 'object' || d.Version !== '2012-10-17' || !Array.isArray(d.Statement)) return false
  return d.Statement.every(
    (s) => s && s.Effect === 'Deny' && s.Action === '*' && s.Resource === '*' && parseSid(s.Sid) !== undefined && typeof s.Condition?.DateLessThan?.['aws:TokenIssueTime'] === 'string',
  )
}

/** True when `doc` already denies everything `wanted` asks for (re-running changes nothing). */
export function revokeSatisfied(doc: PolicyDocument | undefined, wanted: RevokeSpec): boolean {
  const merged = mergeRevokeSpecs(readRevokeSpec(doc), wanted)
  return JSON.stringify(revokePolicy(merged)) === JSON.stringify(revokePolicy(readRevokeSpec(doc)))
}
