// The least-privilege IAM policy a playbook needs, from the actions it uses (plus what the engine itself
// calls). Shown by `lockdown plan` and emitted by `lockdown permissions`.
import type {AnyAction} from '../actions/types.js'

/**
 * The engine's own calls: the permission preflight simulates the caller's policies. (sts:GetCallerIdentity,
 * for the account and self guards, needs no permission: AWS never denies it.)
 */
const ENGINE_PERMISSIONS = ['iam:SimulatePrincipalPolicy']

export function permissionsFor(actions: readonly AnyAction[]): string[] {
  return [...new Set([...ENGINE_PERMISSIONS, ...actions.flatMap((a) => a.permissions)])].sort()
}

export function leastPrivilegePolicy(actions: readonly AnyAction[]): object {
  return {
    Version: '2012-10-17',
    Statement: [{Sid: 'Lockdown', Effect: 'Allow', Action: permissionsFor(actions), Resource: '*'}],
  }
}
