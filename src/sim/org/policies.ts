// The Organizations policy API for service control policies, as AWS answers it: Create/Update/Describe/
// DeletePolicy, Attach/DetachPolicy, ListPolicies(ForTarget), ListTargetsForPolicy, Enable/DisablePolicyType.
// AWS's limits: a 5,120-character document, five SCPs per target, at least one (FullAWSAccess by default),
// attaching only while the type is enabled on the root, the AWS-managed FullAWSAccess immutable.
import type {OpContext, OpTable} from '../ops.js'
import type {Params} from '../protocol/form.js'
import {ACCOUNT_ID, OU_ID, POLICY_ID, ROOT_ID, invalidInput, orgError, orgOf, page, required, rootShape} from './common.js'
import {MAX_SCPS_PER_TARGET, checkScpContent} from './policy-content.js'
import {type OrgPolicy, type Organization, accountArn, disableScps, enableScps, ouArn, policyArn, policyIdOf, rootArn} from './state.js'

const SCP = 'SERVICE_CONTROL_POLICY'

const summary = (org: Organization, p: OrgPolicy) => ({Id: p.id, Arn: policyArn(org, p), Name: p.name, Description: p.description, Type: p.type, AwsManaged: p.awsManaged})
const shape = (org: Organization, p: OrgPolicy) => ({Policy: {PolicySummary: summary(org, p), Content: p.content}})

function policyType(v: unknown, field: string): typeof SCP {
  const t = required(v, field)
  if (t !== SCP) throw invalidInput('INVALID_ENUM_POLICY_TYPE', `You specified an invalid policy type: ${t}. Only ${SCP} is available here.`)
  return SCP
}

function policyOf(org: Organization, p: Params): OrgPolicy {
  const id = required(p.PolicyId, 'PolicyId')
  if (!POLICY_ID.test(id)) throw invalidInput('INVALID_SYNTAX_POLICY_ID', 'You specified an invalid value for PolicyId.')
  const pol = org.policies.get(id)
  if (!pol) throw orgError('PolicyNotFoundException', "We can't find a policy with the PolicyId that you specified.")
  return pol
}

function targetOf(org: Organization, p: Params): string {
  const id = required(p.TargetId, 'TargetId')
  if (!ACCOUNT_ID.test(id) && !ROOT_ID.test(id) && !OU_ID.test(id)) throw invalidInput('INVALID_PATTERN_TARGET_ID', "You specified a policy target ID that doesn't match the required pattern.")
  if (id !== org.rootId && !org.ous.has(id) && !org.accounts.has(id)) throw orgError('TargetNotFoundException', "We can't find a root, OU, account, or policy with the TargetId that you specified.")
  return id
}

function immutable(p: OrgPolicy): void {
  if (p.awsManaged) throw invalidInput('IMMUTABLE_POLICY', 'You specified a policy that is managed by AWS and cannot be modified.')
}

function checkName(v: unknown): string {
  const name = required(v, 'Name')
  if (name.length > 128) throw invalidInput('MAX_LENGTH_EXCEEDED', 'You provided a value that exceeds the maximum length for Name.')
  return name
}

function requireEnabled(org: Organization): void {
  if (!org.policyTypes.has(SCP)) throw orgError('PolicyTypeNotEnabledException', "This operation can be performed only for enabled policy types.")
}

function targetShape(org: Organization, id: string) {
  if (id === org.rootId) return {TargetId: id, Arn: rootArn(org), Name: 'Root', Type: 'ROOT'}
  const ou = org.ous.get(id)
  if (ou) return {TargetId: id, Arn: ouArn(org, ou), Name: ou.name, Type: 'ORGANIZATIONAL_UNIT'}
  return {TargetId: id, Arn: accountArn(org, id), Name: org.accounts.get(id)!.name, Type: 'ACCOUNT'}
}

/** A new policy id that no policy has yet. */
function newPolicyId(org: Organization): string {
  for (let n = org.policies.size; ; n++) {
    const id = policyIdOf(org.id, `new/${n}`)
    if (!org.policies.has(id)) return id
  }
}

const changed = (org: Organization) => {
  org.policyVersion++
}

