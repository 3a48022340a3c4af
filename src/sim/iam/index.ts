// Every IAM operation the simulator answers, by Action name.
import type {OpTable} from '../ops.js'
import {authorizationDetailsOps} from './authorization-details.js'
import {inlineOps} from './inline.js'
import {managedOps} from './managed.js'
import {mfaOps} from './mfa.js'
import {roleOps} from './roles.js'
import {simulateOps} from './simulate.js'
import {userOps} from './users.js'

export const iamOps: OpTable = {...userOps, ...roleOps, ...inlineOps, ...managedOps, ...mfaOps, ...simulateOps, ...authorizationDetailsOps}
