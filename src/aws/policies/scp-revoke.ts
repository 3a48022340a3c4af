// The organization-wide revocation: one service control policy per target (root, OU or account) that
// denies everything to sessions issued before a cutoff (`DateLessThan aws:TokenIssueTime`) when the
// principal matches — role ARN patterns (`ArnLike aws:PrincipalArn`), single sessions
// (`aws:SourceIdentity`, `aws:userid`) or Identity Center users (`identitystore:userId`) — except the
// exempted principals (`ArnNotLike aws:PrincipalArn`: the access role, the caller, break-glass roles).
//
// As revoke.ts does for inline policies, the document is made of one *part* per lockdown run: every Sid
// ends `Run<run>` (plus `Part<n>` when a list was cut to fit), so `undo A` removes exactly run A's part
// and leaves run B's in force. Denies add up: the effective cutoff for a pattern is the latest part's.
// Within one run's part a merge keeps the later cutoff and the union of every list: never earlier.
//
// Organizations counts every character of the content as sent (whitespace too, through the API), at
// most 5,120: the content is written minified, and split over several SCPs (`…-2`, `…-3`) when needed.
import {runFromSid, runSid} from './revoke.js'
import type {PolicyDocument, Statement} from './document.js'

export const SCP_NAME_PREFIX = 'lockdown-revoke-org-'
export const SCP_MAX_CHARS = 5120
/** SCPs attached to one root, OU or account, FullAWSAccess included (an Organizations quota). */
export const SCP_MAX_PER_TARGET = 5

const SID_PREFIX = 'LockdownRevokeOrg'
const SID = /^LockdownRevokeOrg(Roles|SourceIdentity|UserId|IdcUser)Run([A-Za-z0-9]+?)(?:Part(\d+))?$/

/** What one run denies at one target. */
export interface ScpSpec {
  /** ISO time: sessions issued before it are denied. */
  before: string
  /** `ArnLike aws:PrincipalArn` patterns (full ARN patterns: `arn:aws:iam::*:role/app-*`). */
  roles: string[]
  sourceIdentities: string[]
  /** `aws:userid` values (`AROA…:session-name`, globs allowed: StringLike). */
  userIds: string[]
  /** Identity-store user ids (`identitystore:userId`). */
  identityCenterUsers: string[]
  /** `ArnNotLike aws:PrincipalArn`: never denied by this part. */
  exempt: string[]
}

export interface ScpPart extends ScpSpec {
  run: string
}

/** readScpRevoke's answer: the parts, and what they deny together. */
export interface ScpRevoke {
  /** The latest cutoff of every part. */
  cutoff: string
  runs: string[]
  parts: ScpPart[]
  roles: string[]
  sourceIdentities: string[]
  userIds: string[]
  identityCenterUsers: string[]
  exempt: string[]
}

type ListKey = 'roles' | 'sourceIdentities' | 'userIds' | 'identityCenterUsers'

/** Each list is its own statement (conditions inside one statement are ANDed; the lists are alternatives). */
const KINDS: {kind: string; key: ListKey; operator: string; condition: string}[] = [
  {kind: 'Roles', key: 'roles', operator: 'ArnLike', condition: 'aws:PrincipalArn'},
  {kind: 'SourceIdentity', key: 'sourceIdentities', operator: 'StringEquals', condition: 'aws:SourceIdentity'},
  {kind: 'UserId', key: 'userIds', operator: 'StringLike', condition: 'aws:userid'},
  {kind: 'IdcUser', key: 'identityCenterUsers', operator: 'StringEquals', condition: 'identitystore:userId'},
]

/** The policy name lockdown gives its SCP at a target: `lockdown-revoke-org-<targetId>`, then `-2`, `-3`. */
export function scpPolicyName(targetId: string, index = 0): string {
  return `${SCP_NAME_PREFIX}${targetId}${index ? `-${index + 1}` : ''}`
}

/** The target and index a lockdown SCP name stands for, or undefined for another name. */
export function parseScpPolicyName(name: string): {targetId: string; index: number} | undefined {
  const m = /^lockdown-revoke-org-(r-[0-9a-z]+|ou-[0-9a-z]+-[0-9a-z]+|\d{12})(?:-(\d+))?$/.exec(name)
  if (!m) return undefined
  const n = m[2] ? Number(m[2]) : 1
  return n >= 2 || !m[2] ? {targetId: m[1], index: n - 1} : undefined
}

const union = (a: string[], b: string[]) => [...new Set([...a, ...b])]
const later = (a: string, b: string) => (Date.parse(a) >= Date.parse(b) ? a : b)

/** Existing + wanted: the later cutoff, every list the union of both (a cutoff never moves earlier). */
export function mergeScpSpecs(a: ScpSpec, b: ScpSpec): ScpSpec {
  return {
    before: later(a.before, b.before),
    roles: union(a.roles, b.roles),
    sourceIdentities: union(a.sourceIdentities, b.sourceIdentities),
    userIds: union(a.userIds, b.userIds),
    identityCenterUsers: union(a.identityCenterUsers, b.identityCenterUsers),
    exempt: union(a.exempt, b.exempt),
  }
}

function statement(part: ScpPart, k: (typeof KINDS)[number], values: string[], chunk: number): Statement {
  const Condition: Statement['Condition'] = {DateLessThan: {'aws:TokenIssueTime': part.before}, [k.operator]: {[k.condition]: values}}
  if (part.exempt.length) Condition.ArnNotLike = {'aws:PrincipalArn': part.exempt}
  return {Sid: `${SID_PREFIX}${k.kind}Run${runSid(part.run)}${chunk ? `Part${chunk}` : ''}`, Effect: 'Deny', Action: '*', Resource: '*', Condition}
}

