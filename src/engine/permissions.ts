// The least-privilege IAM policy a playbook needs, from the actions it uses (plus what the engine itself
// calls). Shown by `lockdown plan` and emitted by `lockdown permissions`.
import type {AnyAction} from '../actions/types.js'

/** The engine's own calls: who am I (account guard, self guard). */
const ENGINE_PERMISSIONS = ['sts:GetCallerIdentity']

export function permissionsFor(actions: readonly AnyAction[]): string[] {
  return [...new Set([...ENGINE_PERMISSIONS, ...actions.flatMap((a) => a.permissions)])].sort()
}

export function leastPrivilegePolicy(actions: readonly AnyAction[]): object {
  return {
    Version: '2012-10-17',
    Statement: [{Sid: 'Lockdown', Effect: 'Allow', Action: permissionsFor(actions), Resource: '*'}],
  }
}
