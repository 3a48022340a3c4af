// One writer per journal directory at a time: `<journal-dir>/lock` holds the pid, host and run id of
// the process writing there (run, resume, undo). A second writer is refused (exit 3) while that
// process lives; a lock left by a dead process (kill -9) is taken over, with a note saying so.
// Two machines each have their own journal directory: their runs meet only in AWS, where revocations
// merge (each run's part stays, the later cutoff wins).
import {mkdirSync, openSync, readFileSync, renameSync, unlinkSync, writeFileSync, writeSync, closeSync} from 'node:fs'
import {hostname} from 'node:os'
import {join} from 'node:path'

import {PreflightError} from '../errors.js'

export interface JournalLock {
  /** Set when a stale lock of a dead process was taken over. */
  note?: string
  release(): void
}

interface Holder {
  pid: number
  host: string
  runId: string
  at: string
}

export function lockJournalDir(journalDir: string, runId: string): JournalLock {
  mkdirSync(journalDir, {recursive: true})
  const path = join(journalDir, 'lock')
  const me: Holder = {pid: process.pid, host: hostname(), runId, at: new Date().toISOString()}
  const text = JSON.stringify(me)
  let note: string | undefined
  try {
    const fd = openSync(path, 'wx', 0o600)
    writeSync(fd, text)
    closeSync(fd)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    const held = readHolder(path)
    if (held && (held.host !== me.host || alive(held.pid))) {
      throw new PreflightError(`journal directory ${journalDir} is in use by run ${held.runId} (pid ${held.pid} on ${held.host}, since ${held.at}); one writer at a time`, {
        next: `wait for it to finish (lockdown runs), or pass another --journal-dir${held.host !== me.host ? `; if no lockdown runs on ${held.host} any more, remove ${path}` : ''}`,
      })
    }
    // Written beside and renamed over: a reader never sees a half-written lock.
    const tmp = `${path}.${process.pid}`
    writeFileSync(tmp, text, {mode: 0o600})
    renameSync(tmp, path)
    note = held
      ? `took over the journal lock of run ${held.runId} (pid ${held.pid} is no longer running, since ${held.at})`
      : `took over an unreadable journal lock at ${path}`
  }
  if (readHolder(path)?.runId !== runId || readHolder(path)?.pid !== process.pid) {
    throw new PreflightError(`journal directory ${journalDir} was locked by another writer at the same moment`, {next: 'lockdown runs   # then try again'})
  }
  return {
    note,
    release() {
      const held = readHolder(path)
      if (held?.pid === me.pid && held.runId === runId) unlinkSync(path)
    },
  }
}

function readHolder(path: string): Holder | undefined {
  try {
    const h = JSON.parse(readFileSync(path, 'utf8')) as Holder
    return typeof h.pid === 'number' && typeof h.runId === 'string' ? h : undefined
  } catch {
    return undefined
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}
