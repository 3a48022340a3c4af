// Authorization of every call with @cloud-copilot/iam-simulate, fed the request context AWS supplies.
// Decisions are cached by (policy-set version, action, resource, the context values the policies actually
// reference), so a hot loop of identical calls evaluates once, and any policy change invalidates by version.
import {runSimulation, runUnsafeSimulation, type Simulation} from '@cloud-copilot/iam-simulate'

import {isoSeconds} from './clock.js'
import {accessDenied} from './errors.js'
import {type Caller, callerArn, callerUserId, isRoot, principalArn} from './identity.js'
import {conditionKeys, type NamedPolicy, type PolicyEntry, type PolicyIndex, type PrincipalKey} from './policy-index.js'
import type {Account, Session, Tags} from './state.js'

export type Decision = 'Allowed' | 'ExplicitlyDenied' | 'ImplicitlyDenied'
export type Context = Record<string, string | string[]>

/** The global condition keys AWS puts in the request context for this caller. */
export function requestContext(a: Account, c: Caller, now: number, region: string, orgId?: string): Context {
  const ctx: Context = {
    'aws:CurrentTime': isoSeconds(now),
    'aws:EpochTime': String(Math.floor(now / 1000)),
    'aws:PrincipalAccount': a.id,
    // A principal of an account in an organization carries its id (trust policies scope by it).
    ...(orgId ? {'aws:PrincipalOrgID': orgId} : {}),
    'aws:PrincipalArn': principalArn(a, c),
    'aws:userid': callerUserId(a, c),
    'aws:RequestedRegion': region,
  }
  let tags: Tags = []
  if (c.kind === 'root') ctx['aws:PrincipalType'] = 'Account'
  if (c.kind === 'user') {
    ctx['aws:PrincipalType'] = 'User'
    ctx['aws:username'] = c.user.name
    tags = c.user.tags
  }
  if (c.kind === 'session') {
    const s = c.session
    // Only temporary credentials carry an issue time and an MFA flag: long-term keys have neither key.
    ctx['aws:TokenIssueTime'] = isoSeconds(s.issuedAt)
    ctx['aws:MultiFactorAuthPresent'] = String(s.mfa)
    if (s.mfa) ctx['aws:MultiFactorAuthAge'] = String(Math.max(0, Math.floor((now - s.issuedAt) / 1000)))
    if (s.sourceIdentity) ctx['aws:SourceIdentity'] = s.sourceIdentity
    if (s.kind === 'role') {
      ctx['aws:PrincipalType'] = 'AssumedRole'
      tags = mergeTags(a.roles.get(s.roleName!)?.tags ?? [], s.sessionTags)
    } else if (s.kind === 'federated') {
      ctx['aws:PrincipalType'] = 'FederatedUser'
      tags = mergeTags(a.users.get(s.userName!)?.tags ?? [], s.sessionTags)
    } else if (s.kind === 'user') {
      ctx['aws:PrincipalType'] = 'User'
      ctx['aws:username'] = s.userName!
      tags = a.users.get(s.userName!)?.tags ?? []
    } else ctx['aws:PrincipalType'] = 'Account'
  }
  for (const t of tags) ctx[`aws:PrincipalTag/${t.Key}`] = t.Value
  return ctx
}

/** Session tags override the principal's own tags with the same key (case-insensitively, as AWS does). */
export function mergeTags(base: Tags, session: Tags): Tags {
  const m = new Map(base.map((t) => [t.Key.toLowerCase(), t]))
  for (const t of session) m.set(t.Key.toLowerCase(), t)
  return [...m.values()]
}

export function principalKey(c: Caller): PrincipalKey | undefined {
  if (c.kind === 'user') return `user:${c.user.name}`
  if (c.kind !== 'session') return undefined
  if (c.session.kind === 'role') return `role:${c.session.roleName}`
  if (c.session.kind === 'user' || c.session.kind === 'federated') return `user:${c.session.userName}`
  return undefined
}

