import {describe, expect, it} from 'vitest'

import {runCli} from '../support/cli.js'

describe('lockdown validate', () => {
  it('accepts the shipped playbooks', async () => {
    const r = await runCli(['validate', 'playbooks/leaked-access-key.yaml', '--json'])
    expect(r.code).toBe(0)
    expect(r.json).toMatchObject({valid: true, files: [{file: 'playbooks/leaked-access-key.yaml', valid: true, steps: 2}]})
  })

  it('prints every error with its position and exits 2', async () => {
    const r = await runCli(['validate', 'test/fixtures/playbooks/broken.yaml'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('test/fixtures/playbooks/broken.yaml:3:1: incidnet: unknown field')
    expect(r.stderr).toContain("steps[0].with.olderThan (step 'keys'): expected a duration")
    expect(r.stderr).toContain('Next: fix the lines above')
  })

  it('gives the errors as JSON under --json', async () => {
    const r = await runCli(['validate', 'test/fixtures/playbooks/broken.yaml', '--json'])
    expect(r.code).toBe(2)
    expect(r.json.error.exitCode).toBe(2)
    expect(r.json.error.detail.issues).toEqual(
      expect.arrayContaining([expect.objectContaining({line: 3, column: 1, path: 'incidnet'}), expect.objectContaining({path: 'steps[0].with.olderThan', stepId: 'keys'})]),
    )
  })
})
