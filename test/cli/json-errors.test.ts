// Under --json every failure is exactly one {"error": {name, exitCode, message, next, detail}} object on
// stdout, whatever failed: a flag typo, an unknown command, a missing argument, a preflight, a bug.
import {describe, expect, it} from 'vitest'

import {runCli} from '../support/cli.js'

const ENVELOPE_KEYS = ['detail', 'exitCode', 'message', 'name', 'next']

function expectOneEnvelope(r: {stdout: string; code: number}, exitCode: number) {
  const parsed = JSON.parse(r.stdout) // the whole of stdout is one JSON document
  expect(Object.keys(parsed)).toEqual(['error'])
  expect(Object.keys(parsed.error).sort()).toEqual(ENVELOPE_KEYS)
  expect(parsed.error.exitCode).toBe(exitCode)
  expect(r.code).toBe(exitCode)
  expect(typeof parsed.error.message).toBe('string')
  expect(parsed.error.next.length).toBeGreaterThan(0)
  return parsed.error
}

describe('--json failures', () => {
  it('a flag typo is one small envelope, exit 2, naming the command help', async () => {
    const r = await runCli(['validate', 'playbooks/leaked-access-key.yaml', '--json', '--bogus'])
    const e = expectOneEnvelope(r, 2)
    expect(e.message).toContain('--bogus')
    expect(e.next).toBe('lockdown validate --help')
    expect(r.stdout.length).toBeLessThan(2000) // not oclif's parser state
  })

  it('an unknown command is one envelope, exit 2', async () => {
    const r = await runCli(['frobnicate', '--json'])
    const e = expectOneEnvelope(r, 2)
    expect(e.message).toContain('frobnicate')
    expect(e.next).toBe('lockdown --help')
  })

  it('a missing argument or a bad option value is one envelope, exit 2', async () => {
    expectOneEnvelope(await runCli(['plan', '--json']), 2)
    const bad = expectOneEnvelope(await runCli(['run', 'playbooks/leaked-access-key.yaml', '--concurrency', 'lots', '--json']), 2)
    expect(bad.next).toBe('lockdown run --help')
  })

  it('a preflight failure keeps its exit code and next command', async () => {
    const e = expectOneEnvelope(await runCli(['plan', 'test/fixtures/playbooks/kill-keys.yaml', '--endpoint', 'http://127.0.0.1:9', '--json']), 3)
    expect(e.name).toBe('PreflightError')
  })

  it('an unexpected error is one envelope, exit 1, naming DEBUG=lockdown*', async () => {
    const e = expectOneEnvelope(await runCli(['schema', '--write', '/nonexistent-dir/x/schema.json', '--json']), 1)
    expect(e.message).toContain('ENOENT')
    expect(e.next).toContain('DEBUG=lockdown*')
  })
})

describe('human failures', () => {
  it('a flag typo says what is wrong and the next command, exit 2', async () => {
    const r = await runCli(['validate', 'playbooks/leaked-access-key.yaml', '--jsno'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('Error: Nonexistent flag: --jsno')
    expect(r.stderr).toContain('Next: lockdown validate --help')
  })

  it('--help lists exit code 130', async () => {
    const r = await runCli(['run', '--help'])
    expect(r.stdout).toMatch(/130\s+interrupted \(SIGINT\/SIGTERM\)/)
  })
})
