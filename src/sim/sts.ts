// STS: GetCallerIdentity, AssumeRole (trust policy + identity policy through iam-simulate, MFA by TOTP,
// duration limits, role chaining, SourceIdentity, session tags, ExternalId), GetSessionToken, GetFederationToken.
import {trailDate as trailDateOf} from './clock.js'
import {evaluate, principalKey, requestContext, type Context} from './authz.js'
import {AwsError, accessDenied, validation} from './errors.js'
import {type Caller, callerArn, callerUser, callerUserId} from './identity.js'
import {newSecret, newSessionKeyId, newSessionToken} from './ids.js'
import type {OpContext, OpTable, Result} from './ops.js'
import type {Params} from './protocol/form.js'
import type {SimCore} from './core.js'
import {type Account, type Session, type Tags, defaultDocument, roleArn} from './state.js'
import {tagsOf} from './iam/shapes.js'
import {verifyTotp} from './totp.js'

const ROLE_ARN = /^arn:aws:iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/

function duration(v: unknown, def: number, min: number, max: number, field = 'durationSeconds'): number {
  if (v === undefined) return def
  const n = Number(v)
  if (!Number.isInteger(n) || n < min || n > max) throw validation(`1 validation error detected: Value '${v}' at '${field}' failed to satisfy constraint: Member must have value ${n < min ? `greater than or equal to ${min}` : `less than or equal to ${max}`}`)
  return n
}

/** MFA in the request: the SerialNumber must be an enabled device of the calling user, the code current. */
function checkMfa(p: Params, c: OpContext): boolean {
  if (p.SerialNumber === undefined && p.TokenCode === undefined) return false
  const u = callerUser(c.sim.account, c.caller)
  const dev = c.sim.account.mfa.get(String(p.SerialNumber ?? ''))
  if (!u || !dev || dev.userName !== u.name) {
    throw accessDenied('MultiFactorAuthentication failed, unable to validate MFA code. Please verify your MFA serial number is valid and associated with this user.')
  }
  if (!/^\d{6}$/.test(String(p.TokenCode ?? '')) || !verifyTotp(dev.seed, String(p.TokenCode), c.now)) {
    throw accessDenied('MultiFactorAuthentication failed with invalid MFA one time pass code. ')
  }
  return true
}

/** A session belongs to the account of its role (another account's for a cross-account AssumeRole). */
function newSession(c: OpContext, s: Omit<Session, 'accessKeyId' | 'secret' | 'token' | 'issuedAt' | 'parentKeyId'>, in_: Account = c.sim.account): Session {
  const session: Session = {accessKeyId: newSessionKeyId(), secret: newSecret(), token: newSessionToken(), issuedAt: c.now, parentKeyId: c.caller.keyId, ...s}
  in_.sessions.set(session.accessKeyId, session)
  return session
}

const creds = (s: Session) => ({AccessKeyId: s.accessKeyId, SecretAccessKey: s.secret, SessionToken: s.token, Expiration: new Date(s.expiresAt)})

/** `PolicyArns` name managed policies of the account the session is in (the role's). */
function sessionPolicyText(p: Params, c: SimCore): string | undefined {
  const statements: unknown[] = []
  if (p.Policy !== undefined) {
    try {
      const doc = JSON.parse(String(p.Policy))
      statements.push(...(Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement]))
    } catch {
      throw new AwsError('MalformedPolicyDocument', 'The policy is not in the valid JSON format.', 400)
    }
  }
  for (const ref of Array.isArray(p.PolicyArns) ? p.PolicyArns : []) {
    const doc = JSON.parse(defaultDocument(c.policy(ref.arn)))
    statements.push(...(Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement]))
  }
  return statements.length ? JSON.stringify({Version: '2012-10-17', Statement: statements}) : undefined
}

function callerPolicies(c: OpContext) {
  const pk = principalKey(c.caller)
  return pk ? c.sim.index.effective(pk).policies : []
}

function currentSession(c: Caller): Session | undefined {
  return c.kind === 'session' ? c.session : undefined
}

