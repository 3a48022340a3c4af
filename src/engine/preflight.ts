// Permission preflight: before any write, ask IAM (iam:SimulatePrincipalPolicy on the caller itself)
// whether the caller may call every action the plan will call. A responder holding SecurityAudit used
// to get a clean plan and then exit 4 half-way; now that is exit 3 before anything is touched, naming
// what is missing and the command that prints the policy to grant.
import type {Caller} from '../actions/types.js'
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

/**
 * Simulates `needed` for the caller's principal (the user, or the role behind a role session). Missing
 * ones are exit 3. When the caller may not simulate itself the run goes on and the plan says it could
 * not check, unless the plan itself needs iam:SimulatePrincipalPolicy: then that one is known missing.
 */
export async function checkCallerPermissions(
  clients: Clients,
  caller: Caller,
  needed: readonly string[],
  /** simulateRequired: an action itself calls iam:SimulatePrincipalPolicy (not only this check). */
  opts: {file: string; simulateRequired: boolean; signal?: AbortSignal},
): Promise<PermissionCheck> {
  if (/:root$/.test(caller.principalArn)) return {checked: false, detail: 'not checked: the caller is the account root user, which holds every permission'}
  if (!/:(user|role)\//.test(caller.principalArn)) return {checked: false, detail: `not checked: IAM cannot simulate ${caller.principalArn}`}
  let decisions: Record<string, string>
  try {
    decisions = await simulateDecisions(clients.iam, caller.principalArn, [...needed], {}, {signal: opts.signal})
  } catch (error) {
    const info = classifyAwsError(error)
    if (info.kind !== 'access-denied') throw error
    if (opts.simulateRequired) throw missingError([SIMULATE], caller, opts.file)
    return {checked: false, detail: `not checked: ${caller.principalArn} may not call ${SIMULATE} on itself, so lockdown could not check its permissions before writing`}
  }
  const missing = needed.filter((a) => decisions[a] !== 'allowed')
  if (missing.length) throw missingError(missing, caller, opts.file)
  return {checked: true, detail: `checked with ${SIMULATE}: ${caller.principalArn} may call all ${needed.length}`}
}

function missingError(missing: string[], caller: Caller, file: string): PreflightError {
  return new PreflightError(
    `${caller.principalArn} lacks ${missing.length} permission${missing.length === 1 ? '' : 's'} this plan needs: ${missing.join(', ')}; nothing was changed`,
    {next: `grant the policy from: lockdown permissions ${file}   (then plan again)`, detail: {missing}},
  )
}
