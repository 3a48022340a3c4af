// Inline user and role policies, with AWS's aggregate size limits (all of a principal's inline policies
// together, whitespace not counted): 10,240 characters per role, 2,048 per user.
import {limitExceeded, noSuchEntity} from '../errors.js'
import type {OpContext, OpTable} from '../ops.js'
import type {Params} from '../protocol/form.js'
import {roleArn, userArn} from '../state.js'
import {modifiableRole} from './protected.js'
import {checkName, checkPolicyDocument, nonWhitespaceLength, paginate} from './shapes.js'

type Kind = 'User' | 'Role'
const LIMIT: Record<Kind, number> = {User: 2048, Role: 10240}

function target(kind: Kind, p: Params, c: OpContext) {
  return kind === 'User' ? c.sim.user(p.UserName) : c.sim.role(p.RoleName)
}

/** The target of a write: a protected role (service-linked, Identity Center) refuses it. */
function writable(kind: Kind, p: Params, c: OpContext) {
  return kind === 'User' ? c.sim.user(p.UserName) : modifiableRole(c.sim.role(p.RoleName))
}

function arnOf(kind: Kind, p: Params, c: OpContext): string {
  const a = c.sim.account
  if (kind === 'User') {
    const u = a.users.get(String(p.UserName))
    return u ? userArn(a, u) : `arn:aws:iam::${a.id}:user/${p.UserName}`
  }
  const r = a.roles.get(String(p.RoleName))
  return r ? roleArn(a, r) : `arn:aws:iam::${a.id}:role/${p.RoleName}`
}

function opsFor(kind: Kind): OpTable {
  const nameKey = `${kind}Name`
  const resource = (p: Params, c: OpContext) => arnOf(kind, p, c)
  const resources = (p: Params) => [{type: `AWS::IAM::${kind}`, name: String(p[nameKey])}]
  const pk = (p: Params) => `${kind.toLowerCase() as 'user' | 'role'}:${String(p[nameKey])}` as const
  return {
    [`Put${kind}Policy`]: {
      readOnly: false,
      resource,
      resources,
      handle(p, c) {
        const t = writable(kind, p, c)
        const name = checkName(p.PolicyName, 'policyName', 128)
        const doc = checkPolicyDocument(p.PolicyDocument)
        let total = nonWhitespaceLength(doc)
        for (const [n, d] of t.inline) if (n !== name) total += nonWhitespaceLength(d)
        if (total > LIMIT[kind]) throw limitExceeded(`Maximum policy size of ${LIMIT[kind]} bytes exceeded for ${kind.toLowerCase()} ${t.name}`)
        t.inline.set(name, doc)
        c.sim.index.changed(pk(p))
        return undefined
      },
    },
    [`Get${kind}Policy`]: {
      readOnly: true,
      resource,
      handle(p, c) {
        const t = target(kind, p, c)
        const doc = t.inline.get(String(p.PolicyName))
        if (doc === undefined) throw noSuchEntity(`The ${kind.toLowerCase()} policy with name ${p.PolicyName} cannot be found.`)
        return {[nameKey]: t.name, PolicyName: String(p.PolicyName), PolicyDocument: encodeURIComponent(doc)}
      },
    },
    [`List${kind}Policies`]: {
      readOnly: true,
      resource,
      handle(p, c) {
        return paginate([...target(kind, p, c).inline.keys()].sort(), p, 'PolicyNames')
      },
    },
    [`Delete${kind}Policy`]: {
      readOnly: false,
      resource,
      resources,
      handle(p, c) {
        const t = writable(kind, p, c)
        if (!t.inline.delete(String(p.PolicyName))) throw noSuchEntity(`The ${kind.toLowerCase()} policy with name ${p.PolicyName} cannot be found.`)
        c.sim.index.changed(pk(p))
        return undefined
      },
    },
  }
}

export const inlineOps: OpTable = {...opsFor('User'), ...opsFor('Role')}
