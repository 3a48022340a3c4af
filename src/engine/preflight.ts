// Permission preflight: before any write, ask IAM (iam:SimulatePrincipalPolicy on the caller itself)
// whether the caller may call every action the plan will call. A responder holding SecurityAudit used
// to get a clean plan and then exit 4 half-way; now that is exit 3 before anything is touched, naming
// what is missing and the command that prints the policy to grant.
import type {Caller, Grant, GrantScope} from '../actions/types.js'
import type {Clients} from '../aws/clients.js'
import {classifyAwsError} from '../aws/errors.js'
import {simulateDecisions} from '../aws/iam-simulate.js'
import {PreflightError} from '../errors.js'

export const SIMULATE = 'iam:SimulatePrincipalPolicy'

export interface PermissionCheck {
  /** False when IAM could not be asked (the root user, or the caller may not simulate itself). */
  checked: boolean
  /** One line for the plan: what was checked, or plainly why it could not be. */
  detail: string
}

/** What a plan needs where it runs: the grants with this account's id and region in their ARNs (engine/permissions.ts). */
export type Needs = (where: GrantScope) => Grant[]

/**
 * Simulates `needed` for the caller's principal (the user, or the role behind a role session), each grant
 * on its resources (an action scoped to a bucket is asked about that bucket: IAM's simulation of `*`
 * would not match a policy naming it). Missing ones are exit 3. When the caller may not simulate itself
 * the run goes on and the plan says it could not check, unless the plan itself needs
 * iam:SimulatePrincipalPolicy: then that one is known missing.
 */
export async function checkCallerPermissions(
  clients: Clients,
  caller: Caller,
  needed: Needs,
  /** simulateRequired: an action itself calls iam:SimulatePrincipalPolicy (not only this check). */
  opts: {file: string; simulateRequired: boolean; signal?: AbortSignal},
): Promise<PermissionCheck> {
  if (/:root$/.test(caller.principalArn)) return {checked: false, detail: 'not checked: the caller is the account root user, which holds every permission'}
  if (!/:(user|role)\//.test(caller.principalArn)) return {checked: false, detail: `not checked: IAM cannot simulate ${caller.principalArn}`}
  const grants = needed({region: clients.region, account: caller.account})
  const missing: string[] = []
  let count = 0
  try {
    for (const g of grants) {
      for (const resource of g.resources) {
        const decisions = await simulateDecisions(clients.iam, caller.principalArn, g.actions, {}, {signal: opts.signal, ...(resource === '*' ? {} : {resource})})
        count += g.actions.length
        for (const a of g.actions) if (decisions[a] !== 'allowed') missing.push(resource === '*' ? a : `${a} on ${resource}`)
      }
    }
  } catch (error) {
    const info = classifyAwsError(error)
    if (info.kind !== 'access-denied') throw error
    if (opts.simulateRequired) throw missingError([SIMULATE], caller, opts.file)
    return {checked: false, detail: `not checked: ${caller.principalArn} may not call ${SIMULATE} on itself, so lockdown could not check its permissions before writing`}
  }
  if (missing.length) throw missingError(missing, caller, opts.file)
  return {checked: true, detail: `checked with ${SIMULATE}: ${caller.principalArn} may call all ${count}`}
}

function missingError(missing: string[], caller: Caller, file: string): PreflightError {
  return new PreflightError(
    `${caller.principalArn} lacks ${missing.length} permission${missing.length === 1 ? '' : 's'} this plan needs: ${missing.join(', ')}; nothing was changed`,
    {next: `grant the policy from: lockdown permissions ${file}   (then plan again)`, detail: {missing}},
  )
}
