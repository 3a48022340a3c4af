// The registry: every detection, in the order they run (external-access last: it reads the IPs the
// others flagged). Adding a detection = one object + one line here; the README table comes from it.
import type {Flag} from '../../report/types.js'
import {deniedBurst, secretsRead} from './activity.js'
import {
  iamPersistence,
  instanceAccess,
  lambdaBackdoor,
  logTampering,
  modelAbuse,
  networkOpened,
  privilegeEscalation,
  resourceSharedOut,
  rolesAnywhere,
  trailTampering,
  unusualInstances,
  wideFederationToken,
} from './api-calls.js'
import {externalAccess} from './external.js'
import {failedIssuance, keyReactivated} from './keys.js'
import {deniedAfterRevocation} from './revocation.js'
import {consoleNoMfa, deepChain, ipChange, longTermKey, serviceCredentialsOutside, userAgentChange} from './sessions.js'
import type {Detection, DetectionInput} from './types.js'

export const DETECTIONS: Detection[] = [
  serviceCredentialsOutside,
  ipChange,
  userAgentChange,
  longTermKey,
  deepChain,
  consoleNoMfa,
  trailTampering,
  logTampering,
  iamPersistence,
  privilegeEscalation,
  rolesAnywhere,
  wideFederationToken,
  lambdaBackdoor,
  resourceSharedOut,
  networkOpened,
  instanceAccess,
  unusualInstances,
  modelAbuse,
  secretsRead,
  deniedBurst,
  keyReactivated,
  failedIssuance,
  deniedAfterRevocation,
  externalAccess,
]

/** Runs every detection; each flag carries the name of the detection that raised it. */
export function runDetections(input: Omit<DetectionInput, 'prior'>): Flag[] {
  const prior: Flag[] = []
  for (const d of DETECTIONS) for (const f of d.detect({...input, prior})) prior.push({...f, detection: d.name})
  return prior
}

/** The README's "### Detections" table, generated so it cannot drift from the code. */
export function detectionsTable(): string {
  const rows = DETECTIONS.map((d) => `| \`${d.name}\` | ${d.tactic} | ${d.summary} | ${d.reads} |`)
  return ['| detection | tactic | what it finds | what it reads |', '| --- | --- | --- | --- |', ...rows].join('\n')
}

export type {Detection, DetectionInput} from './types.js'
