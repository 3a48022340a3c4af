// YAML shaped to exhaust the parser (alias bombs, recursive or dangling aliases, 2,000-deep nesting, huge
// or non-UTF-8 files) is refused like any other bad playbook: exit 2, file:line:column, no stack trace.
import {mkdtempSync, truncateSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {runCli} from '../support/cli.js'

const dir = mkdtempSync(join(tmpdir(), 'lockdown-hostile-'))
const STEPS = 'steps: [{id: a, action: deactivate-keys, with: {users: [x]}}]\n'

function file(name: string, content: string | Buffer): string {
  const path = join(dir, name)
  writeFileSync(path, content)
  return path
}

async function refused(path: string) {
  const r = await runCli(['validate', path, '--json'])
  expect(r.stdout + r.stderr).not.toMatch(/RangeError|ReferenceError|\n\s+at /)
  expect(r.code).toBe(2)
  const issue = r.json.error.detail.issues[0]
  return {issue, where: `${issue.file}:${issue.line}:${issue.column}`}
}

const laughs = ['a: &a ["x","x","x","x","x","x","x","x","x"]', ...'bcdefgh'.split('').map((k, i) => `${k}: &${k} [${Array(9).fill(`*${'abcdefgh'[i]}`).join(',')}]`)].join('\n')

describe('hostile YAML', () => {
  it('refuses an alias bomb at the first alias', async () => {
    const {issue, where} = await refused(file('bomb.yaml', `version: 1\nname: t\n${laughs}\n${STEPS}`))
    expect(where).toBe(`${dir}/bomb.yaml:4:8`)
    expect(issue.message).toContain('alias bomb')
  })

  it('refuses an alias with no anchor, naming it', async () => {
    const {issue, where} = await refused(file('dangling.yaml', `version: 1\nname: *nope\n${STEPS}`))
    expect(where).toBe(`${dir}/dangling.yaml:2:7`)
    expect(issue.message).toBe('alias *nope has no anchor &nope before it')
  })

  it('refuses recursive aliases in sequences and mappings', async () => {
    const seq = await refused(file('rec-seq.yaml', `version: 1\nname: t\nx: &a [*a]\n${STEPS}`))
    expect(seq.where).toBe(`${dir}/rec-seq.yaml:3:8`)
    const map = await refused(file('rec-map.yaml', `version: 1\nname: t\nx: &a\n  y: *a\n${STEPS}`))
    expect(map.where).toBe(`${dir}/rec-map.yaml:4:6`)
    expect(map.issue.message).toContain('recursive alias')
  })

  it('refuses 2,000-deep flow, block and compact nesting where it passes the limit', async () => {
    const flow = await refused(file('deep-flow.yaml', `version: 1\nname: t\nx: ${'['.repeat(2000)}${']'.repeat(2000)}\n${STEPS}`))
    expect(flow.where).toBe(`${dir}/deep-flow.yaml:3:67`)
    expect(flow.issue.message).toContain('nested more than 64 levels')
    const compact = await refused(file('deep-compact.yaml', `version: 1\nname: t\nx:\n${'- '.repeat(2000)}x\n${STEPS}`))
    expect(compact.where).toMatch(/deep-compact\.yaml:4:\d+$/)
    const block = Array.from({length: 1000}, (_, i) => `${' '.repeat(i + 1)}k${i}:`).join('\n')
    const b = await refused(file('deep-block.yaml', `version: 1\nname: t\nx:\n${block} 1\n${STEPS}`))
    expect(b.where).toBe(`${dir}/deep-block.yaml:67:65`)
  })

  it('keeps anchors and aliases that are plain reuse', async () => {
    const ok = file('reuse.yaml', 'version: 1\nname: t\nsteps:\n  - id: a\n    action: deactivate-keys\n    with: {users: &who [ci-deploy], olderThan: 90d}\n  - id: b\n    action: revoke-sessions\n    with: {users: *who}\n')
    const r = await runCli(['validate', ok, '--json'])
    expect(r.code).toBe(0)
  })

  it('refuses a file over 1 MiB before reading it (a 50 MB playbook)', async () => {
    const big = join(dir, 'big.yaml')
    writeFileSync(big, `version: 1\nname: t\nsteps:\n`)
    truncateSync(big, 50 * 1024 * 1024)
    const {issue, where} = await refused(big)
    expect(where).toBe(`${big}:1:1`)
    expect(issue.message).toContain('over the 1048576-byte (1 MiB) limit')
  })

  it('refuses bytes that are not UTF-8 at their position', async () => {
    const {issue, where} = await refused(file('latin1.yaml', Buffer.concat([Buffer.from('version: 1\nname: caf'), Buffer.from([0xe9]), Buffer.from(`\n${STEPS}`)])))
    expect(where).toBe(`${dir}/latin1.yaml:2:10`)
    expect(issue.message).toContain('byte 0xe9 is not UTF-8')
  })
})