/** A federated user without a `Policy` has no permissions (AWS): model that as an empty allow list. */
const NO_PERMISSIONS = {Version: '2012-10-17', Statement: [{Effect: 'Allow', Action: 'sts:GetCallerIdentity', Resource: '*'}]}

function sessionPolicyOf(s: Session | undefined): unknown | undefined {
  if (!s) return undefined
  if (s.sessionPolicy) return JSON.parse(s.sessionPolicy)
  return s.kind === 'federated' ? NO_PERMISSIONS : undefined
}

/** One level of the organization (root, OU, account) and the SCPs attached there, root first. */
export type ScpLevel = {orgIdentifier: string; policies: Array<{name: string; policy: unknown}>}

export interface EvalInput {
  principal: string
  action: string
  resource: string
  accountId: string
  identity: NamedPolicy[]
  sessionPolicy?: unknown
  resourcePolicy?: unknown
  /** The SCPs bounding the principal's account (none in the management account or without SCPs). */
  scps?: ScpLevel[]
  context: Context
}

export interface EvalResult {
  decision: Decision
  /** Which policy type decided a denial, for AWS's message ("identity-based policy" / "session policy"). */
  deniedBy: 'identity-based policy' | 'session policy' | 'service control policy'
  /** Names of the policies whose statements decided (SimulatePrincipalPolicy MatchedStatements). */
  matched: string[]
  /** Whether the SCPs allow the action (SimulatePrincipalPolicy's OrganizationsDecisionDetail); undefined when none apply. */
  allowedByOrganizations?: boolean
}

/** One evaluation through iam-simulate; the validated engine first, the unvalidated one when it refuses input. */
export async function evaluate(e: EvalInput): Promise<EvalResult> {
  const sim: Simulation = {
    request: {principal: e.principal, action: e.action, resource: {resource: e.resource, accountId: e.accountId}, contextVariables: e.context},
    identityPolicies: e.identity.map((p) => ({name: p.name, policy: p.policy})),
    serviceControlPolicies: e.scps ?? [],
    resourceControlPolicies: [],
    ...(e.sessionPolicy ? {sessionPolicy: e.sessionPolicy} : {}),
    ...(e.resourcePolicy ? {resourcePolicy: e.resourcePolicy} : {}),
  }
  const r = await runSimulation(sim, {})
  if (r.resultType !== 'error') {
    const analysis = r.resultType === 'single' ? r.result.analysis : r.results[0]?.analysis
    const sessionDecided = analysis?.sessionAnalysis && analysis.sessionAnalysis.result !== 'Allowed' && analysis.identityAnalysis?.result === 'Allowed'
    const ia = analysis?.identityAnalysis
    const decisive = r.overallResult === 'ExplicitlyDenied' ? ia?.denyStatements : r.overallResult === 'Allowed' ? ia?.allowStatements : []
    const matched = [...new Set((decisive ?? []).map((st) => st.policyId))]
    const scpAllowed = e.scps ? analysis?.scpAnalysis?.result === 'Allowed' : undefined
    // AWS names the SCPs when they refused and the identity policies did not refuse explicitly themselves.
    const deniedBy = scpAllowed === false && ia?.result !== 'ExplicitlyDenied' ? 'service control policy' : sessionDecided ? 'session policy' : 'identity-based policy'
    return {decision: r.overallResult, deniedBy, matched, allowedByOrganizations: scpAllowed}
  }
  // The validated engine rejects resource shapes it does not know for an action; judge the policies anyway.
  const scpOnly = e.scps ? runUnsafeSimulation({...sim, identityPolicies: [{name: 'all', policy: ALLOW_ALL}], sessionPolicy: undefined, resourcePolicy: undefined}, {}) : 'Allowed'
  const allowedByOrganizations = e.scps ? scpOnly === 'Allowed' : undefined
  if (scpOnly !== 'Allowed') return {decision: scpOnly, deniedBy: 'service control policy', matched: [], allowedByOrganizations}
  const idOnly = runUnsafeSimulation({...sim, sessionPolicy: undefined, resourcePolicy: undefined}, {})
  if (idOnly !== 'Allowed' || !e.sessionPolicy) return {decision: idOnly, deniedBy: 'identity-based policy', matched: [], allowedByOrganizations}
  const sess = runUnsafeSimulation({...sim, identityPolicies: [{name: 'session', policy: e.sessionPolicy}], sessionPolicy: undefined, resourcePolicy: undefined}, {})
  return {decision: sess, deniedBy: 'session policy', matched: [], allowedByOrganizations}
}

