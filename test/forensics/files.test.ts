// The files source reads every shape CloudTrail data comes in, from a directory, a glob or one file.
import {mkdtempSync, writeFileSync, mkdirSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {gzipSync} from 'node:zlib'
import {describe, expect, it} from 'vitest'

import {FileSource} from '../../src/forensics/index.js'
import {InvalidInputError} from '../../src/errors.js'
import {describeInput} from '../../src/forensics/sources/input-report.js'
import {ALL_TIME, FIXTURES} from './helpers.js'

const rec = (id: string, t = '2024-01-01T00:00:00Z') => ({eventID: id, eventTime: t, eventName: 'ListBuckets', sourceIPAddress: '192.0.2.1', userIdentity: {type: 'IAMUser', arn: 'arn:aws:iam::1:user/a'}})

async function ids(path: string, q = {start: ALL_TIME.start.getTime(), end: ALL_TIME.end.getTime()}): Promise<string[]> {
  const out: string[] = []
  for await (const e of new FileSource(path).events(q)) out.push(e.id)
  return out
}

describe('files source', () => {
  const dir = mkdtempSync(join(tmpdir(), 'trail-'))
  mkdirSync(join(dir, 'AWSLogs', 'us-east-1'), {recursive: true})
  writeFileSync(join(dir, 'AWSLogs', 'us-east-1', 'a.json.gz'), gzipSync(JSON.stringify({Records: [rec('r1'), rec('r2')]})))
  writeFileSync(join(dir, 'b.json'), JSON.stringify([rec('arr1')]))
  writeFileSync(join(dir, 'c.jsonl'), `${JSON.stringify(rec('l1'))}\n\n${JSON.stringify(rec('l2', '2024-06-01T00:00:00Z'))}\n`)
  // Lines without a .jsonl name, and a LookupEvents response saved by the CLI.
  writeFileSync(join(dir, 'd.json'), `${JSON.stringify(rec('m1'))}\n${JSON.stringify(rec('m2'))}\n`)
  writeFileSync(join(dir, 'e.json'), JSON.stringify({Events: [{CloudTrailEvent: JSON.stringify(rec('lk1'))}]}))
  writeFileSync(join(dir, 'notes.txt'), 'not a trail file')

  it('reads Records envelopes (gzip), arrays, JSON lines and LookupEvents output from a directory tree', async () => {
    expect((await ids(dir)).sort()).toEqual(['arr1', 'l1', 'l2', 'lk1', 'm1', 'm2', 'r1', 'r2'])
  })

  it('expands globs, including **', async () => {
    expect((await ids(join(dir, '**', '*.json.gz'))).sort()).toEqual(['r1', 'r2'])
    expect((await ids(join(dir, '?.jsonl')))).toEqual(['l1', 'l2'])
  })

  it('applies the time window while streaming', async () => {
    expect(await ids(join(dir, 'c.jsonl'), {start: Date.parse('2024-03-01T00:00:00Z'), end: ALL_TIME.end.getTime()})).toEqual(['l2'])
  })

  it('names the file and line of a record that is not JSON, and reads the rest', async () => {
    const bad = join(dir, 'bad')
    mkdirSync(bad)
    writeFileSync(join(bad, 'x.json'), `${JSON.stringify(rec('ok'))}\n{oops\n`)
    const src = new FileSource(bad)
    const got: string[] = []
    for await (const e of src.events({start: ALL_TIME.start.getTime(), end: ALL_TIME.end.getTime()})) got.push(e.id)
    expect(got).toEqual(['ok'])
    expect(describeInput(src.inputReport())).toEqual([`1 of 1 files: 1 record not JSON; first at line 2 of ${join(bad, 'x.json')}`])
    await expect(ids(join(dir, 'missing'))).rejects.toBeInstanceOf(InvalidInputError)
  })

  it('counts files and events it read', async () => {
    const src = new FileSource(join(FIXTURES, 'grycap'))
    let n = 0
    for await (const _ of src.events({start: 0, end: Date.parse('2030-01-01')})) n++
    expect(src.stats()).toMatchObject({files: 8, events: n, calls: 0})
    expect(n).toBeGreaterThan(1000)
  })
})
