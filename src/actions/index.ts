// The registry: every playbook action, in the order `lockdown actions` lists them.
// Adding an action = one file + one line here.
import {breakGlass} from './break-glass.js'
import {breakGlassRevoke} from './break-glass-revoke.js'
import {deactivateKeys} from './deactivate-keys.js'
import {forensicsAction} from './forensics.js'
import {revokeOrg} from './revoke-org.js'
import {revokeSessions} from './revoke-sessions.js'
import {tidyRevocations} from './tidy-revocations.js'
import {tidyScps} from './tidy-scps.js'
import type {AnyAction} from './types.js'

export const ACTIONS: AnyAction[] = [revokeSessions, deactivateKeys, breakGlass, breakGlassRevoke, tidyRevocations, forensicsAction, revokeOrg, tidyScps]

export function findAction(name: string): AnyAction | undefined {
  return ACTIONS.find((a) => a.name === name)
}
