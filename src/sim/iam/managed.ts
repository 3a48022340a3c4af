// Customer managed policies with versions (at most 5), AWS managed policies by ARN, and attachment to
// users and roles. A new default version changes what every attached principal is allowed to do.
import {alreadyExists, deleteConflict, limitExceeded, noSuchEntity, validation} from '../errors.js'
import {newPolicyId} from '../ids.js'
import type {OpContext, OpTable} from '../ops.js'
import type {Params} from '../protocol/form.js'
import {type ManagedPolicy, attachmentCount, customPolicyArn, roleArn, userArn} from '../state.js'
import {modifiableRole} from './protected.js'
import {applyTags, byPrefix, checkName, checkPolicyDocument, nonWhitespaceLength, paginate, pathOf, policyShape, tagsOf} from './shapes.js'

const policyRes = (p: Params) => String(p.PolicyArn ?? '*')
const policyResource = (p: Params, r: unknown) => [{type: 'AWS::IAM::Policy', name: String(p.PolicyArn ?? (r as {Policy?: {Arn: string}})?.Policy?.Arn)}]

function checkManagedSize(doc: string): string {
  if (nonWhitespaceLength(doc) > 6144) throw limitExceeded('Cannot exceed quota for PolicySize: 6144')
  return doc
}

const versionShape = (v: {id: string; document: string; createdAt: number}, def: string, withDoc: boolean) => ({
  ...(withDoc ? {Document: encodeURIComponent(v.document)} : {}),
  VersionId: v.id,
  IsDefaultVersion: v.id === def,
  CreateDate: new Date(v.createdAt),
})

type Kind = 'User' | 'Role'

function attachOps(kind: Kind): OpTable {
  const nameKey = `${kind}Name`
  const get = (p: Params, c: OpContext) => (kind === 'User' ? c.sim.user(p.UserName) : c.sim.role(p.RoleName))
  // Attach and detach are writes: a protected role (service-linked, Identity Center) refuses them.
  const writable = (p: Params, c: OpContext) => (kind === 'User' ? c.sim.user(p.UserName) : modifiableRole(c.sim.role(p.RoleName)))
  const resource = (p: Params, c: OpContext) => {
    const a = c.sim.account
    const e = kind === 'User' ? a.users.get(String(p.UserName)) : a.roles.get(String(p.RoleName))
    if (!e) return `arn:aws:iam::${a.id}:${kind.toLowerCase()}/${p[nameKey]}`
    return kind === 'User' ? userArn(a, e as never) : roleArn(a, e as never)
  }
  const resources = (p: Params) => [{type: `AWS::IAM::${kind}`, name: String(p[nameKey])}, {type: 'AWS::IAM::Policy', name: String(p.PolicyArn)}]
  const pk = (p: Params) => `${kind.toLowerCase() as 'user' | 'role'}:${String(p[nameKey])}` as const
  return {
    [`Attach${kind}Policy`]: {
      readOnly: false,
      resource,
      resources,
      handle(p, c) {
        const e = writable(p, c)
        const mp = c.sim.policy(p.PolicyArn)
        if (!e.attached.has(mp.arn) && e.attached.size >= 10) throw limitExceeded(`Cannot exceed quota for PoliciesPer${kind}: 10`)
        e.attached.add(mp.arn)
        c.sim.index.changed(pk(p))
        return undefined
      },
    },
    [`Detach${kind}Policy`]: {
      readOnly: false,
      resource,
      resources,
      handle(p, c) {
        const e = writable(p, c)
        if (!e.attached.delete(String(p.PolicyArn))) throw noSuchEntity(`Policy ${p.PolicyArn} was not found.`)
        c.sim.index.changed(pk(p))
        return undefined
      },
    },
    [`ListAttached${kind}Policies`]: {
      readOnly: true,
      resource,
      handle(p, c) {
        const e = get(p, c)
        const pre = p.PathPrefix === undefined ? '/' : String(p.PathPrefix)
        const list = [...e.attached]
          .map((arn) => c.sim.account.policies.get(arn))
          .filter((m): m is ManagedPolicy => !!m && m.path.startsWith(pre))
          .map((m) => ({PolicyName: m.name, PolicyArn: m.arn}))
        return paginate(list, p, 'AttachedPolicies')
      },
    },
  }
}

