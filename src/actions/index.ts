// The registry: every playbook action, in the order `lockdown actions` lists them.
// Adding an action = one file + one line here.
import {forensicsAction} from './forensics.js'
import type {AnyAction} from './types.js'

export const ACTIONS: AnyAction[] = [forensicsAction]

export function findAction(name: string): AnyAction | undefined {
  return ACTIONS.find((a) => a.name === name)
}
