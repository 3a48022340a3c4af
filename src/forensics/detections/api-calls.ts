// Detections of single calls: each reads a few event names the accumulator notes (see calls.ts for what
// each names as its target), and contains both the caller and what the call created.
import type {Containment, Flag, FlagKind} from '../../report/types.js'
import {iso} from '../graph/activity.js'
import type {NoteRec} from '../graph/accumulate.js'
import {containActor, mergeContain, roleName, userName} from './contain.js'
import type {Detection, Tactic} from './types.js'

interface CallSpec {
  name: string
  summary: string
  tactic: Tactic
  kind: FlagKind
  events: string[]
  /** Only calls that pass (a shared snapshot, a wide policy); default: every call of those names. */
  when?: (n: NoteRec) => boolean
  /** What the call left behind that the playbook must also contain. */
  creates?: (n: NoteRec) => Containment | undefined
}

const targetName = (t: string | undefined, kind: 'user' | 'role') => (t?.startsWith(`${kind}/`) ? t.slice(kind.length + 1) : undefined)

function callDetection(spec: CallSpec): Detection {
  const names = new Set(spec.events)
  return {
    name: spec.name,
    summary: spec.summary,
    tactic: spec.tactic,
    kind: spec.kind,
    reads: spec.events.join(', '),
    detect(input) {
      const out: Flag[] = []
      for (const n of input.acc.persistence) {
        // lockdown's own writes (revocations, break-glass roles) are the response, not the attack.
        if (!names.has(n.name) || n.lockdown || (spec.when && !spec.when(n))) continue
        const who = input.sessionOf(n.actor) ?? n.actor.arn ?? n.actor.principalId ?? 'unknown'
        const p = n.params ?? {}
        const target = p.target ?? p.userName ?? p.roleName
        out.push({
          kind: spec.kind,
          at: iso(n.time)!,
          subject: who,
          detail: `${n.name}${target ? ` on ${target}` : ''}${p.detail ? ` (${p.detail})` : ''}${n.error ? ` (failed: ${n.error})` : ''} from ${n.ip}`,
          ip: n.ip,
          evidence: [n.eventId],
          // A failed call left nothing behind: contain the caller only.
          contain: mergeContain(containActor(n.actor, input), n.error ? undefined : spec.creates?.(n)),
        })
      }
      return out
    },
  }
}

const createdUser = (n: NoteRec): Containment | undefined => {
  const u = targetName(n.params?.target, 'user')
  return u ? {users: [u]} : undefined
}
const createdRole = (n: NoteRec): Containment | undefined => {
  const r = targetName(n.params?.target, 'role')
  return r ? {roles: [r]} : undefined
}

export const trailTampering = callDetection({
  name: 'trail-tampering',
  summary: 'CloudTrail stopped, deleted or narrowed: what happens next may not be logged',
  tactic: 'defense-evasion',
  kind: 'defense-evasion',
  events: ['StopLogging', 'DeleteTrail', 'UpdateTrail', 'PutEventSelectors', 'PutInsightSelectors', 'DeleteEventDataStore', 'StopEventDataStoreIngestion', 'UpdateEventDataStore'],
})

export const logTampering = callDetection({
  name: 'log-tampering',
  summary: 'Other logs and guards removed: flow logs, DNS query logs, log groups, GuardDuty, Config; the account taken out of its organization',
  tactic: 'defense-evasion',
  kind: 'defense-evasion',
  events: ['DeleteFlowLogs', 'DeleteResolverQueryLogConfig', 'DeleteLogGroup', 'DeleteDetector', 'StopConfigurationRecorder', 'DeleteConfigurationRecorder', 'LeaveOrganization'],
})

export const iamPersistence = callDetection({
  name: 'iam-persistence',
  summary: 'A way back in: a new user, access key, console password, role or role trust',
  tactic: 'persistence',
  kind: 'persistence',
  events: ['CreateUser', 'CreateAccessKey', 'CreateLoginProfile', 'CreateRole', 'UpdateAssumeRolePolicy'],
  creates: (n) => {
    const user = targetName(n.params?.target, 'user') ?? n.params?.userName
    if (n.name === 'CreateAccessKey') {
      const key = n.params?.detail ?? n.params?.accessKeyId
      // CreateAccessKey without userName makes a key for the caller itself.
      const owner = user ?? (n.actor.arn ? userName(n.actor.arn) : undefined)
      return mergeContain(key ? {keys: [key]} : owner ? {keyUsers: [owner]} : undefined, owner ? {users: [owner]} : undefined)
    }
    if (n.name === 'CreateUser') return user ? {users: [user], keyUsers: [user], manual: `delete user ${user} once reviewed`} : undefined
    if (n.name === 'CreateLoginProfile') return user ? {users: [user], manual: `delete the login profile of ${user}`} : undefined
    return createdRole(n)
  },
})

