// The append-only run journal (.lockdown/runs/<run-id>/journal.jsonl). An `intent` line is on disk
// (fsync) before each AWS write and an `applied`/`failed` line after, so undo and --resume work after a
// kill -9 at any point. Each line carries the sha256 of the previous line: a tampered or truncated
// journal is detected on read. Secrets never enter: writing a line with a secret-looking field throws.
import type {VarValue} from '../playbook/vars.js'
import {createHash} from 'node:crypto'
import {closeSync, copyFileSync, fsync, fsyncSync, mkdirSync, openSync, readFileSync, truncateSync, writeSync, existsSync} from 'node:fs'
import {join} from 'node:path'

import type {AccessHow, AccessPath} from '../aws/access.js'
import {InvalidInputError, UndoError} from '../errors.js'

export type JournalEntry =
  | {
      type: 'run'
      runId: string
      version: string
      /** The journal's own format: 2 since organization scope (absent = 1, one account, the caller's). */
      format?: 2
      playbook: {file: string; name: string; sha256: string}
      incident?: string
      caller: {account: string; arn: string}
      /** How other accounts are entered; --resume and undo re-enter each account the same way. */
      access?: AccessPath
      startedAt: string
      set: Record<string, VarValue>
    }
  | {type: 'plan'; steps: JournalStepPlan[]; accounts?: JournalAccount[]}
  /** --resume entered an account the plan could not reach, and planned it: its changes join the steps (indices continue). */
  | {type: 'account-plan'; account: string; access: AccessHow; steps: {id: string; changes: JournalStepPlan['changes']; skipped: JournalStepPlan['skipped']; notes: string[]}[]}
  | {type: 'intent'; step: string; index: number; account?: string; target: string; before: unknown}
  | {type: 'applied'; step: string; index: number; account?: string; at: string; result?: unknown; found?: true}
  /** A sub-intent: one AWS write inside an apply (or an undo), on disk before the write is sent. */
  | {type: 'write'; step: string; index: number; op: string; undo?: true}
  | {type: 'failed'; step: string; index: number; account?: string; at: string; error: string}
  | {type: 'verified'; step: string; account?: string; at: string; checks: {target: string; name: string; ok: boolean; detail: string}[]}
  | {type: 'end'; status: RunStatus; at: string}
  | {type: 'resume'; at: string}
  | {type: 'undo-intent'; step: string; index: number}
  | {type: 'undone'; step: string; index: number; at: string; note?: string}
  | {type: 'undo-drift'; step: string; index: number; at: string; now: unknown}
  | {type: 'undo-failed'; step: string; index: number; at: string; error: string}
  | {type: 'undo-end'; status: 'undone' | 'undo-failed'; at: string}

export interface JournalStepPlan {
  id: string
  action: string
  /** Journals before independent steps: false meant stop after this step's failure. */
  continueOnError: boolean
  /** Steps that must have succeeded for this one to run (absent in older journals). */
  dependsOn?: string[]
  stopOnError?: boolean
  changes: {target: string; principal: string; summary: string; before: unknown; after: unknown; data: unknown; account?: string}[]
  skipped: {target: string; reason: string; account?: string}[]
  notes: string[]
}

/** An account of the run's scope as planned: entered (how), or not (why). */
export interface JournalAccount {
  id: string
  name?: string
  status: 'planned' | 'unreachable' | 'skipped'
  reason?: string
  access?: AccessHow
}

export type RunStatus = 'planned' | 'applying' | 'done' | 'partial' | 'verify-failed' | 'undone' | 'undo-failed'

export type JournalLine = JournalEntry & {seq: number; prev: string | null}

const SECRET_FIELD = /secret|sessiontoken|password|privatekey/i

export function runDir(journalDir: string, runId: string): string {
  return join(journalDir, 'runs', runId)
}

export function journalPath(journalDir: string, runId: string): string {
  return join(runDir(journalDir, runId), 'journal.jsonl')
}

export class JournalWriter {
  private fd: number
  private seq: number
  private prev: string | null

  private constructor(readonly path: string, fd: number, seq: number, prev: string | null) {
    this.fd = fd
    this.seq = seq
    this.prev = prev
  }

  static create(journalDir: string, runId: string): JournalWriter {
    mkdirSync(runDir(journalDir, runId), {recursive: true})
    const path = journalPath(journalDir, runId)
    if (existsSync(path)) throw new Error(`journal already exists: ${path}`)
    return new JournalWriter(path, openSync(path, 'a', 0o600), 0, null)
  }

