// What the report shows first and how: findings, the header's scope, responder sessions, unused
// sessions and tokens that must not wrap. On the hand-built fixture, so renderers are tested alone.
import {describe, expect, it} from 'vitest'

import {renderHtml, renderMarkdown} from '../../src/report/index.js'
import type {ForensicReport, SessionRow} from '../../src/report/types.js'
import {fixtureReport, ONE} from './fixture-report.js'

function withSessions(extra: SessionRow[]): ForensicReport {
  const r = fixtureReport()
  r.sessions.push(...extra)
  return r
}

const UNUSED: SessionRow = {...ONE, id: 'ASIAUNUSED|x', accessKeyIds: ['ASIAUNUSED'], sessionName: 'idle', flags: [], activity: {calls: 0, byName: {}, errors: {}, ips: {}, regions: []}}
const RESPONDER: SessionRow = {
  ...ONE,
  id: 'ASIABG|y',
  arn: 'arn:aws:sts::111122223333:assumed-role/lockdown-break-glass/alice',
  principal: 'arn:aws:iam::111122223333:role/lockdown/lockdown-break-glass',
  sessionName: 'alice',
  accessKeyIds: ['ASIABG'],
  mfa: true,
  sourceIdentity: 'alice',
  breakGlass: true,
  flags: [],
}

describe('the report opens with its findings', () => {
  it('markdown: scope line, then findings (who, what, from, evidence, step), before the summary', () => {
    const md = renderMarkdown(fixtureReport())
    expect(md).toContain('Accounts 111122223333 · regions us-east-1 · window 2024-07-30 00:00:00Z → 2024-07-31 00:00:00Z')
    expect(md.indexOf('## Findings')).toBeGreaterThan(0)
    expect(md.indexOf('## Findings')).toBeLessThan(md.indexOf('## Summary'))
    const row = md.split('\n').find((l) => l.includes('| ip-change |'))!
    expect(row).toContain('203.0.113.9')
    expect(row).toContain('ev-ip-1')
    // Brackets are escaped so Markdown never reads them as a link.
    expect(row).toContain('revoke-sessions roles: \\[admin, app\\]')
  })

  it('says when nothing fired, and how many sessions were collapsed and why', () => {
    const r = fixtureReport()
    r.findings = []
    r.summary.hiddenServiceSessions = 3
    r.summary.hiddenReason = 'sessions AWS services assumed for themselves that raised no flag'
    const md = renderMarkdown(r)
    expect(md).toContain('None: no detection fired on this data.')
    expect(md).toContain('- 3 sessions collapsed: sessions AWS services assumed for themselves that raised no flag')
  })

  it('html: findings first, and IPs, event names, keys and times never break mid-token', () => {
    const html = renderHtml(fixtureReport())
    expect(html.indexOf('<h2>Findings</h2>')).toBeLessThan(html.indexOf('<h2>Flags</h2>'))
    expect(html).toContain('td.tok{white-space:nowrap')
    expect(html).not.toContain('word-break:break-word')
    expect(html).toContain('<td class="tok">203.0.113.9</td>')
    expect(html).toContain('<td class="tok">ip-change</td>')
    expect(html).toContain('<td class="tok">AssumeRole</td>')
  })

  it('labels a responder’s break-glass session and shows an unused session without empty arrows', () => {
    const r = withSessions([UNUSED, RESPONDER])
    const md = renderMarkdown(r)
    expect(md).toContain('| alice (break-glass) |')
    expect(md).toContain('- kind: role (responder break-glass)')
    expect(md).toContain('- no calls seen (unused)')
    const html = renderHtml(r)
    expect(html).toContain('none seen (unused)')
    expect(html).not.toMatch(/\( → \)/)
    expect(html).not.toMatch(/→ \?/)
  })
})
