// Shared test helpers: read a fixture set through the files source and build the report.
import {fileURLToPath} from 'node:url'
import {dirname, join} from 'node:path'

import {collectReport, FileSource} from '../../src/forensics/index.js'
import type {ForensicReport, SessionRow} from '../../src/report/types.js'

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
export const FIXTURES = join(ROOT, 'test', 'fixtures', 'cloudtrail')
/** flaws2 has no licence, so it is not copied into the repo: CI has shared/ beside the clone. */
export const FLAWS2 = join(ROOT, '..', 'shared', 'cloudtrail', 'flaws2-cloud')

export const ALL_TIME = {start: new Date('2010-01-01T00:00:00Z'), end: new Date('2030-01-01T00:00:00Z')}

export async function reportOf(path: string, opts: {includeService?: boolean; roles?: string[]; principals?: string[]; accessKeys?: string[]} = {}): Promise<ForensicReport> {
  return collectReport(new FileSource(path), {window: ALL_TIME, ...opts})
}

export function byKey(r: ForensicReport, key: string): SessionRow {
  const s = r.sessions.find((x) => x.accessKeyIds.includes(key))
  if (!s) throw new Error(`no session with key ${key}`)
  return s
}