async function assumeRole(p: Params, c: OpContext): Promise<Result> {
  const a = c.sim.account
  const arn = String(p.RoleArn ?? '')
  const name = String(p.RoleSessionName ?? '')
  if (!/^[\w+=,.@-]{2,64}$/.test(name)) throw validation(`1 validation error detected: Value '${name}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*`)
  const caller = c.caller
  const denied = () => accessDenied(`User: ${callerArn(a, caller)} is not authorized to perform: sts:AssumeRole on resource: ${arn}`)
  if (caller.kind === 'root' || (caller.kind === 'session' && caller.session.kind === 'root')) throw accessDenied('Roles may not be assumed by root accounts.')
  // The role may be in another account the simulator hosts: its trust decides there, the caller's identity
  // policy here (both must allow, as AWS evaluates a cross-account request).
  const m = ROLE_ARN.exec(arn)
  const target = m ? (m[1] === a.id ? c.sim : c.sim.world?.core(m[1]!)) : undefined
  const t = target?.account
  const role = t?.roles.get(m![2]!)
  if (!target || !t || !role || roleArn(t, role) !== arn) throw denied()
  // A suspended or closed account lets nobody in; the faults can make one account unreachable or failing.
  if (c.sim.world && !c.sim.world.isActive(t.id)) throw denied()
  if (c.sim.faults.denyAssumeRoleInto.includes(t.id)) throw denied()
  if (c.sim.faults.failAssumeRoleInto.includes(t.id)) throw new AwsError('ServiceFailure', 'An internal error occurred. Please try again.', 500)
  const prev = currentSession(caller)
  const chained = prev?.kind === 'role'
  const dur = duration(p.DurationSeconds, 3600, 900, 43200)
  if (chained && dur > 3600) throw validation('The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.')
  if (dur > role.maxSessionDuration) throw validation('The requested DurationSeconds exceeds the MaxSessionDuration set for this role.')
  const mfaNow = checkMfa(p, c)
  // SourceIdentity, once set, follows the chain and cannot be changed.
  const inherited = prev?.sourceIdentity
  const requested = p.SourceIdentity === undefined ? undefined : String(p.SourceIdentity)
  if (inherited && requested && requested !== inherited) throw denied()
  const tags: Tags = tagsOf(p)
  const transitive: string[] = (Array.isArray(p.TransitiveTagKeys) ? p.TransitiveTagKeys : []).map(String)
  const inheritedTags = prev ? prev.sessionTags.filter((t) => prev.transitiveTagKeys.includes(t.Key)) : []

  const ctx: Context = requestContext(a, caller, c.now, c.region, c.sim.world?.org?.id)
  if (mfaNow) ctx['aws:MultiFactorAuthPresent'] = 'true'
  if (p.ExternalId !== undefined) ctx['sts:ExternalId'] = String(p.ExternalId)
  ctx['sts:RoleSessionName'] = name
  if (requested ?? inherited) ctx['sts:SourceIdentity'] = (requested ?? inherited)!
  if (tags.length) {
    for (const t of tags) ctx[`aws:RequestTag/${t.Key}`] = t.Value
    ctx['aws:TagKeys'] = tags.map((t) => t.Key)
  }
  if (transitive.length) ctx['sts:TransitiveTagKeys'] = transitive
  const actions = ['sts:AssumeRole', ...(requested && !inherited ? ['sts:SetSourceIdentity'] : []), ...(tags.length ? ['sts:TagSession'] : [])]
  const sp = prev?.sessionPolicy ? JSON.parse(prev.sessionPolicy) : prev?.kind === 'federated' ? {Version: '2012-10-17', Statement: [{Effect: 'Deny', Action: '*', Resource: '*'}]} : undefined
  for (const action of actions) {
    // The caller's account SCPs bound the call too (a member principal cannot leave by AssumeRole what they deny).
    const r = await evaluate({principal: callerArn(a, caller), action, resource: arn, accountId: t.id, identity: callerPolicies(c), sessionPolicy: sp, resourcePolicy: JSON.parse(role.trust), scps: c.sim.authz.scpsFor(caller)?.levels, context: ctx})
    if (r.decision !== 'Allowed') throw action === 'sts:AssumeRole' ? denied() : accessDenied(`User: ${callerArn(a, caller)} is not authorized to perform: ${action} on resource: ${arn}`)
  }
  const sessionTags = [...inheritedTags.filter((t) => !tags.some((x) => x.Key.toLowerCase() === t.Key.toLowerCase())), ...tags]
  const s = newSession(c, {
    kind: 'role',
    roleName: role.name,
    roleId: role.id,
    sessionName: name,
    expiresAt: c.now + dur * 1000,
    mfa: mfaNow || (prev?.kind === 'user' && prev.mfa),
    sourceIdentity: requested ?? inherited,
    sessionPolicy: sessionPolicyText(p, target),
    sessionTags,
    transitiveTagKeys: [...new Set([...(prev?.transitiveTagKeys ?? []).filter((k) => sessionTags.some((t) => t.Key === k)), ...transitive])],
    chained,
  }, t)
  role.lastUsed = {at: c.now, region: c.region}
  return {
    Credentials: creds(s),
    AssumedRoleUser: {AssumedRoleId: `${role.id}:${name}`, Arn: `arn:aws:sts::${t.id}:assumed-role/${role.name}/${name}`},
    ...(s.sessionPolicy || tags.length ? {PackedPolicySize: Math.min(100, Math.ceil(((s.sessionPolicy?.length ?? 0) + JSON.stringify(tags).length) / 20))} : {}),
    ...(s.sourceIdentity ? {SourceIdentity: s.sourceIdentity} : {}),
  }
}

