// Shared test helpers: read a fixture set through the files source and build the report.
import {fileURLToPath} from 'node:url'
import {execFileSync} from 'node:child_process'
import {existsSync} from 'node:fs'
import {dirname, isAbsolute, join} from 'node:path'

import {collectReport, FileSource} from '../../src/forensics/index.js'
import type {ForensicReport, SessionRow} from '../../src/report/types.js'

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
export const FIXTURES = join(ROOT, 'test', 'fixtures', 'cloudtrail')
/**
 * A data set of ../shared/cloudtrail (see its SOURCES.md), found beside this clone (as CI lays it out),
 * beside the checkout this one was cloned from (a newcomer's clone in a temp folder), or at `envDir`.
 * flaws2 has no licence, so it is never copied into the repo; the others are large.
 */
export function sharedCloudTrail(name: string, envDir?: string): string {
  const tail = join('shared', 'cloudtrail', name)
  const candidates = [envDir, join(ROOT, '..', tail)]
  try {
    const origin = execFileSync('git', ['remote', 'get-url', 'origin'], {cwd: ROOT, encoding: 'utf8'}).trim()
    if (isAbsolute(origin)) candidates.push(join(origin, '..', tail))
  } catch {
    // Not a git checkout, or no origin: only the other places count.
  }
  const found = candidates.find((c): c is string => Boolean(c) && existsSync(c!))
  if (!found) {
    throw new Error(`the ${name} CloudTrail logs are not at ${candidates.filter(Boolean).join(' or ')} (see shared/cloudtrail/SOURCES.md)`)
  }
  return found
}

/** The flaws2.cloud logs, or $LOCKDOWN_FLAWS2_DIR. */
export const flaws2 = (): string => sharedCloudTrail('flaws2-cloud', process.env.LOCKDOWN_FLAWS2_DIR)

export const ALL_TIME = {start: new Date('2010-01-01T00:00:00Z'), end: new Date('2030-01-01T00:00:00Z')}

export async function reportOf(path: string, opts: {includeService?: boolean; roles?: string[]; principals?: string[]; accessKeys?: string[]} = {}): Promise<ForensicReport> {
  return collectReport(new FileSource(path), {window: ALL_TIME, ...opts})
}

export function byKey(r: ForensicReport, key: string): SessionRow {
  const s = r.sessions.find((x) => x.accessKeyIds.includes(key))
  if (!s) throw new Error(`no session with key ${key}`)
  return s
}
