// Picks the event source a command or action asked for. Only API-backed sources need clients, so reading
// local files never resolves AWS credentials.
import type {Clients} from '../aws/clients.js'
import {InvalidInputError} from '../errors.js'
import {FileSource} from './sources/files.js'
import {LakeSource} from './sources/lake.js'
import {LookupSource} from './sources/lookup.js'
import type {TrailSource} from './sources/types.js'

export type SourceKind = 'lookup' | 'lake' | 'files'

export interface SourceChoice {
  source?: SourceKind
  path?: string
  lake?: string
  regions?: string[]
}

export function openSource(choice: SourceChoice, clients: () => Clients): TrailSource {
  const kind = choice.source ?? (choice.path ? 'files' : choice.lake ? 'lake' : 'lookup')
  if (kind === 'files') {
    if (!choice.path) throw new InvalidInputError('--source files needs --path (a directory, file or glob of CloudTrail files)', [], {next: 'lockdown trail chains --source files --path ./AWSLogs'})
    return new FileSource(choice.path)
  }
  if (kind === 'lake') {
    if (!choice.lake) throw new InvalidInputError('--source lake needs --lake <event data store id or ARN>', [], {next: 'aws cloudtrail list-event-data-stores'})
    const c = clients()
    return new LakeSource({eventDataStore: choice.lake, client: c.cloudtrail(choice.regions?.[0])})
  }
  const c = clients()
  const regions = choice.regions?.length ? choice.regions : [c.region]
  return new LookupSource({regions, client: (r) => c.cloudtrail(r)})
}
