// `lockdown drill revert` of an id that has no revert log is a mistyped id: exit 2 naming where it looked
// and how to list the drills, not exit 1 with a raw ENOENT.
import {mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {expect, it} from 'vitest'

import {runCli} from '../support/cli.js'

it('drill revert of an unknown id is exit 2 with the next command', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lockdown-revert-'))
  const r = await runCli(['drill', 'revert', '20990101T000000Z-nope', '--journal-dir', dir, '--json'], {AWS_ENDPOINT_URL: 'http://127.0.0.1:9'})
  expect(r.code).toBe(2)
  expect(r.json.error.message).toContain('20990101T000000Z-nope')
  expect(r.json.error.next).toContain(dir)
})
