// A crafted-trail suite: inputs a hostile or careless source produces (gzip bombs, a huge delivery file,
// corrupt and truncated gzip, bad lines, odd and missing fields). Each runs `lockdown trail report` in a
// child process whose peak RSS (process.resourceUsage().maxRSS) is measured: each stays under 1 GB, and
// each problem is named (file, and line where there is one) on stderr and in the report's gaps; the run
// goes on with the readable files and is exit 2 only when nothing readable remains.
//
// Scaled down to keep the suite near a minute on a 2-core CI, with the bound still shown: the 6 GB zero
// bomb is 1 GiB (still past the memory it may use), the 3 GB space bomb is 640 MB against a 256 MB cap
// (the cap is the point), the 2 GB / 4M-record delivery file is 300,000 records (~315 MB inflated, 10×
// the size read whole). Big inputs are written as repeated gzip members (a gzip file may hold many;
// every gunzip reads them in a row), so generating them costs almost nothing.
import {spawnSync} from 'node:child_process'
import {closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, writeFileSync, writeSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {gunzipSync, gzipSync} from 'node:zlib'
import {describe, expect, it} from 'vitest'

import {FIXTURES, ROOT} from './helpers.js'

const CHILD = join(ROOT, 'test', 'forensics', 'crafted-child.ts')
const WINDOW = ['--since', '2010-01-01T00:00Z', '--until', '2030-01-01T00:00Z']
const MB = 1024 * 1024
const root = mkdtempSync(join(tmpdir(), 'lockdown-crafted-'))

interface Result {
  code: number
  stderr: string
  report?: {summary: {events: number}; gaps: string[]; source: {events: number; problems?: string[]}}
  maxRssMb: number
}

function lockdown(path: string, env: Record<string, string> = {}): Result {
  const r = spawnSync(process.execPath, ['--import', 'tsx', CHILD, 'trail', 'report', '--path', path, ...WINDOW, '--format', 'json', '--workers', '1'], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 64 * MB,
    env: {...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env},
    timeout: 120_000,
  })
  const line = r.stdout.split('\n').find((l) => l.startsWith('@@RESULT@@'))
  if (!line) throw new Error(`child failed (${r.status}): ${r.stderr}`)
  const out = JSON.parse(line.slice('@@RESULT@@'.length))
  return {code: out.code, stderr: out.stderr, maxRssMb: out.maxRssMb, report: out.code === 0 ? JSON.parse(out.stdout) : undefined}
}

/** Writes gzip members: the first, then `middle` repeated `times`, then the last. */
function members(file: string, first: string | Buffer, middle: Buffer, times: number, last: string | Buffer): void {
  const fd = openSync(file, 'w')
  writeSync(fd, gzipSync(first))
  const m = gzipSync(middle, {level: 9})
  for (let i = 0; i < times; i++) writeSync(fd, m)
  writeSync(fd, gzipSync(last))
  closeSync(fd)
}

/** Real grycap records (Apache-2.0 fixtures), as JSON text. */
const REAL: string[] = readdirSync(join(FIXTURES, 'grycap'))
  .sort()
  .flatMap((f) => JSON.parse(gunzipSync(readFileSync(join(FIXTURES, 'grycap', f))).toString()).Records)
  .map((r: object) => JSON.stringify(r))

/** A small readable file beside each hostile one: the report must go on with it. */
function withGoodFile(dir: string): void {
  writeFileSync(join(dir, 'good.json'), `{"Records":[${REAL.slice(0, 100).join(',')}]}`)
}

const bounded = (r: Result) => expect(r.maxRssMb, `peak RSS ${r.maxRssMb.toFixed(0)} MB`).toBeLessThan(1024)

