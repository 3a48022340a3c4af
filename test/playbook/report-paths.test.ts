// A forensics step's `report:` writes a file: a playbook (from a ticket, say) may aim it only inside the
// working directory or the --reports-dir the person passed. Absolute paths, `..` and `~` elsewhere are
// exit 2 at validation with file:line:column; nothing is written and AWS is never asked.
import {mkdirSync, mkdtempSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {runCli} from '../support/cli.js'

const dir = mkdtempSync(join(tmpdir(), 'lockdown-report-paths-'))
const outside = mkdtempSync(join(tmpdir(), 'lockdown-elsewhere-'))
const playbook = (report: string) => {
  const file = join(dir, `pb-${Math.random().toString(36).slice(2)}.yaml`)
  writeFileSync(file, `version: 1\nname: t\nincident: INC-1\nsteps:\n  - id: evidence\n    action: forensics\n    with:\n      since: 1h\n      report: ${JSON.stringify(report)}\n`)
  return file
}

async function validate(report: string, extra: string[] = []) {
  const file = playbook(report)
  const r = await runCli(['validate', file, '--json', ...extra])
  return {r, file, issue: r.json?.error?.detail?.issues?.[0]}
}

describe('report: paths', () => {
  it.each([
    ['an absolute path', '/etc/cron.d/lockdown'],
    ['a path up and out', '../../../../../../tmp/x.md'],
    ['home', '~/.aws/credentials'],
    ['a path that climbs after the incident', 'reports/${incident}/../../../x.md'],
  ])('refuses %s at its position', async (_n, report) => {
    const {r, file, issue} = await validate(report)
    expect(r.code).toBe(2)
    expect(issue).toMatchObject({file, line: 9, column: 15, path: 'steps[0].with.report', stepId: 'evidence'})
    expect(issue.message).toMatch(/outside the working directory|'~' is not expanded/)
    expect(r.json.error.next).toContain('lockdown validate')
  })

  it('refuses a relative path through a symlink that leaves the working directory', async () => {
    const link = join(process.cwd(), `.report-link-${process.pid}`)
    symlinkSync(outside, link)
    try {
      const {r, issue} = await validate(`${link.slice(process.cwd().length + 1)}/x.md`)
      expect(r.code).toBe(2)
      expect(issue.message).toContain(`resolves to ${outside}`)
    } finally {
      ;(await import('node:fs')).unlinkSync(link)
    }
  })

  it('accepts paths inside the working directory, and an absolute path inside --reports-dir', async () => {
    expect((await validate('reports/${incident}.md')).r.code).toBe(0)
    expect((await validate(join(process.cwd(), 'reports', 'x.md'))).r.code).toBe(0)
    mkdirSync(join(outside, 'sub'), {recursive: true})
    expect((await validate(join(outside, 'sub', 'x.md'))).r.code).toBe(2)
    expect((await validate(join(outside, 'sub', 'x.md'), ['--reports-dir', outside])).r.code).toBe(0)
    expect((await validate(join(outside, '..', 'x.md'), ['--reports-dir', outside])).r.code).toBe(2)
  })

  it('plan refuses it too, before any AWS request', async () => {
    const file = playbook('/tmp/x.md')
    const r = await runCli(['plan', file, '--json', '--endpoint', 'http://127.0.0.1:9'], {AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE', AWS_SECRET_ACCESS_KEY: 'x'})
    expect(r.code).toBe(2)
    expect(r.json.error.detail.issues[0]).toMatchObject({line: 9, path: 'steps[0].with.report'})
  })
})