function longTermOnly(c: OpContext, op: string): void {
  if (c.caller.kind === 'session') throw accessDenied(`Cannot call ${op} with session credentials`)
}

export const stsOps: OpTable = {
  GetCallerIdentity: {
    readOnly: true,
    noAuth: true,
    handle: (_p, c) => ({UserId: callerUserId(c.sim.account, c.caller), Account: c.sim.account.id, Arn: callerArn(c.sim.account, c.caller)}),
  },
  AssumeRole: {
    readOnly: true,
    noAuth: true,
    handle: assumeRole,
    resources: (p) => [{type: 'AWS::IAM::Role', name: String(p.RoleArn)}],
    // Into a role of another hosted account: that account's trail logs the call too (a missing role is not its event).
    alsoLoggedIn(p, c) {
      const m = ROLE_ARN.exec(String(p.RoleArn ?? ''))
      return m && m[1] !== c.sim.account.id && c.sim.world?.core(m[1]!)?.account.roles.has(m[2]!) ? m[1] : undefined
    },
    responseElements: (r) => {
      const x = r as {Credentials: ReturnType<typeof creds>; AssumedRoleUser: unknown; SourceIdentity?: string; PackedPolicySize?: number}
      return camelCreds(x)
    },
  },
  GetSessionToken: {
    readOnly: true,
    noAuth: true,
    handle(p, c) {
      longTermOnly(c, 'GetSessionToken')
      const root = c.caller.kind === 'root'
      const dur = duration(p.DurationSeconds, root ? 3600 : 43200, 900, root ? 3600 : 129600)
      const mfa = checkMfa(p, c)
      const u = callerUser(c.sim.account, c.caller)
      const s = newSession(c, {kind: root ? 'root' : 'user', userName: u?.name, userId: u?.id, expiresAt: c.now + dur * 1000, mfa, sessionTags: [], transitiveTagKeys: [], chained: false})
      return {Credentials: creds(s)}
    },
    responseElements: (r) => camelCreds(r as {Credentials: ReturnType<typeof creds>}),
  },
  GetFederationToken: {
    readOnly: true,
    resource: (p, c) => `arn:aws:sts::${c.sim.account.id}:federated-user/${p.Name}`,
    handle(p, c) {
      longTermOnly(c, 'GetFederationToken')
      const name = String(p.Name ?? '')
      if (!/^[\w+=,.@-]{2,32}$/.test(name)) throw validation(`1 validation error detected: Value '${name}' at 'name' failed to satisfy constraint: Member must have length less than or equal to 32`)
      const root = c.caller.kind === 'root'
      const dur = duration(p.DurationSeconds, root ? 3600 : 43200, 900, root ? 3600 : 129600)
      const u = callerUser(c.sim.account, c.caller)
      const s = newSession(c, {kind: root ? 'root' : 'federated', userName: u?.name, userId: u?.id, federatedName: name, expiresAt: c.now + dur * 1000, mfa: false, sessionPolicy: sessionPolicyText(p, c.sim), sessionTags: tagsOf(p), transitiveTagKeys: [], chained: false})
      return {
        Credentials: creds(s),
        FederatedUser: {FederatedUserId: `${c.sim.account.id}:${name}`, Arn: `arn:aws:sts::${c.sim.account.id}:federated-user/${name}`},
        ...(s.sessionPolicy ? {PackedPolicySize: Math.min(100, Math.ceil(s.sessionPolicy.length / 20))} : {}),
      }
    },
    responseElements: (r) => camelCreds(r as {Credentials: ReturnType<typeof creds>}),
  },
}

/** CloudTrail keeps the issued key id and expiry, never the secret or the token. */
function camelCreds(r: {Credentials: ReturnType<typeof creds>; [k: string]: unknown}): unknown {
  const {Credentials, ...rest} = r
  const out: Record<string, unknown> = {credentials: {accessKeyId: Credentials.AccessKeyId, expiration: trailDateOf(Credentials.Expiration)}}
  for (const [k, v] of Object.entries(rest)) out[k.charAt(0).toLowerCase() + k.slice(1)] = lowerKeys(v)
  return out
}

function lowerKeys(v: unknown): unknown {
  if (!v || typeof v !== 'object') return v
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k.charAt(0).toLowerCase() + k.slice(1), lowerKeys(x)]))
}
