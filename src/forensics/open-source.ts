// Picks the event source a command or action asked for, through the source registry. Only API-backed
// sources need clients, so reading local files never resolves AWS credentials.
import {chooseSource, type SourceEnv, type SourceValues} from './sources/registry.js'
import type {TrailSource} from './sources/types.js'

export type {SourceEnv, SourceValues} from './sources/registry.js'

/** `kind` is `--source` (undefined: implied by the values, else lookup); `values` are the flags by name. */
export function openSource(kind: string | undefined, values: SourceValues, env: SourceEnv): TrailSource {
  return chooseSource(kind, values).open(values, env)
}
