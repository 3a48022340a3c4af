// bin/run.js answers `lockdown validate …` without oclif (src/cli/validate-fast.ts). Whatever it answers
// must be what the oclif command prints: the same stdout, stderr and exit code, byte for byte; whatever it
// cannot read exactly as oclif's parser would, it must hand to oclif. (test/package/install.test.ts checks
// the installed package the same way, and that the fast path loads no oclif module.)
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {format} from 'node:util'

import {afterAll, describe, expect, it} from 'vitest'

import {fastValidate, parseFastValidate} from '../../src/cli/validate-fast.js'
import {runCli, type CliResult} from '../support/cli.js'

const dir = mkdtempSync(join(tmpdir(), 'lockdown-validate-fast-'))
afterAll(() => rmSync(dir, {recursive: true, force: true}))
const notYaml = join(dir, 'not-yaml.yaml')
writeFileSync(notYaml, 'version: 1\nname: [unclosed\nsteps:\n  - id: a\n')
const notUtf8 = join(dir, 'latin1.yaml')
writeFileSync(notUtf8, Buffer.from('version: 1\nname: caf\xe9\nsteps: []\n', 'latin1'))
const noEnv = {isTTY: false}

/** The fast path in-process, captured the way runCli captures oclif (console and the streams). */
async function runFast(argv: string[]): Promise<CliResult & {handled: boolean}> {
  let stdout = ''
  let stderr = ''
  const log = console.log
  const error = console.error
  console.log = (...a: unknown[]) => void (stdout += `${format(...a)}\n`)
  console.error = (...a: unknown[]) => void (stderr += `${format(...a)}\n`)
  const before = process.exitCode
  process.exitCode = undefined
  try {
    const handled = await fastValidate(argv.slice(1))
    return {handled, code: Number(process.exitCode ?? 0), stdout, stderr}
  } finally {
    console.log = log
    console.error = error
    process.exitCode = before
  }
}

describe('lockdown validate without oclif', () => {
  const cases: string[][] = [
    ['validate', 'playbooks/leaked-access-key.yaml'],
    ['validate', 'playbooks/leaked-access-key.yaml', '--json'],
    ['validate', 'test/fixtures/playbooks/broken.yaml'],
    ['validate', '--json', 'test/fixtures/playbooks/broken.yaml'],
    ['validate', 'leaked-access-key', 'no-such-playbook', '--set', 'user=ci-deploy'],
    ['validate', 'leaked-access-key', '--set', 'nokey', '--json'],
    ['validate', 'playbooks/leaked-access-key.yaml', 'test/fixtures/playbooks/kill-keys.yaml', '--set=user=ci-deploy', '--set', 'key=AKIAIOSFODNN7EXAMPLE'],
    ['validate', 'test/fixtures/playbooks/evidence.yaml', '--set', 'out=/etc/cron.d/x'],
    ['validate', 'test/fixtures/playbooks/evidence.yaml', '--reports-dir', dir, '--set', `out=${join(dir, 'r.md')}`, '--json'],
    ['validate', notYaml, notUtf8],
    ['validate', notYaml, '--json'],
  ]
  for (const argv of cases) {
    it(`prints what oclif prints: ${argv.slice(1).join(' ')}`, async () => {
      const fast = await runFast(argv)
      expect(fast.handled).toBe(true)
      const oclif = await runCli(argv)
      expect({code: fast.code, stdout: fast.stdout, stderr: fast.stderr}).toEqual({code: oclif.code, stdout: oclif.stdout, stderr: oclif.stderr})
    })
  }

  it('reads the flags as oclif does', () => {
    expect(parseFastValidate(['a.yaml', '--set', 'x=1', '--set=y=2', '--json', '--reports-dir=out'], {}, noEnv)).toEqual({
      args: ['a.yaml'],
      set: ['x=1', 'y=2'],
      reportsDir: 'out',
      json: true,
    })
    expect(parseFastValidate(['a.yaml', 'b.yaml', '--reports-dir', 'out'], {}, noEnv)).toEqual({args: ['a.yaml', 'b.yaml'], set: [], reportsDir: 'out', json: false})
  })

  it('leaves to oclif every command line it cannot read exactly as oclif would', async () => {
    const declined: string[][] = [
      [], // oclif names the missing argument
      ['--help'],
      ['a.yaml', '-h'],
      ['a.yaml', '--', 'b.yaml'],
      ['a.yaml', '--profile', 'prod'], // a base flag: oclif parses it (and its env)
      ['a.yaml', '--jsno'], // a typo: oclif's "Nonexistent flag"
      ['--set', 'user=x', 'a.yaml'], // oclif's repeatable --set swallows a.yaml as a second value
      ['a.yaml', '--set'],
      ['a.yaml', '--set', '--json'],
      ['a.yaml', '--reports-dir', 'a', '--reports-dir', 'b'],
      ['a.yaml', '--json', '--json'],
      ['-'],
    ]
    for (const argv of declined) expect(parseFastValidate(argv, {}, noEnv), argv.join(' ')).toBeUndefined()
    // oclif colours JSON on a terminal when a theme is set; DEBUG prints oclif's debug lines and the stack.
    expect(parseFastValidate(['a.yaml', '--json'], {}, {isTTY: true})).toBeUndefined()
    expect(parseFastValidate(['a.yaml', '--json'], {FORCE_COLOR: '1'}, noEnv)).toBeUndefined()
    expect(parseFastValidate(['a.yaml'], {}, {isTTY: true})).toBeDefined() // human output has no colour
    for (const env of [{DEBUG: 'lockdown*'}, {LOCKDOWN_DEBUG: '1'}, {LOCKDOWN_CONTENT_TYPE: 'json'}]) expect(parseFastValidate(['a.yaml'], env, noEnv)).toBeUndefined()
    // A declined command line prints nothing and leaves the exit code alone: oclif then runs.
    expect(await runFast(['validate', '--set', 'user=x', 'playbooks/leaked-access-key.yaml'])).toEqual({handled: false, code: 0, stdout: '', stderr: ''})
  })

  it('a declined command line still gets oclif’s answer (a positional after --set is a --set value)', async () => {
    const r = await runCli(['validate', '--set', 'user=x', 'playbooks/leaked-access-key.yaml'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('Missing 1 required arg')
    expect(r.stderr).toContain('--set allows multiple values')
  })
})