export const privilegeEscalation = callDetection({
  name: 'privilege-escalation',
  summary: 'Policies attached or written, group membership, policy versions, another user’s password reset',
  tactic: 'privilege-escalation',
  kind: 'privilege-escalation',
  events: ['AttachUserPolicy', 'AttachRolePolicy', 'AttachGroupPolicy', 'PutUserPolicy', 'PutRolePolicy', 'PutGroupPolicy', 'AddUserToGroup', 'CreatePolicyVersion', 'SetDefaultPolicyVersion', 'UpdateLoginProfile'],
  // lockdown's revoke-older-sessions deny is a PutRolePolicy too; it is containment (see revocation.ts).
  when: (n) => !/aws:TokenIssueTime/.test(n.params?.policyDocument ?? ''),
  creates: (n) => createdUser(n) ?? createdRole(n),
})

export const rolesAnywhere = callDetection({
  name: 'rolesanywhere-trust-anchor',
  summary: 'IAM Roles Anywhere trust anchor or profile: certificates from outside AWS get role sessions',
  tactic: 'persistence',
  kind: 'persistence',
  events: ['CreateTrustAnchor', 'UpdateTrustAnchor', 'CreateProfile'],
  creates: (n) => {
    const roles = (n.params?.detail ?? '').split(', ').map(roleName).filter((r): r is string => Boolean(r))
    return mergeContain(roles.length ? {roles} : undefined, {manual: `delete Roles Anywhere ${n.name === 'CreateProfile' ? 'profile' : 'trust anchor'} ${n.params?.target ?? ''}`.trim()})
  },
})

export const wideFederationToken = callDetection({
  name: 'wide-federation-token',
  summary: 'GetFederationToken with an allow-everything policy: a session that outlives a key deactivation',
  tactic: 'persistence',
  kind: 'persistence',
  events: ['GetFederationToken'],
  when: (n) => n.params?.detail === 'wide',
})

export const lambdaBackdoor = callDetection({
  name: 'lambda-backdoor',
  summary: 'A Lambda function opened to others, its code replaced or a layer added',
  tactic: 'persistence',
  kind: 'persistence',
  events: ['AddPermission20150331v2', 'AddPermission20150331', 'UpdateFunctionCode20150331v2', 'UpdateFunctionConfiguration20150331v2'],
  when: (n) => !n.name.startsWith('UpdateFunctionConfiguration') || Boolean(n.params?.detail),
  creates: (n) => ({manual: `review function ${n.params?.target ?? '?'} (its policy, code and layers)`}),
})

export const resourceSharedOut = callDetection({
  name: 'resource-shared-out',
  summary: 'An AMI, EBS or RDS snapshot shared with another account',
  tactic: 'exfiltration',
  kind: 'exfiltration',
  events: ['ModifyImageAttribute', 'ModifySnapshotAttribute', 'ModifyDBSnapshotAttribute', 'ModifyDBClusterSnapshotAttribute'],
  when: (n) => Boolean(n.params?.detail?.startsWith('shared with')),
  creates: (n) => ({manual: `remove the share of ${n.params?.target ?? '?'}`}),
})

export const networkOpened = callDetection({
  name: 'network-opened',
  summary: 'A security group opened to the whole internet',
  tactic: 'exfiltration',
  kind: 'exfiltration',
  events: ['AuthorizeSecurityGroupIngress'],
  when: (n) => /\/0\b/.test(n.params?.detail ?? '') || /::\/0/.test(n.params?.detail ?? ''),
  creates: (n) => ({manual: `revoke the ingress rule on ${n.params?.target ?? '?'}`}),
})

export const instanceAccess = callDetection({
  name: 'instance-access',
  summary: 'Commands, shells, SSH keys or user data pushed to EC2 instances',
  tactic: 'execution',
  kind: 'execution',
  events: ['SendCommand', 'StartSession', 'SendSSHPublicKey', 'SendSerialConsoleSSHPublicKey', 'EnableSerialConsoleAccess', 'ModifyInstanceAttribute'],
  when: (n) => n.name !== 'ModifyInstanceAttribute' || n.params?.detail === 'userData',
})

export const unusualInstances = callDetection({
  name: 'unusual-instances',
  summary: 'GPU or other large instances launched (mining, model training on the victim’s bill)',
  tactic: 'execution',
  kind: 'execution',
  events: ['RunInstances'],
  when: (n) => /^(p\d|g\d|inf\d|trn\d|dl\d|x\d|u-|f\d)/.test(n.params?.target ?? ''),
})

export const modelAbuse = callDetection({
  name: 'model-abuse',
  summary: 'Bedrock model access bought or models invoked',
  tactic: 'impact',
  kind: 'impact',
  events: ['InvokeModel', 'PutFoundationModelEntitlement', 'CreateFoundationModelAgreement', 'PutUseCaseForModelAccess'],
})
