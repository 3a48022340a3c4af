// The HTML report is one offline file: no external references, escaped text, and it renders in a real
// headless Chromium (the screenshot is kept under the OS temp dir for a human to look at).
import {execFileSync} from 'node:child_process'
import {existsSync, mkdtempSync, readFileSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {renderHtml} from '../../src/report/index.js'
import {fixtureReport} from './fixture-report.js'

const CHROMIUM = '/usr/bin/chromium'

describe('html report', () => {
  const html = renderHtml(fixtureReport())

  it('is self-contained: no scripts, links, or remote URLs', () => {
    expect(html).not.toMatch(/<script|<link|src=|url\((?!#)|@import|https?:\/\/(?!www\.w3\.org\/2000\/svg)/i)
    expect(html).toContain('<svg')
    expect(html).toContain('aria-label="Role chains"')
    expect(html).toContain('aria-label="Session timeline"')
  })

  it('escapes what the attacker controls (session names)', () => {
    expect(html).toContain('&lt;script&gt;&quot;x&quot;|evil')
    expect(html).not.toContain('<script>"x"')
  })

  it('draws an arrow from the first session to the second in the chain graph', () => {
    const svg = html.slice(html.indexOf('aria-label="Role chains"'), html.indexOf('</svg>', html.indexOf('aria-label="Role chains"')))
    // principal → ci, ci → admin
    expect(svg.match(/<path d="M[^"]*" fill="none"/g)).toHaveLength(2)
    expect(svg).toContain('>app/ci<')
    expect(svg).toContain('ASIATWO · 5 calls · ⚠ deep-chain, ip-change')
    expect(svg).toContain('stroke="#c62828"')
  })

  // .ci/run installs Debian's chromium; without it this test fails rather than silently proving nothing.
  it('renders in headless Chromium to a non-trivial screenshot', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lockdown-html-'))
    const file = join(dir, 'report.html')
    const png = join(dir, 'report.png')
    writeFileSync(file, html)
    execFileSync(
      CHROMIUM,
      ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', `--user-data-dir=${join(dir, 'profile')}`, `--screenshot=${png}`, '--window-size=1280,2000', `file://${file}`],
      {stdio: 'ignore', timeout: 60_000},
    )
    expect(existsSync(png)).toBe(true)
    const buf = readFileSync(png)
    expect(buf.subarray(1, 4).toString()).toBe('PNG')
    // A blank 1280×2000 page compresses to a few KB; tables, text and two charts do not.
    expect(statSync(png).size).toBeGreaterThan(40_000)
  }, 90_000)
})
