// Things worth a human's eye: the detection registry (../detections) run over the linked sessions and
// the accumulated notes, each flag tied to the session or principal it is about.
import type {Flag} from '../../report/types.js'
import {runDetections} from '../detections/index.js'
import type {Actor} from '../event.js'
import type {Accumulator} from './accumulate.js'
import type {LinkedSession} from './link.js'

export type Resolver = (a: Pick<Actor, 'accessKeyId' | 'arn' | 'sessionCreated'>) => string | undefined

export function allFlags(acc: Accumulator, all: Map<string, LinkedSession>, depth: Map<string, number>, sessionOf: Resolver): Flag[] {
  return runDetections({acc, sessions: all, depth: (id) => depth.get(id) ?? 1, sessionOf})
}