const ALLOW_ALL = {Version: '2012-10-17', Statement: [{Effect: 'Allow', Action: '*', Resource: '*'}]}

export class Authorizer {
  private cache = new Map<string, EvalResult>()
  constructor(
    private readonly account: Account,
    private readonly index: PolicyIndex,
    /** The SCPs on this account's path and their version, or undefined where none apply. */
    private readonly scps: () => {version: number; levels: ScpLevel[]; keys: string[]} | undefined = () => undefined,
  ) {}

  /** The SCPs that bound this caller: none for service-linked roles (AWS exempts them). */
  scpsFor(c: Caller): {version: number; levels: ScpLevel[]; keys: string[]} | undefined {
    if (c.kind === 'session' && c.session.kind === 'role' && this.account.roles.get(c.session.roleName!)?.path.startsWith('/aws-service-role/')) return undefined
    return this.scps()
  }

  /** `shownAs` is the resource AWS names in the denial message when it differs from the one evaluated. */
  async check(c: Caller, action: string, resource: string, ctx: Context, shownAs = resource): Promise<void> {
    const scps = this.scpsFor(c)
    // The root user is bound by nothing but SCPs (which do bind a member account's root).
    if (isRoot(c) && !scps) return
    const pk = principalKey(c)
    const entry: PolicyEntry = isRoot(c) ? ROOT_ENTRY : pk ? this.index.effective(pk) : {version: 0, at: 0, policies: [], keys: []}
    const session = c.kind === 'session' ? c.session : undefined
    const sp = sessionPolicyOf(session)
    const keys = sp || scps ? [...new Set([...entry.keys, ...(sp ? conditionKeys([sp]) : []), ...(scps?.keys ?? [])])] : entry.keys
    const lower = new Map(Object.entries(ctx).map(([k, v]) => [k.toLowerCase(), v]))
    const cacheKey = [entry.version, scps ? `scp${scps.version}` : '', session?.accessKeyId ?? '', callerArn(this.account, c), action, resource, ...keys.map((k) => `${k}=${JSON.stringify(lower.get(k) ?? null)}`)].join('\u0000')
    let res = this.cache.get(cacheKey)
    if (!res) {
      res = await evaluate({principal: callerArn(this.account, c), action, resource, accountId: this.account.id, identity: entry.policies, sessionPolicy: sp, scps: scps?.levels, context: ctx})
      if (this.cache.size > 50_000) this.cache.clear()
      this.cache.set(cacheKey, res)
    }
    if (res.decision === 'Allowed') return
    throw accessDenied(deniedMessage(callerArn(this.account, c), action, shownAs, res))
  }
}

/** The root user's "policy": everything, so only SCPs can refuse it. */
const ROOT_ENTRY: PolicyEntry = {version: -1, at: 0, policies: [{name: 'root', policy: ALLOW_ALL}], keys: []}

export function deniedMessage(arn: string, action: string, resource: string, r: EvalResult): string {
  const why =
    r.decision === 'ExplicitlyDenied'
      ? `with an explicit deny in ${r.deniedBy === 'session policy' ? 'a session policy' : r.deniedBy === 'service control policy' ? 'a service control policy' : 'an identity-based policy'}`
      : `because no ${r.deniedBy} allows the ${action} action`
  return `User: ${arn} is not authorized to perform: ${action} on resource: ${resource} ${why}`
}