export const policyOps: OpTable = {
  CreatePolicy: {
    readOnly: false,
    handle(p, c) {
      const org = orgOf(c)
      const type = policyType(p.Type, 'Type')
      const name = checkName(p.Name)
      const content = checkScpContent(required(p.Content, 'Content'))
      if ([...org.policies.values()].some((x) => x.name === name)) throw orgError('DuplicatePolicyException', 'A policy with the same name already exists.')
      const tags = Array.isArray(p.Tags) ? p.Tags.map((t: Params) => ({Key: String(t.Key), Value: String(t.Value)})) : []
      const pol: OrgPolicy = {id: newPolicyId(org), name, description: p.Description === undefined ? '' : String(p.Description), type, awsManaged: false, content, tags}
      org.policies.set(pol.id, pol)
      return shape(org, pol)
    },
  },
  DescribePolicy: {
    readOnly: true,
    handle(p, c) {
      const org = orgOf(c)
      return shape(org, policyOf(org, p))
    },
  },
  UpdatePolicy: {
    readOnly: false,
    handle(p, c) {
      const org = orgOf(c)
      const pol = policyOf(org, p)
      immutable(pol)
      if (p.Name !== undefined) {
        const name = checkName(p.Name)
        if ([...org.policies.values()].some((x) => x.name === name && x.id !== pol.id)) throw orgError('DuplicatePolicyException', 'A policy with the same name already exists.')
        pol.name = name
      }
      if (p.Description !== undefined) pol.description = String(p.Description)
      if (p.Content !== undefined) {
        pol.content = checkScpContent(p.Content)
        changed(org)
      }
      return shape(org, pol)
    },
  },
  DeletePolicy: {
    readOnly: false,
    handle(p, c) {
      const org = orgOf(c)
      const pol = policyOf(org, p)
      immutable(pol)
      if ([...org.attachments.values()].some((s) => s.has(pol.id))) throw orgError('PolicyInUseException', 'The policy is attached to one or more entities. You must detach it from all roots, OUs, and accounts before performing this operation.')
      org.policies.delete(pol.id)
      return {}
    },
  },
  AttachPolicy: {
    readOnly: false,
    handle(p, c) {
      const org = orgOf(c)
      const pol = policyOf(org, p)
      const target = targetOf(org, p)
      requireEnabled(org)
      const attached = org.attachments.get(target) ?? new Set<string>()
      if (attached.has(pol.id)) throw orgError('DuplicatePolicyAttachmentException', 'The selected policy is already attached to the specified target.')
      if (attached.size >= MAX_SCPS_PER_TARGET) {
        throw orgError('ConstraintViolationException', 'You have attached the maximum number of policies of this type to the specified target.', {Reason: 'POLICY_NUMBER_LIMIT_EXCEEDED'})
      }
      attached.add(pol.id)
      org.attachments.set(target, attached)
      changed(org)
      return {}
    },
  },
  DetachPolicy: {
    readOnly: false,
    handle(p, c) {
      const org = orgOf(c)
      const pol = policyOf(org, p)
      const target = targetOf(org, p)
      const attached = org.attachments.get(target)
      if (!attached?.has(pol.id)) throw orgError('PolicyNotAttachedException', 'The policy isn\'t attached to the specified target in the specified root.')
      // Every root, OU and account keeps at least one SCP while the type is enabled.
      if (attached.size === 1) {
        throw orgError('ConstraintViolationException', 'You cannot detach the last policy of this type from the specified target.', {Reason: 'MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED'})
      }
      attached.delete(pol.id)
      changed(org)
      return {}
    },
  },
  ListPolicies: {
    readOnly: true,
    handle(p, c) {
      const org = orgOf(c)
      policyType(p.Filter, 'Filter')
      return page([...org.policies.values()].map((x) => summary(org, x)), p, 'Policies', 'ListPolicies')
    },
  },
  ListPoliciesForTarget: {
    readOnly: true,
    handle(p, c) {
      const org = orgOf(c)
      const target = targetOf(org, p)
      policyType(p.Filter, 'Filter')
      return page([...(org.attachments.get(target) ?? [])].map((id) => summary(org, org.policies.get(id)!)), p, 'Policies', 'ListPoliciesForTarget')
    },
  },
  ListTargetsForPolicy: {
    readOnly: true,
    handle(p, c) {
      const org = orgOf(c)
      const pol = policyOf(org, p)
      const targets = [...org.attachments.entries()].filter(([, s]) => s.has(pol.id)).map(([t]) => targetShape(org, t))
      return page(targets, p, 'Targets', 'ListTargetsForPolicy')
    },
  },
  EnablePolicyType: {
    readOnly: false,
    handle: (p, c) => switchType(p, c, true),
  },
  DisablePolicyType: {
    readOnly: false,
    handle: (p, c) => switchType(p, c, false),
  },
}

function switchType(p: Params, c: OpContext, enable: boolean) {
  const org = orgOf(c)
  const root = required(p.RootId, 'RootId')
  if (!ROOT_ID.test(root)) throw invalidInput('INVALID_PATTERN', 'You specified an invalid value for RootId.')
  if (root !== org.rootId) throw orgError('RootNotFoundException', "We can't find a root with the RootId that you specified.")
  policyType(p.PolicyType, 'PolicyType')
  if (enable && org.policyTypes.has(SCP)) throw orgError('PolicyTypeAlreadyEnabledException', 'The specified policy type is already enabled.')
  if (!enable && !org.policyTypes.has(SCP)) throw orgError('PolicyTypeNotEnabledException', 'This operation can be performed only for enabled policy types.')
  if (enable) enableScps(org)
  else disableScps(org)
  return {Root: rootShape(org)}
}
