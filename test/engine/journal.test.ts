import {appendFileSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {JournalWriter, journalPath, readJournal} from '../../src/engine/journal.js'
import {foldJournal, touchedChanges} from '../../src/engine/run-state.js'

const RUN = {type: 'run' as const, runId: 'r', version: '0', playbook: {file: 'f', name: 'n', sha256: 'x'}, caller: {account: '1', arn: 'a'}, startedAt: '2026-01-01T00:00:00Z', set: {}}
const change = (t: string) => ({target: t, principal: t, summary: t, before: {status: 'Active'}, after: {status: 'Inactive'}, data: {}})
const PLAN = {type: 'plan' as const, steps: [{id: 's', action: 'deactivate-keys', continueOnError: false, changes: [change('a'), change('b'), change('c')], skipped: [], notes: []}]}

function journal() {
  const dir = mkdtempSync(join(tmpdir(), 'lockdown-j-'))
  const w = JournalWriter.create(dir, 'r')
  w.append(RUN)
  w.append(PLAN)
  return {dir, w}
}

describe('journal', () => {
  it('chains each line to the previous one and refuses an edited journal', () => {
    const {dir, w} = journal()
    w.append({type: 'intent', step: 's', index: 0, target: 'a', before: {status: 'Active'}})
    w.close()
    const path = journalPath(dir, 'r')
    expect(readJournal(dir, 'r')).toHaveLength(3)
    writeFileSync(path, readFileSync(path, 'utf8').replace('"Active"', '"Inactive"'))
    expect(() => readJournal(dir, 'r')).toThrow(/hash chain broken/)
  })

  it('ignores a torn last line left by kill -9 and keeps the intent without outcome as touched', () => {
    const {dir, w} = journal()
    w.append({type: 'intent', step: 's', index: 0, target: 'a', before: {}})
    w.append({type: 'applied', step: 's', index: 0, at: 'now'})
    w.append({type: 'intent', step: 's', index: 1, target: 'b', before: {}})
    w.close()
    appendFileSync(journalPath(dir, 'r'), '{"seq":5,"type":"appl')
    const state = foldJournal(readJournal(dir, 'r'))
    expect([...state.changes.values()].map((c) => c.state)).toEqual(['applied', 'intent', 'pending'])
    expect(state.status).toBe('interrupted')
    expect(touchedChanges(state).map((c) => c.index)).toEqual([0, 1])
    // The writer can continue the chain after the torn line is dropped.
    const {writer} = JournalWriter.reopen(dir, 'r')
    writer.append({type: 'resume', at: 'now'})
    writer.close()
  })

  it('refuses to write a secret-looking field', () => {
    const {w} = journal()
    expect(() => w.append({type: 'applied', step: 's', index: 0, at: 'now', result: {credentials: {SecretAccessKey: 'x'}}})).toThrow(/secret/)
    expect(() => w.append({type: 'applied', step: 's', index: 0, at: 'now', result: {sessionToken: 'x'}})).toThrow(/secret/)
    w.close()
  })
})
