// The single calls the detections read, and what each names as its target, straight from the record's
// requestParameters / responseElements. normalizeRecord (../event.ts) runs these at read time so the
// graph keeps one short string per notable call, never the parameters themselves (no secrets, no size).
// Pure and import-free at run time: event.ts imports this file.

type Json = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

export interface CallFacts {
  /** What the call acts on: a user, role, key, policy, trail, function, snapshot… */
  target?: string
  /** One more fact a detection needs (the policy attached, the account shared with, "wide"). */
  detail?: string
}

type Extract = (req: Json, resp: Json) => CallFacts

const s = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined)
const join = (...parts: (string | undefined)[]) => parts.filter(Boolean).join(' ') || undefined
const user: Extract = (q) => ({target: s(q.userName) && `user/${q.userName}`})
const role: Extract = (q) => ({target: s(q.roleName) && `role/${q.roleName}`})
const group: Extract = (q) => ({target: s(q.groupName) && `group/${q.groupName}`})
const trail: Extract = (q) => ({target: s(q.name) ?? s(q.trailName)})
const fn: Extract = (q) => ({target: s(q.functionName)})

/** AWS-managed or customer policy ARNs name themselves; inline policies by name. */
const attached = (who: Extract): Extract => (q, r) => ({target: who(q, r).target, detail: s(q.policyArn) ?? s(q.policyName)})

/** A policy document that allows every action on every resource (or an admin managed policy). */
export function isWidePolicy(doc: unknown, arns?: unknown): boolean {
  if (Array.isArray(arns) && arns.some((a) => /AdministratorAccess|PowerUserAccess|IAMFullAccess/.test(String(a?.arn ?? a)))) return true
  if (typeof doc !== 'string') return false
  try {
    const p = JSON.parse(doc) as Json
    const st: Json[] = Array.isArray(p.Statement) ? p.Statement : [p.Statement]
    const all = (v: unknown) => v === '*' || (Array.isArray(v) && v.includes('*'))
    return st.some((x) => x && x.Effect === 'Allow' && all(x.Action) && all(x.Resource ?? '*'))
  } catch {
    return /"Action"\s*:\s*"\*"/.test(doc)
  }
}

/** Accounts (or "all") an EC2/RDS share adds. */
function sharedWith(q: Json): string | undefined {
  const add = q.launchPermission?.add?.items ?? q.createVolumePermission?.add?.items
  const ids: string[] = Array.isArray(add) ? add.map((i: Json) => s(i.userId) ?? s(i.group)).filter((x): x is string => Boolean(x)) : []
  if (Array.isArray(q.valuesToAdd)) ids.push(...q.valuesToAdd.map(String))
  return ids.length ? `shared with ${ids.join(', ')}` : undefined
}

