// The source registry: every source the trail commands offer comes from it, with its flags, its
// permissions and the flags that pick it without --source.
import {describe, expect, it} from 'vitest'

import {chooseSource, SOURCES, sourceFlags, sourcePermissions} from '../../src/forensics/sources/registry.js'
import {runCli} from '../support/cli.js'

describe('forensic source registry', () => {
  it('each source is one entry with a unique kind, a summary, described flags and its IAM actions', () => {
    const kinds = SOURCES.map((s) => s.kind)
    expect(new Set(kinds).size).toBe(kinds.length)
    expect(kinds).toEqual(expect.arrayContaining(['lookup', 'lake', 'files']))
    for (const s of SOURCES) {
      expect(s.summary.length).toBeGreaterThan(10)
      for (const f of Object.values(s.flags)) expect(f.description.length).toBeGreaterThan(5)
      for (const p of s.permissions) expect(p).toMatch(/^[a-z0-9-]+:[A-Za-z]+$/)
    }
    expect(sourcePermissions('lookup')).toEqual(['cloudtrail:LookupEvents'])
    expect(sourcePermissions('files')).toEqual([])
    expect(sourcePermissions('s3')).toEqual(['s3:ListBucket', 's3:GetObject'])
  })

  it('picks the source the flags point at: --path → files, --lake → lake, nothing → lookup', () => {
    expect(chooseSource(undefined, {path: './AWSLogs'}).kind).toBe('files')
    expect(chooseSource(undefined, {lake: 'eds-1'}).kind).toBe('lake')
    expect(chooseSource(undefined, {path: 's3://trail-bucket/AWSLogs/'}).kind).toBe('s3')
    expect(chooseSource(undefined, {}).kind).toBe('lookup')
    expect(chooseSource('files', {lake: 'eds-1', path: 'x'}).kind).toBe('files')
    expect(() => chooseSource('nope', {})).toThrow(/Unknown --source nope: expected one of lookup/)
  })

  it('a source given a flag it needs not is refused with the next command to run', async () => {
    const r = await runCli(['trail', 'chains', '--source', 'lake'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('--source lake needs --lake')
    expect(r.stderr).toContain('Next: aws cloudtrail list-event-data-stores')
  })

  it('trail chains --help lists every registered source and every flag they read, once', async () => {
    const r = await runCli(['trail', 'chains', '--help'])
    expect(r.code).toBe(0)
    for (const s of SOURCES) expect(r.stdout).toContain(`${s.kind}: ${s.summary.slice(0, 30)}`)
    for (const name of Object.keys(sourceFlags())) expect(r.stdout.match(new RegExp(`^\\s+--${name}[= ]`, 'gm'))?.length).toBe(1)
  })
})
