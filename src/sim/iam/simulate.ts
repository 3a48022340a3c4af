// SimulatePrincipalPolicy: evaluate a user's or role's policies for actions and resources with the
// caller-supplied ContextEntries only (AWS adds nothing else), so lockdown can prove a deny before relying on it.
import {evaluate, type Context} from '../authz.js'
import {noSuchEntity, invalidInput} from '../errors.js'
import type {OpTable} from '../ops.js'
import {conditionKeys, type NamedPolicy} from '../policy-index.js'
import type {Params} from '../protocol/form.js'
import {scpLevels} from '../org/state.js'
import {checkPolicyDocument, paginate} from './shapes.js'

const DECISION = {Allowed: 'allowed', ExplicitlyDenied: 'explicitDeny', ImplicitlyDenied: 'implicitDeny'} as const

function contextOf(entries: unknown): Context {
  const ctx: Context = {}
  for (const e of Array.isArray(entries) ? (entries as Params[]) : []) {
    const values = (Array.isArray(e.ContextKeyValues) ? e.ContextKeyValues : []).map(String)
    const type = String(e.ContextKeyType ?? 'string')
    ctx[String(e.ContextKeyName)] = type.endsWith('List') ? values : (values[0] ?? '')
  }
  return ctx
}

export const simulateOps: OpTable = {
  SimulatePrincipalPolicy: {
    readOnly: true,
    resource: (p) => String(p.PolicySourceArn),
    async handle(p, c) {
      const a = c.sim.account
      const src = String(p.PolicySourceArn ?? '')
      const m = /^arn:aws:iam::(\d{12}):(user|role)\/(?:.*\/)?([^/]+)$/.exec(src)
      if (!m || m[1] !== a.id) throw invalidInput(`Invalid ARN ${src}: only users and roles of this account can be simulated.`)
      const kind = m[2] as 'user' | 'role'
      if (kind === 'user' && !a.users.has(m[3]!)) throw noSuchEntity(`The user with name ${m[3]} cannot be found.`)
      if (kind === 'role' && !a.roles.has(m[3]!)) throw noSuchEntity(`The role with name ${m[3]} cannot be found.`)
      const policies: NamedPolicy[] = c.sim.index.current(`${kind}:${m[3]}`)
      const extra = (Array.isArray(p.PolicyInputList) ? p.PolicyInputList : []).map((doc: unknown, i: number) => ({name: `PolicyInputList.${i + 1}`, policy: JSON.parse(checkPolicyDocument(doc))}))
      const all = [...policies, ...extra]
      const ctx = contextOf(p.ContextEntries)
      const provided = new Set(Object.keys(ctx).map((k) => k.toLowerCase()))
      const missing = conditionKeys(all.map((x) => x.policy)).filter((k) => !provided.has(k))
      const actions: string[] = (Array.isArray(p.ActionNames) ? p.ActionNames : []).map(String)
      const resources: string[] = Array.isArray(p.ResourceArns) && p.ResourceArns.length ? p.ResourceArns.map(String) : ['*']
      // The account's SCPs count as they would for the principal's own calls (AWS reports them in OrganizationsDecisionDetail).
      const serviceLinked = kind === 'role' && a.roles.get(m[3]!)!.path.startsWith('/aws-service-role/')
      const scps = serviceLinked ? undefined : scpLevels(c.sim.world?.org, a.id)
      const results = []
      for (const action of actions) {
        for (const resource of resources) {
          const r = await evaluate({principal: src, action, resource, accountId: a.id, identity: all, scps, context: ctx})
          results.push({
            EvalActionName: action,
            EvalResourceName: resource,
            EvalDecision: DECISION[r.decision],
            MatchedStatements: r.matched.map((id) => ({
              SourcePolicyId: id.startsWith('inline:') ? id.slice(7) : id.startsWith('arn:') ? id.split('/').pop() : id,
              SourcePolicyType: id.startsWith('inline:') ? kind : id.startsWith('arn:') ? 'IAM Policy' : 'none',
            })),
            MissingContextValues: r.decision === 'Allowed' ? [] : missing,
            ...(r.allowedByOrganizations === undefined ? {} : {OrganizationsDecisionDetail: {AllowedByOrganizations: r.allowedByOrganizations}}),
          })
        }
      }
      return paginate(results, p, 'EvaluationResults')
    },
  },
}
