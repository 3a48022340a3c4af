// The detection interface: like an action, one object that owns its contract. A detection is a pure
// function over the linked sessions and the accumulated notes; every flag it raises names its evidence
// (CloudTrail event ids) and what a playbook would do to contain it.
import type {Flag, FlagKind} from '../../report/types.js'
import type {Actor} from '../event.js'
import type {Accumulator} from '../graph/accumulate.js'
import type {LinkedSession} from '../graph/link.js'

export type Tactic =
  | 'initial-access'
  | 'credential-access'
  | 'discovery'
  | 'execution'
  | 'persistence'
  | 'privilege-escalation'
  | 'defense-evasion'
  | 'lateral-movement'
  | 'exfiltration'
  | 'impact'
  | 'response'

export interface DetectionInput {
  acc: Accumulator
  sessions: Map<string, LinkedSession>
  depth(id: string): number
  /** The session an actor's call was made in (key + creationDate + ARN), if the data has it. */
  sessionOf(a: Pick<Actor, 'accessKeyId' | 'arn' | 'sessionCreated'>): string | undefined
  /** Flags raised by the detections listed before this one (data access reads the attacker's IPs). */
  prior: Flag[]
}

export interface Detection {
  /** Stable id, shown in the report and the README table. */
  name: string
  summary: string
  tactic: Tactic
  kind: FlagKind
  /** The event names (or kinds of calls) it reads: the README table. */
  reads: string
  detect(input: DetectionInput): Flag[]
}
