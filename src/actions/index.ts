// The registry: every playbook action, in the order `lockdown actions` lists them.
// Adding an action = one file + one line here.
import {deactivateKeys} from './deactivate-keys.js'
import type {AnyAction} from './types.js'

export const ACTIONS: AnyAction[] = [deactivateKeys]

export function findAction(name: string): AnyAction | undefined {
  return ACTIONS.find((a) => a.name === name)
}