const docText = (statements: Statement[]) => JSON.stringify({Version: '2012-10-17', Statement: statements} satisfies PolicyDocument)

/** Thrown when one statement cannot fit an SCP even with a single value (the exemptions alone are too long). */
export class ScpTooLargeError extends Error {}

/** A part's statements, each list cut into as many statements as it takes for each to fit one SCP. */
function partStatements(part: ScpPart): Statement[] {
  const out: Statement[] = []
  for (const k of KINDS) {
    const values = part[k.key]
    if (!values.length) continue
    let chunk = 0
    let cur: string[] = []
    for (const v of values) {
      if (cur.length && docText([statement(part, k, [...cur, v], chunk)]).length > SCP_MAX_CHARS) {
        out.push(statement(part, k, cur, chunk))
        chunk++
        cur = []
      }
      cur.push(v)
      if (docText([statement(part, k, cur, chunk)]).length > SCP_MAX_CHARS) {
        throw new ScpTooLargeError(`run ${part.run}: one ${k.condition} value with ${part.exempt.length} exemption(s) is longer than an SCP's ${SCP_MAX_CHARS} characters`)
      }
    }
    out.push(statement(part, k, cur, chunk))
  }
  return out
}

/**
 * The SCP contents (minified, each at most 5,120 characters) for these parts, in order: the first is
 * named scpPolicyName(target), the next ones `-2`, `-3`. Empty when no part denies anything.
 */
export function scpDocuments(parts: ScpPart[]): string[] {
  const docs: string[] = []
  let cur: Statement[] = []
  for (const s of parts.flatMap(partStatements)) {
    if (cur.length && docText([...cur, s]).length > SCP_MAX_CHARS) {
      docs.push(docText(cur))
      cur = []
    }
    cur.push(s)
  }
  if (cur.length) docs.push(docText(cur))
  return docs
}

/** One run's part, as the first SCP alone would be written (README and plan examples). */
export function scpDocument(spec: ScpSpec, run: string): string {
  return scpDocuments([{...spec, run}]).join('')
}

const strings = (v: unknown): string[] => (typeof v === 'string' ? [v] : Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [])

function parseStatements(content: string): Statement[] | undefined {
  try {
    const doc = JSON.parse(content) as {Statement?: Statement | Statement[]}
    if (!doc || typeof doc !== 'object' || !doc.Statement) return undefined
    return Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement]
  } catch {
    return undefined
  }
}

/** The lockdown parts of these SCP contents (several SCPs of one target read together), one per run. */
export function readScpParts(contents: string[]): ScpPart[] {
  const parts = new Map<string, ScpPart>()
  for (const content of contents) {
    for (const s of parseStatements(content) ?? []) {
      const m = SID.exec(s?.Sid ?? '')
      const before = s?.Condition?.DateLessThan?.['aws:TokenIssueTime']
      if (!m || s.Effect !== 'Deny' || typeof before !== 'string') continue
      const k = KINDS.find((x) => x.kind === m[1])!
      const run = runFromSid(m[2])
      const found = {...emptySpec(before), [k.key]: strings(s.Condition?.[k.operator]?.[k.condition]), exempt: strings(s.Condition?.ArnNotLike?.['aws:PrincipalArn'])}
      const cur = parts.get(run)
      parts.set(run, {...(cur ? mergeScpSpecs(cur, found) : found), run})
    }
  }
  return [...parts.values()]
}

export function emptySpec(before: string): ScpSpec {
  return {before, roles: [], sourceIdentities: [], userIds: [], identityCenterUsers: [], exempt: []}
}

/** What one lockdown SCP denies (cutoff = the latest part's; lists = their union), or undefined for another SCP. */
export function readScpRevoke(content: string | string[]): ScpRevoke | undefined {
  const parts = readScpParts(typeof content === 'string' ? [content] : content)
  if (!parts.length) return undefined
  const all = parts.reduce<ScpSpec>((acc, p) => mergeScpSpecs(acc, p), parts[0])
  return {cutoff: all.before, runs: parts.map((p) => p.run), parts, roles: all.roles, sourceIdentities: all.sourceIdentities, userIds: all.userIds, identityCenterUsers: all.identityCenterUsers, exempt: all.exempt}
}

/** `parts` with run `run`'s part merged with `wanted` (later cutoff, unions); the other runs' parts untouched. */
export function withScpRunPart(parts: ScpPart[], run: string, wanted: ScpSpec): ScpPart[] {
  const mine = parts.find((p) => p.run === run)
  if (!mine) return [...parts, {...mergeScpSpecs(emptySpec(wanted.before), wanted), run}]
  return parts.map((p) => (p.run === run ? {...mergeScpSpecs(p, wanted), run} : p))
}

/** `parts` without run `run`'s part (undo): an empty list means the SCPs are detached and deleted. */
export function withoutScpRun(parts: ScpPart[], run: string): ScpPart[] {
  return parts.filter((p) => p.run !== run)
}

export function scpRunPart(parts: ScpPart[], run: string): ScpPart | undefined {
  return parts.find((p) => p.run === run)
}

/**
 * True when `content` is a lockdown revocation SCP: only Deny `*` on `*` statements with lockdown Sids
 * and an issue-time cutoff. A journaled `before` that is anything else was not written by lockdown.
 */
export function isScpRevokeDocument(content: unknown): boolean {
  if (typeof content !== 'string') return false
  const statements = parseStatements(content)
  return Boolean(
    statements?.length &&
      statements.every((s) => s && s.Effect === 'Deny' && s.Action === '*' && s.Resource === '*' && SID.test(s.Sid ?? '') && typeof s.Condition?.DateLessThan?.['aws:TokenIssueTime'] === 'string'),
  )
}
