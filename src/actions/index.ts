// The registry: every playbook action, in the order `lockdown actions` lists them.
// Adding an action = one file + one line here.
import type {AnyAction} from './types.js'

export const ACTIONS: AnyAction[] = []

export function findAction(name: string): AnyAction | undefined {
  return ACTIONS.find((a) => a.name === name)
}
