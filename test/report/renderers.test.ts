import {describe, expect, it} from 'vitest'

import {formatOfPath, renderCsv, renderMarkdown, renderReport, renderTree} from '../../src/report/index.js'
import {fixtureReport, ONE, TWO} from './fixture-report.js'

describe('markdown', () => {
  const md = renderMarkdown(fixtureReport())

  it('has the sections a responder reads, in order', () => {
    const order = ['# INC-7 forensics', '## Summary', '## Who assumed what', '## Chains', '## Flags', '## Timeline', '## Sessions', '## What this data cannot show']
    const at = order.map((h) => md.indexOf(h))
    expect(at.every((i) => i >= 0)).toBe(true)
    expect([...at].sort((a, b) => a - b)).toEqual(at)
    expect(md).toContain('- Data events are not in LookupEvents.')
  })

  it('draws the chain as Mermaid: alice → app/ci → admin (in another account), the flagged session styled', () => {
    const block = md.slice(md.indexOf('```mermaid') + 10, md.indexOf('```', md.indexOf('```mermaid') + 10))
    expect(block).toContain('flowchart LR')
    const id = (label: string) => new RegExp(`(n\\d+)[\\[(]+"${label.replace(/[()[\]]/g, '\\$&')}`).exec(block)?.[1]
    const alice = id('user/alice')!
    // The fixture's chain crosses from 111122223333 into 444455556666: each session names its account.
    const one = id('app/ci in 111122223333 (ASIAONE)')!
    const two = id('admin/#lt;script#gt;#quot;x#quot; in 444455556666 (ASIATWO)')!
    expect(block).toContain(`${alice} -->|AssumeRole| ${one}`)
    expect(block).toContain(`${one} -->|AssumeRole across accounts| ${two}`)
    expect(block).toMatch(new RegExp(`class [^\\n]*${two}[^\\n]* flagged`))
  })

  it('escapes pipes inside table cells, so every row keeps the header column count', () => {
    expect(md).toContain('&lt;script&gt;"x"\\|evil')
    const table = md.slice(md.indexOf('## Who assumed what'), md.indexOf('## Chains')).split('\n').filter((l) => l.startsWith('|'))
    const cols = (l: string) => l.split(/(?<!\\)\|/).length
    expect(table).toHaveLength(4)
    for (const l of table) expect(cols(l)).toBe(cols(table[0]))
  })
})

describe('large reports', () => {
  it('details the flagged sessions first and points to the table for the rest', () => {
    const r = fixtureReport()
    const quiet = (i: number) => ({...ONE, id: `q${i}`, arn: `arn:aws:sts::1:assumed-role/app/q${i}`, flags: [], activity: {...ONE.activity, calls: 1}})
    r.sessions = [...Array.from({length: 400}, (_, i) => quiet(i)), TWO]
    const md = renderMarkdown(r)
    const sections = md.slice(md.indexOf('## Sessions')).match(/^### /gm)!
    expect(sections).toHaveLength(300)
    expect(md).toContain('### admin/&lt;script&gt;"x"')
    expect(md).toContain('_101 more sessions are in the table above')
    // The who-assumed-what table keeps every session: header, separator and 401 rows.
    expect(md.slice(md.indexOf('## Who assumed what'), md.indexOf('## Chains')).split('\n').filter((l) => l.startsWith('| '))).toHaveLength(403)
  })
})

describe('csv', () => {
  it('has one quoted row per session and a header', () => {
    const lines = renderCsv(fixtureReport()).trimEnd().split('\r\n')
    expect(lines).toHaveLength(3)
    expect(lines[0].split(',')).toContain('access_key_ids')
    expect(lines[2]).toContain('"arn:aws:sts::444455556666:assumed-role/admin/<script>""x"""')
    expect(lines[1]).toContain(',ASIAONE,')
  })
})

describe('json and formats', () => {
  it('round-trips the report', () => {
    expect(JSON.parse(renderReport(fixtureReport(), 'json'))).toEqual(fixtureReport())
  })
  it('infers the format from the file name', () => {
    expect(formatOfPath('reports/INC-1.md')).toBe('md')
    expect(formatOfPath('x.HTML')).toBe('html')
    expect(formatOfPath('x.csv')).toBe('csv')
    expect(formatOfPath('x.txt')).toBeUndefined()
  })
})

describe('terminal tree', () => {
  it('nests the second hop under the first, under the user', () => {
    const lines = renderTree(fixtureReport()).split('\n')
    expect(lines[0]).toBe('user/alice')
    expect(lines[1]).toMatch(/^└─ \[AssumeRole\] app\/ci in 111122223333 \(ASIAONE\) 2024-07-30 21:31Z from 192\.0\.2\.10 · 3 calls/)
    expect(lines[2]).toMatch(/^   └─ \[AssumeRole across accounts\] admin\/<script>"x" in 444455556666 \(ASIATWO\).*⚠ deep-chain, ip-change$/)
    expect(ONE.id).not.toBe(TWO.id)
  })

  it('shows control and bidi characters in attacker-chosen names as code points, never raw', () => {
    const r = fixtureReport()
    const evil = r.sessions[1]
    evil.arn = 'arn:aws:sts::444455556666:assumed-role/admin/x\u001b[2Jy\u202ez'
    evil.sourceIp = '198.51.100.7\u0007'
    const out = renderTree(r)
    expect(out).toContain('admin/x‹U+001B›[2Jy‹U+202E›z')
    expect(out).toContain('from 198.51.100.7‹U+0007›')
    expect(out).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f\u202e]/)
  })
})
