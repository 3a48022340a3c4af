// The trail commands end to end: the real CLI entry point, files source, --json and exit codes.
import {spawnSync} from 'node:child_process'
import {existsSync, mkdtempSync, readFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {flaws2, ROOT} from './helpers.js'

function lockdown(...args: string[]) {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'dev.js'), ...args], {cwd: ROOT, encoding: 'utf8', timeout: 60_000})
  return {code: r.status, stdout: r.stdout, stderr: r.stderr}
}

const WINDOW = ['--since', '2018-11-28T00:00Z', '--until', '2018-11-29T00:00Z']

describe('lockdown trail', () => {
  it('chains prints the tree: ECS → level3 and Lambda → level1, both stolen and flagged; the unused one collapsed', () => {
    const r = lockdown('trail', 'chains', '--path', flaws2(), ...WINDOW)
    expect(r.code).toBe(0)
    const lines = r.stdout.split('\n')
    expect(lines[0]).toBe('ecs-tasks.amazonaws.com')
    expect(lines[1]).toContain('[AssumeRole] level3/d190d14a-2404-45d6-9113-4eda22d7f2c7 (ASIAZQNB3KHGNXWXBSJS)')
    expect(lines[1]).toContain('⚠ service-credentials-outside')
    const level1 = lines.find((l) => l.includes('level1/level1 (ASIAZQNB3KHGIGYQXVVG) 2018-11-28 23:03Z'))!
    expect(level1).toContain('⚠ service-credentials-outside')
    expect(r.stdout).toContain('1 AWS-service sessions hidden')
  })

  it('chains --json returns the report object; --include-service shows all three ECS/Lambda sessions', () => {
    const r = lockdown('trail', 'chains', '--path', flaws2(), ...WINDOW, '--include-service', '--json')
    expect(r.code).toBe(0)
    const out = JSON.parse(r.stdout)
    expect(out.sessions.map((s: {accessKeyIds: string[]}) => s.accessKeyIds[0]).sort()).toEqual(['ASIAZQNB3KHGIGYQXVVG', 'ASIAZQNB3KHGMG7YRUEW', 'ASIAZQNB3KHGNXWXBSJS'])
  })

  it('report writes the format the file name asks for', () => {
    const dir = mkdtempSync(join(tmpdir(), 'trail-report-'))
    const out = join(dir, 'nested', 'flaws2.html')
    const r = lockdown('trail', 'report', '--path', flaws2(), ...WINDOW, '--out', out, '--title', 'flaws2 level1')
    expect(r.code).toBe(0)
    expect(existsSync(out)).toBe(true)
    const html = readFileSync(out, 'utf8')
    expect(html).toMatch(/^<!doctype html>/)
    expect(html).toContain('<title>flaws2 level1</title>')
    expect(html).toContain('ASIAZQNB3KHGIGYQXVVG')
  })

  it('bad input exits 2 and says what was expected', () => {
    const r = lockdown('trail', 'chains', '--path', flaws2(), '--since', 'last tuesday')
    expect(r.code).toBe(2)
    expect(r.stderr).toContain("--since 'last tuesday' is neither a duration")
    const f = lockdown('trail', 'chains', '--source', 'files')
    expect(f.code).toBe(2)
    expect(f.stderr).toContain('Next: lockdown trail chains --source files --path ./AWSLogs')
  })
  it('a report on files with no --since covers every record in them, and the header names the span it found', () => {
    // The done-when: the default report (no extra flags) on real data shows the attack. A 48h window
    // back from today would silently hold nothing of files written in 2018.
    const r = lockdown('trail', 'report', '--path', flaws2(), '--format', 'md')
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('service-credentials-outside')
    expect(r.stdout).toContain('ASIAZQNB3KHGNXWXBSJS')
    // flaws2's first and last records (read from the files): 2018-11-28 22:31Z … 23:09Z.
    expect(r.stdout).toMatch(/window 2018-11-28 22:31:59Z → 2018-11-28 23:\d\d:\d\dZ/)
    // Lookup keeps its 48h default: nothing to do with files.
    const lookupHelp = lockdown('trail', 'report', '--help')
    expect(lookupHelp.stdout).toMatch(/every record in the files/)
  })
})