export const CALLS: Record<string, Extract> = {
  // Trail and log tampering (defense evasion).
  StopLogging: trail,
  DeleteTrail: trail,
  UpdateTrail: trail,
  PutEventSelectors: (q) => ({target: s(q.trailName), detail: Array.isArray(q.eventSelectors) && q.eventSelectors.some((e: Json) => e?.includeManagementEvents === false) ? 'management events off' : undefined}),
  PutInsightSelectors: (q) => ({target: s(q.trailName)}),
  DeleteEventDataStore: (q) => ({target: s(q.eventDataStore)}),
  StopEventDataStoreIngestion: (q) => ({target: s(q.eventDataStore)}),
  UpdateEventDataStore: (q) => ({target: s(q.eventDataStore)}),
  DeleteFlowLogs: (q) => ({target: s(q.DeleteFlowLogsRequest?.FlowLogId?.content) ?? s(q.flowLogIds?.[0])}),
  DeleteResolverQueryLogConfig: (q) => ({target: s(q.resolverQueryLogConfigId)}),
  DeleteLogGroup: (q) => ({target: s(q.logGroupName)}),
  DeleteDetector: (q) => ({target: s(q.detectorId)}),
  StopConfigurationRecorder: (q) => ({target: s(q.configurationRecorderName)}),
  DeleteConfigurationRecorder: (q) => ({target: s(q.configurationRecorderName)}),
  LeaveOrganization: () => ({}),
  // IAM persistence.
  CreateUser: user,
  CreateAccessKey: (q, r) => ({target: s(q.userName) && `user/${q.userName}`, detail: s(r.accessKey?.accessKeyId)}),
  CreateLoginProfile: user,
  UpdateLoginProfile: user,
  CreateRole: (q) => ({target: s(q.roleName) && `role/${q.roleName}`, detail: s(q.assumeRolePolicyDocument) && trustedBy(q.assumeRolePolicyDocument)}),
  UpdateAssumeRolePolicy: (q) => ({target: s(q.roleName) && `role/${q.roleName}`, detail: s(q.policyDocument) && trustedBy(q.policyDocument)}),
  // Privilege escalation: policies on principals, group membership, policy versions.
  AttachUserPolicy: attached(user),
  AttachRolePolicy: attached(role),
  AttachGroupPolicy: attached(group),
  PutUserPolicy: attached(user),
  PutRolePolicy: attached(role),
  PutGroupPolicy: attached(group),
  AddUserToGroup: (q) => ({target: s(q.userName) && `user/${q.userName}`, detail: s(q.groupName) && `into group/${q.groupName}`}),
  CreatePolicyVersion: (q) => ({target: s(q.policyArn), detail: q.setAsDefault === true ? 'set as default' : undefined}),
  SetDefaultPolicyVersion: (q) => ({target: s(q.policyArn), detail: s(q.versionId)}),
  // IAM Roles Anywhere: certificates from outside AWS get role sessions.
  CreateTrustAnchor: (q) => ({target: s(q.name)}),
  UpdateTrustAnchor: (q) => ({target: s(q.trustAnchorId) ?? s(q.name)}),
  CreateProfile: (q) => ({target: s(q.name), detail: Array.isArray(q.roleArns) ? q.roleArns.join(', ') : undefined}),
  GetFederationToken: (q) => ({target: s(q.name) && `federated-user/${q.name}`, detail: isWidePolicy(q.policy, q.policyArns) ? 'wide' : undefined}),
  // Lambda backdoors (the event names carry the API version).
  AddPermission20150331v2: (q) => ({target: fn(q, {}).target, detail: join(s(q.principal) && `principal ${q.principal}`, s(q.action))}),
  AddPermission20150331: (q) => ({target: fn(q, {}).target, detail: join(s(q.principal) && `principal ${q.principal}`, s(q.action))}),
  UpdateFunctionCode20150331v2: fn,
  UpdateFunctionConfiguration20150331v2: (q) => ({target: fn(q, {}).target, detail: Array.isArray(q.layers) && q.layers.length ? `layers ${q.layers.join(', ')}` : undefined}),
  // Data shared out of the account, and the network opened.
  ModifyImageAttribute: (q) => ({target: s(q.imageId), detail: sharedWith(q)}),
  ModifySnapshotAttribute: (q) => ({target: s(q.snapshotId), detail: sharedWith(q)}),
  ModifyDBSnapshotAttribute: (q) => ({target: s(q.dBSnapshotIdentifier), detail: sharedWith(q)}),
  ModifyDBClusterSnapshotAttribute: (q) => ({target: s(q.dBClusterSnapshotIdentifier), detail: sharedWith(q)}),
  AuthorizeSecurityGroupIngress: (q) => ({target: s(q.groupId) ?? s(q.groupName), detail: openRange(q)}),
  // Code on instances.
  SendCommand: (q) => ({target: Array.isArray(q.instanceIds) ? q.instanceIds.join(', ') : undefined, detail: s(q.documentName)}),
  StartSession: (q) => ({target: s(q.target)}),
  SendSSHPublicKey: (q) => ({target: s(q.instanceId), detail: s(q.instanceOSUser) && `as ${q.instanceOSUser}`}),
  SendSerialConsoleSSHPublicKey: (q) => ({target: s(q.instanceId)}),
  EnableSerialConsoleAccess: () => ({}),
  ModifyInstanceAttribute: (q) => ({target: s(q.instanceId), detail: q.userData !== undefined ? 'userData' : undefined}),
  RunInstances: (q) => ({target: s(q.instanceType), detail: s(q.instancesSet?.items?.[0]?.imageId)}),
  // Model access bought or used with stolen credentials.
  InvokeModel: (q) => ({target: s(q.modelId)}),
  PutFoundationModelEntitlement: (q) => ({target: s(q.modelId)}),
  CreateFoundationModelAgreement: (q) => ({target: s(q.modelId)}),
  PutUseCaseForModelAccess: () => ({}),
}

function trustedBy(doc: string): string | undefined {
  try {
    const p = JSON.parse(doc) as Json
    const st: Json[] = Array.isArray(p.Statement) ? p.Statement : [p.Statement]
    const who = st.filter((x) => x?.Effect === 'Allow').flatMap((x) => Object.values(x.Principal ?? {}).flat().map(String))
    return who.length ? `trusts ${who.join(', ')}` : undefined
  } catch {
    return undefined
  }
}

function openRange(q: Json): string | undefined {
  const ranges: string[] = []
  if (s(q.cidrIp)) ranges.push(q.cidrIp)
  for (const p of q.ipPermissions?.items ?? []) for (const r of p?.ipRanges?.items ?? []) if (s(r?.cidrIp)) ranges.push(r.cidrIp)
  const port = q.fromPort !== undefined ? ` port ${q.fromPort}${q.toPort !== q.fromPort ? `-${q.toPort}` : ''}` : ''
  return ranges.length ? `${ranges.join(', ')}${port}` : undefined
}

/** The facts of a notable call, or undefined for every other event name. */
export function callFacts(name: string, req: unknown, resp: unknown): CallFacts | undefined {
  const f = CALLS[name]
  if (!f) return undefined
  const q = (req && typeof req === 'object' ? req : {}) as Json
  const r = (resp && typeof resp === 'object' ? resp : {}) as Json
  try {
    return f(q, r)
  } catch {
    return {}
  }
}
