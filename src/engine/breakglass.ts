// Break-glass for responders: list the grants, and assume one (MFA, SourceIdentity = the responder's
// own name). Granting and ending grants are playbook actions run through the journaled engine.
import {describeGrant, findGrants, type GrantView} from '../actions/break-glass-revoke.js'
import {principalOf} from '../aws/arn.js'
import type {AwsOptions, Clients} from '../aws/clients.js'
import {lookupEventsPage} from '../aws/cloudtrail.js'
import {readBreakGlassTrust, BREAK_GLASS_TAGS} from '../aws/policies/break-glass.js'
import {assumeRole, listMfaSerials, type SessionCredentials} from '../aws/sts-sessions.js'
import {InvalidInputError, PreflightError} from '../errors.js'
import {openSession} from './session.js'

export interface GrantInfo extends GrantView {
  /** Minutes until expiry; negative when past. */
  minutesLeft?: number
  /** RoleLastUsed from IAM. */
  lastUsed?: string
  /** The newest successful AssumeRole of the role in CloudTrail (LookupEvents, 90 days): when and who. */
  lastAssumed?: {at: string; by: string}
}

export async function listGrants(aws: AwsOptions): Promise<GrantInfo[]> {
  const session = await openSession({aws, runId: 'breakglass-list'})
  try {
    const now = Date.now()
    const grants = await findGrants(session)
    const assumed = await Promise.all(grants.map((r) => lastAssumed(session.clients, r.arn, session.signal)))
    return grants.map((r, i) => {
      const view = describeGrant(r, now)
      return {
        ...view,
        minutesLeft: view.expiry ? Math.round((Date.parse(view.expiry) - now) / 60_000) : undefined,
        lastUsed: r.lastUsed?.at,
        lastAssumed: assumed[i],
      }
    })
  } finally {
    session.close()
  }
}

export interface AssumeRequest {
  aws: AwsOptions
  incident?: string
  roleName?: string
  serial?: string
  /** Asked only when MFA is required and no code was given (a TTY prompt). */
  mfaCode?: string | (() => Promise<string>)
  durationSeconds?: number
}

export interface AssumeResult {
  roleArn: string
  assumedRoleArn: string
  sourceIdentity: string
  expiration: string
  credentials: SessionCredentials
}

export async function assumeBreakGlass(req: AssumeRequest): Promise<AssumeResult> {
  if (!req.incident && !req.roleName) throw new InvalidInputError('say which grant: --incident ID or --role NAME', [], {next: 'lockdown breakglass list'})
  const session = await openSession({aws: req.aws, runId: 'breakglass-assume'})
  try {
    const grants = (await findGrants(session, req.roleName)).filter((r) => !req.incident || r.tags[BREAK_GLASS_TAGS.incident] === req.incident)
    const role = grants.find((r) => readBreakGlassTrust(r.trust))
    if (!role) throw new PreflightError(`no open break-glass grant for ${req.incident ?? req.roleName}`, {next: 'lockdown breakglass list'})
    const grant = readBreakGlassTrust(role.trust)!
    const me = principalOf(session.caller.arn)
    // SourceIdentity names the human in every CloudTrail record of the session and survives chaining.
    const sourceIdentity = (me.kind === 'role' ? session.caller.arn.split('/').pop()! : me.name).replace(/[^\w+=,.@-]/g, '-').slice(0, 64)
    let serialNumber = req.serial
    let tokenCode: string | undefined
    if (grant.mfa) {
      if (!serialNumber && me.kind === 'user') serialNumber = (await listMfaSerials(session.clients, me.name, {signal: session.signal}))[0]
      if (!serialNumber) throw new PreflightError(`the grant requires MFA and ${session.caller.arn} has no MFA device`, {next: 'pass --serial ARN of your MFA device'})
      tokenCode = typeof req.mfaCode === 'function' ? await req.mfaCode() : req.mfaCode
      if (!tokenCode) throw new InvalidInputError('the grant requires an MFA code', [], {next: 'pass --mfa-code 123456'})
    }
    const expiryLeft = Math.floor((Date.parse(grant.expiry) - Date.now()) / 1000)
    const duration = Math.max(900, Math.min(req.durationSeconds ?? role.maxSessionDuration ?? 3600, role.maxSessionDuration ?? 3600, expiryLeft))
    const r = await assumeRole(
      session.clients,
      {roleArn: role.arn, sessionName: `${role.tags[BREAK_GLASS_TAGS.incident] ?? 'breakglass'}-${sourceIdentity}`.slice(0, 64), sourceIdentity, serialNumber, tokenCode, durationSeconds: duration},
      {signal: session.signal},
    ).catch((error: {name?: string; message?: string}) => {
      throw new PreflightError(`AssumeRole on ${role.arn} refused: ${error.name}: ${error.message}`, {
        next: 'check that you are a listed responder (lockdown breakglass list), that the grant has not expired, and the MFA code',
      })
    })
    return {roleArn: role.arn, assumedRoleArn: r.assumedRoleArn, sourceIdentity, expiration: r.credentials.expiration, credentials: r.credentials}
  } finally {
    session.close()
  }
}

/** Who last got into the role, from the trail; unknown (undefined) when CloudTrail cannot say or throttles. */
async function lastAssumed(clients: Clients, roleArn: string, signal: AbortSignal): Promise<{at: string; by: string} | undefined> {
  try {
    const end = new Date()
    const page = await lookupEventsPage(clients.cloudtrail(), {attr: {key: 'ResourceName', value: roleArn}, start: new Date(end.getTime() - 90 * 86_400_000), end}, signal)
    for (const text of page.records) {
      const e = JSON.parse(text) as {eventName?: string; errorCode?: string; eventTime: string; userIdentity?: {arn?: string}; requestParameters?: {sourceIdentity?: string}}
      if (e.eventName === 'AssumeRole' && !e.errorCode) return {at: e.eventTime, by: e.requestParameters?.sourceIdentity ?? e.userIdentity?.arn ?? '?'}
    }
  } catch {
    // LookupEvents allows 2 requests/s; a throttled or refused lookup leaves "last assumed" unknown.
  }
  return undefined
}