describe('crafted trails: bounded memory, every problem named', () => {
  it('a gzip bomb of zeros (1 GiB inflated from 1 MB) is read in bounded memory and named', () => {
    const dir = join(root, 'zeros')
    mkdirSync(dir)
    withGoodFile(dir)
    const bomb = join(dir, 'bomb.json.gz')
    members(bomb, '', Buffer.alloc(8 * MB), 128, '')
    const r = lockdown(dir)
    bounded(r)
    expect(r.code, r.stderr).toBe(0)
    expect(r.report!.summary.events).toBe(100)
    const line = `1 of 2 files: 1 record too large; first at line 1 of ${bomb}`
    expect(r.report!.gaps).toContain(line)
    expect(r.stderr).toContain(line)
  })

  it('{"Records":[ and 640 MB of spaces stops at the per-file inflated-size cap, named, the other file read', () => {
    const dir = join(root, 'spaces')
    mkdirSync(dir)
    withGoodFile(dir)
    const bomb = join(dir, 'bomb.json.gz')
    members(bomb, '{"Records":[', Buffer.alloc(8 * MB, ' '), 80, ']}')
    const r = lockdown(dir, {LOCKDOWN_TRAIL_MAX_FILE_BYTES: String(256 * MB)})
    bounded(r)
    expect(r.code, r.stderr).toBe(0)
    expect(r.report!.summary.events).toBe(100)
    const named = r.report!.gaps.find((g) => g.startsWith(`${bomb}: inflates past the 256 MB per-file cap`))
    expect(named).toBeDefined()
    expect(r.stderr).toContain(named)
  })

  it('a 300,000-record delivery file (~315 MB inflated) streams through in bounded memory: every record read', () => {
    const dir = join(root, 'huge')
    mkdirSync(dir)
    // Records without eventID (their ids are made from name and time, never taken for repeats), so the
    // same 1,000 records repeated are 300,000 events.
    const batch = REAL.slice(0, 1000).map((r) => r.replace(/"eventID":"[^"]*",?/, ''))
    const huge = join(dir, 'huge.json.gz')
    members(huge, `{"Records":[${batch.join(',')}`, Buffer.from(`,${batch.join(',')}`), 298, `,${batch.join(',')}]}`)
    const r = lockdown(dir)
    bounded(r)
    expect(r.code, r.stderr).toBe(0)
    expect(r.report!.source.events).toBe(300_000)
    expect(r.report!.source.problems).toBeUndefined()
  })

  it('corrupt and truncated gzip, bad JSON lines, odd and missing fields: each named, the rest read', () => {
    const dir = join(root, 'broken')
    mkdirSync(dir)
    withGoodFile(dir)
    // A real delivery file with its deflate stream damaged in the middle.
    const real = readFileSync(join(FIXTURES, 'grycap', readdirSync(join(FIXTURES, 'grycap')).sort()[0]))
    const corrupt = Buffer.from(real)
    for (let i = 40; i < 60; i++) corrupt[Math.floor(corrupt.length / 2) + i] ^= 0xff
    writeFileSync(join(dir, 'corrupt.json.gz'), corrupt)
    // Cut mid-file, as an interrupted download leaves it: the records before the cut are still read.
    const whole = gzipSync(`{"Records":[${REAL.slice(100, 400).join(',')}]}`)
    writeFileSync(join(dir, 'truncated.json.gz'), whole.subarray(0, Math.floor(whole.length / 2)))
    // JSON lines with a bad third line.
    writeFileSync(join(dir, 'lines.jsonl'), [REAL[500], REAL[501], '{"eventName": "Oops", ', REAL[502]].join('\n'))
    // Odd and missing fields, one record a line (line numbers below).
    const odd = [
      JSON.stringify({eventName: 'ListUsers', eventTime: null, userIdentity: {type: 'IAMUser'}}),
      JSON.stringify({eventName: 'ListUsers', eventTime: 'yesterday', userIdentity: {type: 'IAMUser'}}),
      JSON.stringify({eventTime: '2017-06-01T00:00:00Z', userIdentity: {type: 'IAMUser'}}),
      '42',
      JSON.stringify({eventName: 'ListUsers', eventTime: '2017-06-01T00:00:00Z', eventID: 'no-identity'}),
      `${'['.repeat(100_000)}${']'.repeat(100_000)}`,
      JSON.stringify({eventName: 'ListUsers', eventTime: '2017-06-01T00:00:00Z', eventID: 'huge', userAgent: 'x'.repeat(20 * MB)}),
    ]
    writeFileSync(join(dir, 'odd.jsonl'), odd.join('\n'))
    const r = lockdown(dir)
    bounded(r)
    expect(r.code, r.stderr).toBe(0)
    const gaps = r.report!.gaps
    const at = (file: string) => join(dir, file)
    expect(gaps.find((g) => g.startsWith(`${at('corrupt.json.gz')}: not a readable gzip file`))).toBeDefined()
    const truncated = gaps.find((g) => g.startsWith(`${at('truncated.json.gz')}: not a readable gzip file`))
    expect(truncated).toMatch(/truncated or corrupt \(\d+ records before that point were read\)$/)
    for (const g of gaps.filter((x) => x.startsWith('/'))) expect(r.stderr).toContain(g)
    expect(gaps).toContain(`1 of 5 files: 1 record not JSON; first at line 3 of ${at('lines.jsonl')}`)
    expect(gaps).toContain(`1 of 5 files: 1 record without eventTime; first at line 1 of ${at('odd.jsonl')}`)
    expect(gaps).toContain(`1 of 5 files: 1 record with an eventTime that is not a time; first at line 2 of ${at('odd.jsonl')}`)
    expect(gaps).toContain(`1 of 5 files: 1 record without eventName; first at line 3 of ${at('odd.jsonl')}`)
    expect(gaps).toContain(`1 of 5 files: 2 records not a CloudTrail record; first at line 4 of ${at('odd.jsonl')}`)
    expect(gaps).toContain(`1 of 5 files: 1 record without userIdentity, counted as an unknown actor; first at line 5 of ${at('odd.jsonl')}`)
    expect(gaps).toContain(`1 of 5 files: 1 record too large; first at line 7 of ${at('odd.jsonl')}`)
    // good.json's 100, lines.jsonl's 3, odd.jsonl's one without identity, and what came before the cut.
    const before = Number(/\((\d+) records before/.exec(truncated!)![1])
    expect(before).toBeGreaterThan(0)
    expect(r.report!.source.events).toBe(100 + 3 + 1 + before)
  })

  it('nothing readable left: exit 2, each file named, no report', () => {
    const dir = join(root, 'nothing')
    mkdirSync(dir)
    writeFileSync(join(dir, 'a.json.gz'), Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3]))
    writeFileSync(join(dir, 'b.json'), '{"Records": [1, 2, 3]}')
    const r = lockdown(dir)
    bounded(r)
    expect(r.code).toBe(2)
    expect(r.stderr).toContain(`${join(dir, 'a.json.gz')}: not a readable gzip file`)
    expect(r.stderr).toContain(`1 of 2 files: 3 records not a CloudTrail record; first at line 1 of ${join(dir, 'b.json')}`)
    expect(r.stderr).toContain('Next: ')
  })
})
