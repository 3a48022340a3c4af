// The break-glass trust policy: exactly the named responders, only with MFA, only before the expiry,
// only with a SourceIdentity (so every action in CloudTrail names the human), optionally an ExternalId.
// The expiry in a trust policy stops only NEW sessions; revoking a grant also denies older sessions.
import type {PolicyDocument, Statement} from './document.js'

export const BREAK_GLASS_SID = 'LockdownBreakGlass'
const CLOSED_SID = 'LockdownBreakGlassClosed'

export const BREAK_GLASS_TAGS = {
  marker: 'lockdown:break-glass',
  incident: 'lockdown:incident',
  expires: 'lockdown:expires',
  run: 'lockdown:run',
  /** sha256 of the `before` the granting run journaled: undo restores only a state the run really read. */
  before: 'lockdown:before-sha256',
  /** sha256 of the trust policy the grant wrote: a trust edited since is drift, not this run's state. */
  trust: 'lockdown:trust-sha256',
  /** The run that closed the grant (break-glass-revoke) and the sha256 of the open trust it closed. */
  closedBy: 'lockdown:closed-by',
  closedBefore: 'lockdown:closed-before-sha256',
} as const

/**
 * Is the role marked break-glass (`lockdown:break-glass=true`)? IAM tag keys are unique regardless of case
 * and people write `True`: a marker any case spelling of true counts, so a revoke never locks out the
 * role meant to let responders back in.
 */
export function isBreakGlassTagged(tags: Record<string, string>): boolean {
  return Object.entries(tags).some(([k, v]) => k.toLowerCase() === BREAK_GLASS_TAGS.marker && v.trim().toLowerCase() === 'true')
}

export interface BreakGlassGrant {
  responders: string[]
  /** ISO time after which no new session may start. */
  expiry: string
  mfa: boolean
  sourceIdentity: boolean
  externalId?: string
}

export function breakGlassTrust(g: BreakGlassGrant): PolicyDocument {
  const condition: NonNullable<Statement['Condition']> = {DateLessThan: {'aws:CurrentTime': g.expiry}}
  if (g.mfa) condition.Bool = {'aws:MultiFactorAuthPresent': 'true'}
  if (g.sourceIdentity) condition.StringLike = {'sts:SourceIdentity': '*'}
  if (g.externalId) condition.StringEquals = {'sts:ExternalId': g.externalId}
  return {
    Version: '2012-10-17',
    // Trust policies have no Resource: the role itself is the resource.
    Statement: [{Sid: BREAK_GLASS_SID, Effect: 'Allow', Principal: {AWS: [...new Set(g.responders)].sort()}, Action: ['sts:AssumeRole', 'sts:SetSourceIdentity'], Condition: condition} as Statement],
  }
}

/** What an existing break-glass trust grants, or undefined when it is not ours (or is closed). */
export function readBreakGlassTrust(doc: PolicyDocument | undefined): BreakGlassGrant | undefined {
  const s = doc?.Statement.find((x) => x.Sid === BREAK_GLASS_SID && x.Effect === 'Allow')
  if (!s) return undefined
  const aws = (s.Principal as {AWS?: string | string[]} | undefined)?.AWS
  const expiry = s.Condition?.DateLessThan?.['aws:CurrentTime']
  return {
    responders: aws === undefined ? [] : Array.isArray(aws) ? aws : [aws],
    expiry: typeof expiry === 'string' ? expiry : new Date(0).toISOString(),
    mfa: String(s.Condition?.Bool?.['aws:MultiFactorAuthPresent']) === 'true',
    sourceIdentity: s.Condition?.StringLike?.['sts:SourceIdentity'] !== undefined,
    externalId: s.Condition?.StringEquals?.['sts:ExternalId'] as string | undefined,
  }
}

/** A trust policy that admits no one: what a revoked or expired grant is left with. */
export function closedTrust(): PolicyDocument {
  return {Version: '2012-10-17', Statement: [{Sid: CLOSED_SID, Effect: 'Deny', Principal: {AWS: '*'}, Action: 'sts:AssumeRole'} as Statement]}
}

/** Responders added/removed and expiry moved, for the plan's trust-policy diff. */
export function grantDiff(before: BreakGlassGrant | undefined, after: BreakGlassGrant): string[] {
  const lines: string[] = []
  const was = new Set(before?.responders ?? [])
  for (const r of after.responders) if (!was.has(r)) lines.push(`+ responder ${r}`)
  for (const r of was) if (!after.responders.includes(r)) lines.push(`- responder ${r}`)
  if (before?.expiry !== after.expiry) lines.push(`expiry ${before?.expiry ?? '(none)'} → ${after.expiry}`)
  if (before && before.mfa !== after.mfa) lines.push(`MFA ${before.mfa ? 'required' : 'not required'} → ${after.mfa ? 'required' : 'not required'}`)
  return lines
}
