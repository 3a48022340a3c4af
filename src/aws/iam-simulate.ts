// iam:SimulatePrincipalPolicy with context entries: how lockdown proves a deny on aws:TokenIssueTime
// really applies to a principal, without holding any of its sessions.
import type {IAMClient} from '@aws-sdk/client-iam'

import {allPages} from './paginate.js'
import {iamSdk} from './sdk.js'

export type Decision = 'allowed' | 'explicitDeny' | 'implicitDeny'
export type ContextValues = Record<string, {type: 'date' | 'string' | 'boolean'; value: string}>

/** Every evaluation result of one simulation, all pages. */
async function simulate(
  iam: IAMClient,
  principalArn: string,
  actions: string[],
  context: ContextValues,
  opts: {signal?: AbortSignal; resource?: string},
) {
  const {SimulatePrincipalPolicyCommand} = await iamSdk()
  return allPages(async (Marker) => {
    const r = await iam.send(
      new SimulatePrincipalPolicyCommand({
        PolicySourceArn: principalArn,
        ActionNames: actions,
        ResourceArns: opts.resource ? [opts.resource] : undefined,
        Marker,
        ContextEntries: Object.entries(context).map(([key, v]) => ({ContextKeyName: key, ContextKeyType: v.type, ContextKeyValues: [v.value]})),
      }),
      {abortSignal: opts.signal},
    )
    return {...r, items: r.EvaluationResults ?? []}
  })
}

/** The decision for each action, for the principal's policies under the given request context. */
export async function simulateDecisions(
  iam: IAMClient,
  principalArn: string,
  actions: string[],
  context: ContextValues,
  opts: {signal?: AbortSignal; resource?: string} = {},
): Promise<Record<string, Decision>> {
  const results = await simulate(iam, principalArn, actions, context, opts)
  return Object.fromEntries(results.map((e) => [e.EvalActionName!, e.EvalDecision as Decision]))
}

/**
 * What the organization's SCPs decide for each action (SimulatePrincipalPolicy's
 * OrganizationsDecisionDetail.AllowedByOrganizations); undefined where IAM reports none (no SCP applies:
 * the management account, a service-linked role, SCPs not enabled).
 */
export async function simulateOrganizations(
  iam: IAMClient,
  principalArn: string,
  actions: string[],
  context: ContextValues,
  opts: {signal?: AbortSignal} = {},
): Promise<Record<string, boolean | undefined>> {
  const results = await simulate(iam, principalArn, actions, context, opts)
  return Object.fromEntries(results.map((e) => [e.EvalActionName!, e.OrganizationsDecisionDetail?.AllowedByOrganizations]))
}
