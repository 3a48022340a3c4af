// Every shape an analyst holds CloudTrail in reads to the same sessions as the S3 delivery files it came
// from; what cannot be read is counted and named (report gaps and stderr), and input with nothing
// readable in it is exit 2, never a clean empty report. The records are flaws2's real ones (37 events,
// SOURCES.md), rewritten into each shape here.
import {mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {gunzipSync, gzipSync} from 'node:zlib'
import {describe, expect, it} from 'vitest'

import {runCli} from '../support/cli.js'
import {flaws2} from './helpers.js'

type Rec = Record<string, unknown>
const records: Rec[] = readdirSync(flaws2())
  .sort()
  .flatMap((f) => JSON.parse(gunzipSync(readFileSync(join(flaws2(), f))).toString()).Records)
const WINDOW = ['--since', '2018-11-28T00:00Z', '--until', '2018-11-29T00:00Z', '--include-service']
const root = mkdtempSync(join(tmpdir(), 'lockdown-inputs-'))

function withoutTime({eventTime, ...rest}: Rec): Rec {
  return {...rest, '@timestamp': eventTime, '@version': '1'}
}

/** Each shape as a writer of one file into its own directory. */
const SHAPES: Record<string, () => [string, string | Buffer]> = {
  'S3 delivery file (.json.gz)': () => ['trail.json.gz', gzipSync(JSON.stringify({Records: records}))],
  'JSON array': () => ['events.json', JSON.stringify(records)],
  'JSON lines': () => ['events.jsonl', records.map((r) => JSON.stringify(r)).join('\n')],
  'JSON lines, gzipped, CRLF, no .jsonl name': () => ['export.json.gz', gzipSync(records.map((r) => JSON.stringify(r)).join('\r\n') + '\r\n')],
  'Logstash lines: @timestamp and @version, no eventTime': () => ['logstash.json', records.map((r) => JSON.stringify(withoutTime(r))).join('\n')],
  'Elastic/OpenSearch hits: _source wrapper, no eventTime': () => ['hits.ndjson', records.map((r, i) => JSON.stringify({_index: 'cloudtrail', _id: String(i), _source: withoutTime(r)})).join('\n')],
  'aws cloudtrail lookup-events output (pretty, CloudTrailEvent strings)': () => [
    'lookup.json',
    JSON.stringify({Events: records.map((r) => ({EventId: r.eventID, EventName: r.eventName, EventTime: r.eventTime, CloudTrailEvent: JSON.stringify(r)})), NextToken: 'x'}, null, 4),
  ],
  'CloudTrail Lake get-query-results (rows of one-column objects, nested columns as JSON text)': () => [
    'lake.json',
    JSON.stringify({
      QueryStatus: 'FINISHED',
      QueryResultRows: records.map((r) => Object.entries(r).map(([k, v]) => ({[k]: typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v)}))),
    }),
  ],
  'EventBridge events (detail)': () => ['eventbridge.jsonl', records.map((r) => JSON.stringify({version: '0', 'detail-type': 'AWS API Call via CloudTrail', time: r.eventTime, detail: r})).join('\n')],
  'pretty-printed records one after another (jq without -c)': () => ['jq.json', records.map((r) => JSON.stringify(r, null, 2)).join('\n')],
}

async function report(path: string) {
  const r = await runCli(['trail', 'report', '--path', path, ...WINDOW, '--format', 'json', '--workers', '1'])
  return {...r, report: r.code === 0 ? JSON.parse(r.stdout) : undefined}
}

/** What must not differ between shapes: everything but where the events came from and the input notes. */
const graph = (r: {sessions: unknown; flags: unknown; timeline: unknown; principals: unknown; summary: unknown}) => ({sessions: r.sessions, flags: r.flags, timeline: r.timeline, principals: r.principals, summary: r.summary})