  /**
   * Re-opens an existing journal to continue it (resume, undo), chaining from its last line. A torn last
   * line (kill -9 mid-write) is cut off first — a copy of the whole file is kept beside it — so the next
   * line starts on a line of its own instead of gluing itself to the partial text.
   */
  static reopen(journalDir: string, runId: string): {writer: JournalWriter; lines: JournalLine[]; tornCopy?: string} {
    const path = journalPath(journalDir, runId)
    const {lines, lastHash, tornAt} = readJournalFile(path)
    let tornCopy: string | undefined
    if (tornAt !== undefined) {
      tornCopy = `${path}.torn-${new Date().toISOString().replace(/[-:.]/g, '')}`
      copyFileSync(path, tornCopy)
      truncateSync(path, tornAt)
    }
    return {writer: new JournalWriter(path, openSync(path, 'a', 0o600), lines.length, lastHash), lines, tornCopy}
  }

  append(entry: JournalEntry): JournalLine {
    const line = this.write(entry)
    // The durability promise: the line is on disk before the caller goes on to touch AWS.
    fsyncSync(this.fd)
    return line
  }

  /**
   * The same promise for the many changes applied at once: resolves when the line is on disk. A
   * synchronous fsync per line stalled every change in flight (3 a change: a thousand-role revoke spent
   * most of its time in fsync); here the lines written while one fsync runs share the next one (group
   * commit), off the event loop. The line is written at once, so order and the hash chain are as append's.
   */
  async appendDurable(entry: JournalEntry): Promise<JournalLine> {
    const line = this.write(entry)
    await this.sync()
    return line
  }

  close(): void {
    closeSync(this.fd)
  }

  private write(entry: JournalEntry): JournalLine {
    assertNoSecrets(entry)
    const line = {seq: this.seq, prev: this.prev, ...entry} as JournalLine
    const text = JSON.stringify(line)
    writeSync(this.fd, `${text}\n`)
    this.seq++
    this.prev = sha256(text)
    return line
  }

  private syncing?: Promise<void>
  private queued?: Promise<void>

  /** An fsync that starts after this call: the one in flight may have begun before the caller's write. */
  private sync(): Promise<void> {
    if (!this.syncing) {
      this.syncing = new Promise<void>((resolve, reject) => fsync(this.fd, (e) => (e ? reject(e) : resolve()))).finally(() => {
        this.syncing = undefined
      })
      return this.syncing
    }
    this.queued ??= this.syncing.then(() => {
      this.queued = undefined
      return this.sync()
    })
    return this.queued
  }
}

export function readJournal(journalDir: string, runId: string): JournalLine[] {
  return readJournalFile(journalPath(journalDir, runId)).lines
}

function readJournalFile(path: string): {lines: JournalLine[]; lastHash: string | null; tornAt?: number} {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch {
    throw new InvalidInputError(`no journal at ${path}`, [], {next: 'lockdown runs   # lists the runs in this journal directory'})
  }
  const rows = text.split('\n')
  // A kill -9 can leave a partial last line: it never completed, so it is not part of the record.
  let tornAt: number | undefined
  if (rows.at(-1) !== '') {
    rows.pop()
    tornAt = Buffer.byteLength(text.slice(0, text.lastIndexOf('\n') + 1))
  }
  const lines: JournalLine[] = []
  let prev: string | null = null
  for (const [i, row] of rows.entries()) {
    if (row === '') continue
    let parsed: JournalLine
    try {
      parsed = JSON.parse(row) as JournalLine
    } catch {
      throw new UndoError(`${path}:${i + 1}: journal line is not JSON`, {next: 'inspect the journal by hand; do not edit it'})
    }
    if (parsed.prev !== prev) {
      throw new UndoError(`${path}:${i + 1}: journal hash chain broken (line edited or removed)`, {
        next: 'inspect the journal by hand; lockdown will not act on a journal it cannot trust',
      })
    }
    lines.push(parsed)
    prev = sha256(row)
  }
  return {lines, lastHash: prev, tornAt}
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex')
}

function assertNoSecrets(value: unknown, path = ''): void {
  if (value === null || typeof value !== 'object') return
  for (const [k, v] of Object.entries(value)) {
    if (SECRET_FIELD.test(k) && v !== undefined && v !== null && v !== '') {
      throw new Error(`refusing to journal a secret-looking field '${path}${k}'`)
    }
    assertNoSecrets(v, `${path}${k}.`)
  }
}
