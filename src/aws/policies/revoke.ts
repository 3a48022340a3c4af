// The revocation deny: the console's "Revoke active sessions" (AWSRevokeOlderSessions), generalised.
// One inline policy per principal, LockdownRevokeOlderSessions, with a Sid per purpose:
//  - `LockdownRevokeOlderSessions`: every session issued before the cutoff is denied;
//  - `LockdownRevokeSession…`: one session (by `aws:userid` role-id:session-name or `aws:SourceIdentity`)
//    issued before its cutoff is denied; these accumulate.
// Merging never moves a cutoff earlier: re-running keeps the later one.
import {createHash} from 'node:crypto'

import type {PolicyDocument, Statement} from './document.js'

export const REVOKE_POLICY_NAME = 'LockdownRevokeOlderSessions'
const ALL_SID = 'LockdownRevokeOlderSessions'
const SESSION_SID_PREFIX = 'LockdownRevokeSession'

export type SessionMatch = {userId: string} | {sourceIdentity: string}

export interface RevokeSpec {
  /** Deny every session issued before this ISO time. */
  allBefore?: string
  /** Deny single sessions issued before their cutoff. */
  sessions?: {match: SessionMatch; before: string}[]
}

function laterOf(a: string | undefined, b: string | undefined): string | undefined {
  if (!a) return b
  if (!b) return a
  return Date.parse(a) >= Date.parse(b) ? a : b
}

function sessionSid(match: SessionMatch): string {
  const key = 'userId' in match ? `u:${match.userId}` : `s:${match.sourceIdentity}`
  return `${SESSION_SID_PREFIX}${createHash('sha256').update(key).digest('hex').slice(0, 16)}`
}

function denyBefore(sid: string, before: string, extra: Statement['Condition'] = {}): Statement {
  return {Sid: sid, Effect: 'Deny', Action: '*', Resource: '*', Condition: {...extra, DateLessThan: {'aws:TokenIssueTime': before}}}
}

function sessionStatement(match: SessionMatch, before: string): Statement {
  const cond: Statement['Condition'] =
    'userId' in match ? {StringLike: {'aws:userid': match.userId}} : {StringEquals: {'aws:SourceIdentity': match.sourceIdentity}}
  return denyBefore(sessionSid(match), before, cond)
}

/** Reads back what an existing lockdown policy says, so a merge can keep the later cutoffs. */
export function readRevokeSpec(doc: PolicyDocument | undefined): RevokeSpec {
  const spec: RevokeSpec = {sessions: []}
  for (const s of doc?.Statement ?? []) {
    const before = s.Condition?.DateLessThan?.['aws:TokenIssueTime']
    if (typeof before !== 'string') continue
    if (s.Sid === ALL_SID) spec.allBefore = before
    else if (s.Sid?.startsWith(SESSION_SID_PREFIX)) {
      const userId = s.Condition?.StringLike?.['aws:userid']
      const sourceIdentity = s.Condition?.StringEquals?.['aws:SourceIdentity']
      if (typeof userId === 'string') spec.sessions!.push({match: {userId}, before})
      else if (typeof sourceIdentity === 'string') spec.sessions!.push({match: {sourceIdentity}, before})
    }
  }
  return spec
}

/** Existing + wanted, keeping the later cutoff for the principal and for each session. */
export function mergeRevokeSpecs(existing: RevokeSpec, wanted: RevokeSpec): RevokeSpec {
  const sessions = new Map<string, {match: SessionMatch; before: string}>()
  for (const s of [...(existing.sessions ?? []), ...(wanted.sessions ?? [])]) {
    const sid = sessionSid(s.match)
    const prev = sessions.get(sid)
    sessions.set(sid, {match: s.match, before: laterOf(prev?.before, s.before)!})
  }
  return {allBefore: laterOf(existing.allBefore, wanted.allBefore), sessions: [...sessions.values()]}
}

export function revokePolicy(spec: RevokeSpec): PolicyDocument {
  const statements: Statement[] = []
  if (spec.allBefore) statements.push(denyBefore(ALL_SID, spec.allBefore))
  for (const s of spec.sessions ?? []) {
    // A session issued before the principal-wide cutoff is already denied; its statement would only cost size.
    if (spec.allBefore && Date.parse(s.before) <= Date.parse(spec.allBefore)) continue
    statements.push(sessionStatement(s.match, s.before))
  }
  return {Version: '2012-10-17', Statement: statements}
}

/** True when `doc` already denies everything `wanted` asks for (re-running changes nothing). */
export function revokeSatisfied(doc: PolicyDocument | undefined, wanted: RevokeSpec): boolean {
  const merged = mergeRevokeSpecs(readRevokeSpec(doc), wanted)
  return JSON.stringify(revokePolicy(merged)) === JSON.stringify(revokePolicy(readRevokeSpec(doc)))
}
