// IAM roles: trust policy, MaxSessionDuration (1–12 h), description, tags, path prefixes.
import {alreadyExists, deleteConflict, limitExceeded, validation} from '../errors.js'
import {newRoleId} from '../ids.js'
import type {OpContext, OpTable} from '../ops.js'
import type {Params} from '../protocol/form.js'
import {type Role, roleArn} from '../state.js'
import {modifiableRole} from './protected.js'
import {applyTags, byPrefix, checkName, checkPolicyDocument, nonWhitespaceLength, paginate, pathOf, roleShape, tagsOf} from './shapes.js'
import {tagOps} from './tags.js'

const roleRes = (p: Params, c: OpContext) => {
  const r = c.sim.account.roles.get(String(p.RoleName))
  return r ? roleArn(c.sim.account, r) : `arn:aws:iam::${c.sim.account.id}:role/${p.RoleName ?? ''}`
}
const roleResource = (p: Params) => [{type: 'AWS::IAM::Role', name: String(p.RoleName)}]

export function checkMaxSession(v: unknown): number {
  const n = Number(v)
  if (!Number.isInteger(n) || n < 3600 || n > 43200) {
    throw validation(`1 validation error detected: Value '${v}' at 'maxSessionDuration' failed to satisfy constraint: Member must have value greater than or equal to 3600 and less than or equal to 43200`)
  }
  return n
}

/** Trust policies are limited to 2,048 characters (not counting whitespace) by default. */
export function checkTrust(text: unknown): string {
  const doc = checkPolicyDocument(text, 'trust')
  if (nonWhitespaceLength(doc) > 2048) throw limitExceeded('Cannot exceed quota for ACLSizePerRole: 2048')
  return doc
}

export const roleOps: OpTable = {
  CreateRole: {
    readOnly: false,
    resource: roleRes,
    resources: roleResource,
    handle(p, c) {
      const a = c.sim.account
      const name = checkName(p.RoleName, 'roleName')
      if ([...a.roles.keys()].some((n) => n.toLowerCase() === name.toLowerCase())) throw alreadyExists(`Role with name ${name} already exists.`)
      const r: Role = {
        name,
        id: newRoleId(),
        path: pathOf(p),
        createdAt: c.now,
        trust: checkTrust(p.AssumeRolePolicyDocument),
        description: p.Description === undefined ? undefined : String(p.Description),
        maxSessionDuration: p.MaxSessionDuration === undefined ? 3600 : checkMaxSession(p.MaxSessionDuration),
        tags: applyTags([], tagsOf(p)),
        inline: new Map(),
        attached: new Set(),
      }
      a.roles.set(name, r)
      c.sim.index.created(`role:${name}`)
      return {Role: roleShape(a, r, true)}
    },
  },
  GetRole: {
    readOnly: true,
    resource: roleRes,
    handle: (p, c) => ({Role: roleShape(c.sim.account, c.sim.role(p.RoleName), true)}),
  },
  ListRoles: {
    readOnly: true,
    handle(p, c) {
      const a = c.sim.account
      return paginate(byPrefix(a.roles.values(), p.PathPrefix).map((r) => roleShape(a, r)), p, 'Roles')
    },
  },
  DeleteRole: {
    readOnly: false,
    resource: roleRes,
    resources: roleResource,
    handle(p, c) {
      const r = modifiableRole(c.sim.role(p.RoleName))
      if (r.inline.size || r.attached.size) throw deleteConflict('Cannot delete entity, must delete policies first.')
      c.sim.account.roles.delete(r.name)
      c.sim.index.forget(`role:${r.name}`)
      return undefined
    },
  },
  UpdateRole: {
    readOnly: false,
    resource: roleRes,
    resources: roleResource,
    handle(p, c) {
      const r = modifiableRole(c.sim.role(p.RoleName))
      if (p.MaxSessionDuration !== undefined) r.maxSessionDuration = checkMaxSession(p.MaxSessionDuration)
      if (p.Description !== undefined) r.description = String(p.Description)
      return {}
    },
  },
  UpdateRoleDescription: {
    readOnly: false,
    resource: roleRes,
    resources: roleResource,
    handle(p, c) {
      const r = modifiableRole(c.sim.role(p.RoleName))
      r.description = String(p.Description ?? '')
      return {Role: roleShape(c.sim.account, r, true)}
    },
  },
  UpdateAssumeRolePolicy: {
    readOnly: false,
    resource: roleRes,
    resources: roleResource,
    handle(p, c) {
      const r = modifiableRole(c.sim.role(p.RoleName))
      r.trust = checkTrust(p.PolicyDocument)
      return undefined
    },
  },
  ...tagOps('Role', (p, c) => c.sim.role(p.RoleName), roleRes, roleResource),
}
