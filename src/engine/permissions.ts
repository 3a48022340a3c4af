// The least-privilege IAM policy a playbook needs, from its steps (an action's static permissions, or what
// its parameters need: a forensics step reading S3 or Athena) plus what the engine itself calls. Shown by
// `lockdown plan`, emitted by `lockdown permissions` and the access role's policy, and simulated by the
// preflight, so what is printed is what is checked.
import type {AnyAction, Grant, GrantScope} from '../actions/types.js'

/**
 * The engine's own calls: the permission preflight simulates the caller's policies. (sts:GetCallerIdentity,
 * for the account and self guards, needs no permission: AWS never denies it.)
 */
const ENGINE_PERMISSIONS = ['iam:SimulatePrincipalPolicy']

/** A step as the policy sees it: its action and validated parameters (undefined: not known yet, a pending `--set`). */
export interface StepNeed {
  action: AnyAction
  params?: unknown
  /** The raw `with:` of a step whose variables are pending: the source kind is still readable. */
  step?: {with?: unknown}
}

const isStep = (s: AnyAction | StepNeed): s is StepNeed => 'action' in s && typeof (s as StepNeed).action === 'object'

/** What one step needs, on which resources. */
export function stepGrants(s: AnyAction | StepNeed, where?: GrantScope): Grant[] {
  const {action, params, raw} = isStep(s) ? {action: s.action, params: s.params, raw: s.step?.with} : {action: s, params: undefined, raw: undefined}
  if (action.permissionsFor) return action.permissionsFor(params ?? raw ?? {}, where)
  return [{actions: action.permissions, resources: ['*']}]
}

/**
 * Every step's grants and the engine's, merged: one statement of the actions needed on every resource,
 * then one per distinct resource set; an action already granted on `*` is not repeated narrower.
 */
export function grantsFor(steps: readonly (AnyAction | StepNeed)[], where?: GrantScope): Grant[] {
  const all = [{actions: ENGINE_PERMISSIONS, resources: ['*']}, ...steps.flatMap((s) => stepGrants(s, where))]
  const anywhere = new Set(all.filter((g) => g.resources.includes('*')).flatMap((g) => g.actions))
  const scoped = new Map<string, Grant>()
  for (const g of all) {
    if (g.resources.includes('*')) continue
    const resources = [...new Set(g.resources)].sort()
    const key = resources.join('\n')
    const into = scoped.get(key) ?? {actions: [], resources}
    into.actions.push(...g.actions.filter((a) => !anywhere.has(a)))
    if (g.note && !into.note?.includes(g.note)) into.note = into.note ? `${into.note} ${g.note}` : g.note
    scoped.set(key, into)
  }
  const narrow = [...scoped.values()].filter((g) => g.actions.length).map((g) => ({...g, actions: [...new Set(g.actions)].sort()}))
  return [{actions: [...anywhere].sort(), resources: ['*']}, ...narrow]
}

/** Every IAM action the steps need, on whichever resource (the plan's "Permissions needed" line). */
export function permissionsFor(steps: readonly (AnyAction | StepNeed)[], where?: GrantScope): string[] {
  return [...new Set(grantsFor(steps, where).flatMap((g) => g.actions))].sort()
}

/** What the policy cannot say (kms:Decrypt for an encrypted trail), one line each. */
export function permissionNotes(steps: readonly (AnyAction | StepNeed)[]): string[] {
  return [...new Set(steps.flatMap((s) => stepGrants(s)).flatMap((g) => (g.note ? [g.note] : [])))]
}

/** IAM policy statements for the grants: `Sid` for the first (every resource), `Sid` + n for the scoped ones. */
export function policyStatements(grants: readonly Grant[], sid: string): object[] {
  return grants
    .filter((g) => g.actions.length)
    .map((g, i) => ({Sid: i === 0 && g.resources.includes('*') ? sid : `${sid}Scoped${i}`, Effect: 'Allow', Action: g.actions, Resource: g.resources.length === 1 ? g.resources[0] : g.resources}))
}

export function leastPrivilegePolicy(steps: readonly (AnyAction | StepNeed)[]): object {
  return {Version: '2012-10-17', Statement: policyStatements(grantsFor(steps), 'Lockdown')}
}