export const managedOps: OpTable = {
  CreatePolicy: {
    readOnly: false,
    resource: (p, c) => customPolicyArn(c.sim.account, String(p.Path ?? '/'), String(p.PolicyName)),
    resources: policyResource,
    handle(p, c) {
      const a = c.sim.account
      const name = checkName(p.PolicyName, 'policyName', 128)
      const path = pathOf(p)
      const arn = customPolicyArn(a, path, name)
      if (a.policies.has(arn)) throw alreadyExists(`A policy called ${name} already exists. Duplicate names are not allowed.`)
      const doc = checkManagedSize(checkPolicyDocument(p.PolicyDocument))
      const mp: ManagedPolicy = {arn, name, id: newPolicyId(), path, description: p.Description, createdAt: c.now, updatedAt: c.now, defaultVersion: 'v1', versions: [{id: 'v1', document: doc, createdAt: c.now}], nextVersion: 2, tags: applyTags([], tagsOf(p)), awsManaged: false}
      a.policies.set(arn, mp)
      return {Policy: policyShape(a, mp)}
    },
  },
  GetPolicy: {readOnly: true, resource: policyRes, handle: (p, c) => ({Policy: policyShape(c.sim.account, c.sim.policy(p.PolicyArn))})},
  ListPolicies: {
    readOnly: true,
    handle(p, c) {
      const a = c.sim.account
      const scope = p.Scope ?? 'All'
      let list = byPrefix(a.policies.values(), p.PathPrefix).filter((m) => scope === 'All' || (scope === 'AWS') === m.awsManaged)
      if (String(p.OnlyAttached) === 'true') list = list.filter((m) => attachmentCount(a, m.arn) > 0)
      return paginate(list.map((m) => policyShape(a, m)), p, 'Policies')
    },
  },
  DeletePolicy: {
    readOnly: false,
    resource: policyRes,
    resources: policyResource,
    handle(p, c) {
      const mp = c.sim.policy(p.PolicyArn)
      if (mp.awsManaged) throw validation('Cannot delete an AWS managed policy.')
      if (attachmentCount(c.sim.account, mp.arn) > 0) throw deleteConflict('Cannot delete a policy attached to entities.')
      if (mp.versions.length > 1) throw deleteConflict('Cannot delete a policy with non-default versions. Delete them first.')
      c.sim.account.policies.delete(mp.arn)
      return undefined
    },
  },
  CreatePolicyVersion: {
    readOnly: false,
    resource: policyRes,
    resources: policyResource,
    handle(p, c) {
      const mp = c.sim.policy(p.PolicyArn)
      if (mp.awsManaged) throw validation('Cannot modify an AWS managed policy.')
      if (mp.versions.length >= 5) throw limitExceeded('A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version.')
      const v = {id: `v${mp.nextVersion++}`, document: checkManagedSize(checkPolicyDocument(p.PolicyDocument)), createdAt: c.now}
      mp.versions.push(v)
      mp.updatedAt = c.now
      if (String(p.SetAsDefault) === 'true') {
        mp.defaultVersion = v.id
        c.sim.index.managedChanged(mp.arn)
      }
      return {PolicyVersion: versionShape(v, mp.defaultVersion, false)}
    },
  },
  GetPolicyVersion: {
    readOnly: true,
    resource: policyRes,
    handle(p, c) {
      const mp = c.sim.policy(p.PolicyArn)
      const v = mp.versions.find((x) => x.id === p.VersionId)
      if (!v) throw noSuchEntity(`Policy ${mp.arn} version ${p.VersionId} does not exist or is not attachable.`)
      return {PolicyVersion: versionShape(v, mp.defaultVersion, true)}
    },
  },
  ListPolicyVersions: {
    readOnly: true,
    resource: policyRes,
    handle(p, c) {
      const mp = c.sim.policy(p.PolicyArn)
      return paginate([...mp.versions].reverse().map((v) => versionShape(v, mp.defaultVersion, false)), p, 'Versions')
    },
  },
  DeletePolicyVersion: {
    readOnly: false,
    resource: policyRes,
    resources: policyResource,
    handle(p, c) {
      const mp = c.sim.policy(p.PolicyArn)
      const i = mp.versions.findIndex((x) => x.id === p.VersionId)
      if (i < 0) throw noSuchEntity(`Policy ${mp.arn} version ${p.VersionId} does not exist or is not attachable.`)
      if (mp.versions[i]!.id === mp.defaultVersion) throw deleteConflict('Cannot delete the default version of a policy.')
      mp.versions.splice(i, 1)
      return undefined
    },
  },
  SetDefaultPolicyVersion: {
    readOnly: false,
    resource: policyRes,
    resources: policyResource,
    handle(p, c) {
      const mp = c.sim.policy(p.PolicyArn)
      if (!mp.versions.some((x) => x.id === p.VersionId)) throw noSuchEntity(`Policy ${mp.arn} version ${p.VersionId} does not exist or is not attachable.`)
      mp.defaultVersion = String(p.VersionId)
      mp.updatedAt = c.now
      c.sim.index.managedChanged(mp.arn)
      return undefined
    },
  },
  ...attachOps('User'),
  ...attachOps('Role'),
}
