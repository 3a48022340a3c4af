// An endpoint that accepts the connection and never answers: every AWS call is bounded (retries
// included) by --aws-timeout / LOCKDOWN_AWS_TIMEOUT, and the command says so with exit 3, not a hang.
import {createServer, type Socket} from 'node:net'
import {afterAll, describe, expect, it} from 'vitest'

import {runCli} from '../support/cli.js'

const sockets = new Set<Socket>()
const silent = createServer((s) => {
  sockets.add(s) // read nothing, answer nothing
  s.on('close', () => sockets.delete(s))
})
await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r))
const endpoint = `http://127.0.0.1:${(silent.address() as {port: number}).port}`
afterAll(async () => {
  for (const s of sockets) s.destroy()
  await new Promise((r) => silent.close(r))
})

const PLAYBOOK = 'test/fixtures/playbooks/kill-keys.yaml'
// Load the CLI once so the timings below measure the call, not oclif's first start.
await runCli(['validate', PLAYBOOK])

describe('an endpoint that never answers', () => {
  it('--aws-timeout: exit 3 within the timeout, naming the flag', async () => {
    const started = Date.now()
    const r = await runCli(['plan', PLAYBOOK, '--endpoint', endpoint, '--aws-timeout', '1.5s', '--json'])
    const took = Date.now() - started
    expect(r.code, r.stdout).toBe(3)
    expect(r.json.error.message).toContain('GetCallerIdentity: no answer from')
    expect(r.json.error.message).toContain('within 1.5s')
    expect(r.json.error.next).toContain('--aws-timeout')
    expect(took).toBeGreaterThanOrEqual(1400)
    expect(took).toBeLessThan(5000)
  })

  it('LOCKDOWN_AWS_TIMEOUT sets the same bound', async () => {
    const started = Date.now()
    const r = await runCli(['run', PLAYBOOK, '--yes', '--endpoint', endpoint], {LOCKDOWN_AWS_TIMEOUT: '1s'})
    expect(r.code, r.stderr).toBe(3)
    expect(r.stderr).toContain('within 1s')
    expect(Date.now() - started).toBeLessThan(4500)
  })

  it('a timeout that is not a duration is exit 2 before any call', async () => {
    const r = await runCli(['plan', PLAYBOOK, '--endpoint', endpoint, '--aws-timeout', 'soon', '--json'])
    expect(r.code).toBe(2)
    expect(r.json.error.message).toContain('--aws-timeout soon')
  })
})