describe('inputs: every shape an analyst has', () => {
  const dirs = Object.fromEntries(
    Object.entries(SHAPES).map(([name, make], i) => {
      const dir = join(root, `shape-${i}`)
      mkdirSync(dir)
      const [file, body] = make()
      writeFileSync(join(dir, file), body)
      return [name, dir]
    }),
  )

  it('the delivery files themselves: all 37 events, the level1 key used from the attacker IP', async () => {
    const {code, report: r} = await report(dirs['S3 delivery file (.json.gz)'])
    expect(code).toBe(0)
    expect(r.summary.events).toBe(37)
    const level1 = r.sessions.find((s: {accessKeyIds: string[]}) => s.accessKeyIds.includes('ASIAZQNB3KHGIGYQXVVG'))
    expect(Object.keys(level1.activity.ips)).toEqual(['34.234.236.212', '104.102.221.250'])
  })

  for (const name of Object.keys(SHAPES).slice(1)) {
    it(`${name}: the same sessions, flags and timeline as the delivery files`, async () => {
      const base = (await report(dirs['S3 delivery file (.json.gz)'])).report
      const {code, stderr, report: r} = await report(dirs[name])
      expect(code, stderr).toBe(0)
      expect(graph(r)).toEqual(graph(base))
      if (name.includes('no eventTime')) {
        // The wrapper's time stood in for eventTime: the report and stderr say so, with the count.
        const note = r.gaps.find((g: string) => g.includes('@timestamp'))
        expect(note).toMatch(/^1 of 1 files: 37 records without eventTime read with their @timestamp/)
        expect(stderr).toContain(note)
      } else expect(r.source.problems).toBeUndefined()
    })
  }
})

describe('inputs: what cannot be read is counted and named', () => {
  it('103 records without eventTime in 1 of 4 files: named in the gaps and on stderr; the other files still count', async () => {
    const dir = join(root, 'mixed')
    mkdirSync(dir)
    const third = Math.floor(records.length / 3)
    writeFileSync(join(dir, 'a.json'), JSON.stringify({Records: records.slice(0, third)}))
    writeFileSync(join(dir, 'b.json'), JSON.stringify({Records: records.slice(third, 2 * third)}))
    writeFileSync(join(dir, 'c.json'), JSON.stringify({Records: records.slice(2 * third)}))
    // A Logstash export that dropped eventTime and kept no @timestamp either.
    const timeless = Array.from({length: 103}, (_, i) => {
      const {eventTime: _t, ...rest} = records[i % records.length]
      return JSON.stringify({...rest, eventID: `t${i}`, '@version': '1'})
    })
    writeFileSync(join(dir, 'd.jsonl'), timeless.join('\n'))
    const {code, stderr, report: r} = await report(dir)
    expect(code, stderr).toBe(0)
    expect(r.summary.events).toBe(37)
    const line = `1 of 4 files: 103 records without eventTime; first at line 1 of ${join(dir, 'd.jsonl')}`
    expect(r.gaps).toContain(line)
    expect(stderr).toContain(line)
  })

  it('input that yields no readable event is exit 2 with that message, not an empty report', async () => {
    const dir = join(root, 'nothing')
    mkdirSync(dir)
    writeFileSync(join(dir, 'x.jsonl'), records.map(({eventTime: _t, ...r}) => JSON.stringify(r)).join('\n'))
    writeFileSync(join(dir, 'y.json'), 'this is not json\nnor this\n')
    const r = await runCli(['trail', 'report', '--path', dir, ...WINDOW])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain(`1 of 2 files: 37 records without eventTime; first at line 1 of ${join(dir, 'x.jsonl')}`)
    expect(r.stderr).toContain(`1 of 2 files: 2 records not JSON; first at line 1 of ${join(dir, 'y.json')}`)
    expect(r.stderr).toMatch(/Next: /)
  })

  it('empty files are not an error: nothing was there to read', async () => {
    const dir = join(root, 'empty')
    mkdirSync(dir)
    writeFileSync(join(dir, 'x.json'), '  \n')
    const {code, report: r} = await report(dir)
    expect(code).toBe(0)
    expect(r.summary.events).toBe(0)
  })
})
