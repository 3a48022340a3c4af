// Proof that an SCP revocation holds in a member account, asked of IAM itself: SimulatePrincipalPolicy
// on a principal the SCP names, with aws:TokenIssueTime one second before the cutoff (every probe must
// be refused by the organization: OrganizationsDecisionDetail.AllowedByOrganizations false) and one
// second after (some probe allowed again: the deny is the cutoff's, not a blanket one). Where no
// principal matches, or IAM reports no organizations decision, the check says so plainly.
import type {Clients} from '../../aws/clients.js'
import {listRoles, type IamRole} from '../../aws/iam-roles.js'
import {simulateOrganizations, type ContextValues} from '../../aws/iam-simulate.js'
import type {ScpSpec} from '../../aws/policies/scp-revoke.js'
import {awsErrorText} from '../../aws/errors.js'
import {pollUntil} from '../lib/poll.js'
import type {Check} from '../types.js'
import {arnLike} from './params.js'

const PROBES = ['iam:ListRoles', 's3:ListAllMyBuckets', 'ec2:DescribeInstances']
const at = (iso: string, deltaMs: number) => new Date(Date.parse(iso) + deltaMs).toISOString()
export const ONLY_A_DRILL = 'only a drill (lockdown drill run) proves SCP containment there'

interface Probe {
  role: IamRole
  context: ContextValues
  what: string
}

/** A principal of this account the spec denies, with the context that makes it match; undefined when none. */
function probeFor(roles: IamRole[], spec: Omit<ScpSpec, 'before'>): Probe | undefined {
  const usable = roles.filter((r) => !r.path.startsWith('/aws-service-role/') && !spec.exempt.some((e) => arnLike(e, r.arn)))
  const named = usable.find((r) => spec.roles.some((p) => arnLike(p, r.arn)))
  if (named) return {role: named, context: {}, what: `role ${named.name}`}
  const any = usable[0]
  if (spec.sourceIdentities[0] && any) return {role: any, context: {'aws:SourceIdentity': {type: 'string', value: spec.sourceIdentities[0]}}, what: `source identity ${spec.sourceIdentities[0]} on ${any.name}`}
  for (const id of spec.userIds) {
    const role = usable.find((r) => id.startsWith(`${r.roleId}:`) && !/[*?]/.test(id))
    if (role) return {role, context: {'aws:userid': {type: 'string', value: id}}, what: `session ${id}`}
  }
  const sso = usable.find((r) => r.name.startsWith('AWSReservedSSO_')) ?? any
  if (spec.identityCenterUsers[0] && sso) {
    return {role: sso, context: {'identitystore:userId': {type: 'string', value: spec.identityCenterUsers[0]}}, what: `Identity Center user ${spec.identityCenterUsers[0]} on ${sso.name}`}
  }
  return undefined
}

export async function proveInAccount(
  account: {id: string; clients?: Clients; unreachable?: string},
  spec: Omit<ScpSpec, 'before'>,
  cutoff: string,
  opts: {target: string; signal?: AbortSignal},
): Promise<Check> {
  const name = `SCP denies sessions before the cutoff in ${account.id}`
  const unproven = (why: string): Check => ({target: opts.target, name: `SCP containment not simulated in ${account.id}`, ok: true, detail: `${why}: ${ONLY_A_DRILL}`})
  if (!account.clients) return unproven(`account not entered (${account.unreachable ?? 'not in the run'})`)
  const iam = account.clients.iam
  try {
    const probe = probeFor(await listRoles(iam, {signal: opts.signal}), spec)
    if (!probe) return unproven('no role of the account matches what the SCP names')
    const ctx = (t: string): ContextValues => ({...probe.context, 'aws:PrincipalArn': {type: 'string', value: probe.role.arn}, 'aws:TokenIssueTime': {type: 'date', value: t}})
    // Organizations is eventually consistent too: poll until the organization refuses the old session.
    const before = await pollUntil(
      () => simulateOrganizations(iam, probe.role.arn, PROBES, ctx(at(cutoff, -1000)), {signal: opts.signal}),
      (r) => PROBES.every((a) => r[a] === false),
      {signal: opts.signal},
    )
    if (PROBES.some((a) => before.value[a] === undefined)) return unproven(`IAM reports no organizations decision for ${probe.what}`)
    if (!before.ok) {
      const open = PROBES.filter((a) => before.value[a] !== false)
      return {target: opts.target, name, ok: false, detail: `${probe.what} issued before ${cutoff}: the organization still allows ${open.join(', ')}`}
    }
    const after = await simulateOrganizations(iam, probe.role.arn, PROBES, ctx(at(cutoff, 1000)), {signal: opts.signal})
    const allowed = PROBES.filter((a) => after[a] === true)
    if (!allowed.length) {
      return {target: opts.target, name, ok: false, detail: `${probe.what} issued after ${cutoff} is refused too (${PROBES.join(', ')}): another SCP denies them, or the deny is not bound to the cutoff`}
    }
    return {target: opts.target, name, ok: true, detail: `${probe.what}: refused by the organization when issued before ${cutoff}, allowed (${allowed.join(', ')}) when issued after`}
  } catch (error) {
    return unproven(`simulation failed (${awsErrorText(error)})`)
  }
}
