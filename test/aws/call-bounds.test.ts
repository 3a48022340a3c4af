// Every AWS call lockdown makes can be stopped: by the caller's signal (SIGINT) and by --aws-timeout. The
// IAM clients build one middleware handler per command type (cacheMiddleware: a 1,000-role revoke makes
// thousands of IAM calls), so their calls' signals do not travel through the SDK's send options: these
// tests hold that each call still aborts its own request on the wire, settles at once, and that calls
// sharing a handler get their own answers.
import {createServer, type Socket} from 'node:net'
import {GetRoleCommand, GetRolePolicyCommand} from '@aws-sdk/client-iam'
import {GetCallerIdentityCommand} from '@aws-sdk/client-sts'
import {afterAll, describe, expect, it} from 'vitest'

import {AwsTimeoutError, makeClients} from '../../src/aws/clients.js'
import {useSim} from '../support/sim.js'

/** Accepts connections, reads the request, never answers; counts the connections the client closed. */
const open = new Set<Socket>()
let closedByClient = 0
const silent = createServer((s) => {
  open.add(s)
  s.resume()
  s.on('close', () => {
    open.delete(s)
    closedByClient++
  })
})
await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r))
const endpoint = `http://127.0.0.1:${(silent.address() as {port: number}).port}`
const credentials = {accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'}
afterAll(async () => {
  for (const s of open) s.destroy()
  await new Promise((r) => silent.close(r))
})

const until = async (ok: () => boolean, ms = 2000) => {
  for (const end = Date.now() + ms; !ok() && Date.now() < end; ) await new Promise((r) => setTimeout(r, 10))
  return ok()
}

describe('stopping an AWS call', () => {
  it("the caller's signal settles an IAM call at once and closes its connection", async () => {
    const clients = makeClients({endpoint, credentials})
    try {
      const controller = new AbortController()
      const closedBefore = closedByClient
      const call = clients.iam.send(new GetRolePolicyCommand({RoleName: 'r', PolicyName: 'p'}), {abortSignal: controller.signal})
      await until(() => open.size > 0)
      const started = Date.now()
      controller.abort(new Error('interrupted by SIGINT'))
      const error = (await call.catch((e: Error) => e)) as Error
      expect(error.name).toBe('AbortError')
      expect((error.cause as Error).message).toBe('interrupted by SIGINT')
      expect(Date.now() - started).toBeLessThan(500)
      // The request itself was cancelled, not left running behind a settled promise.
      expect(await until(() => closedByClient > closedBefore)).toBe(true)
    } finally {
      clients.destroy()
    }
  })

  it('--aws-timeout bounds an IAM call and an STS call alike, naming the operation', async () => {
    const clients = makeClients({endpoint, credentials, timeoutMs: 400})
    try {
      const started = Date.now()
      const [iam, sts] = await Promise.all([
        clients.iam.send(new GetRoleCommand({RoleName: 'r'})).catch((e: Error) => e),
        clients.sts.send(new GetCallerIdentityCommand({})).catch((e: Error) => e),
      ])
      expect(iam).toBeInstanceOf(AwsTimeoutError)
      expect((iam as Error).message).toContain('GetRole: no answer from')
      expect(sts).toBeInstanceOf(AwsTimeoutError)
      expect((sts as Error).message).toContain('GetCallerIdentity: no answer from')
      expect(Date.now() - started).toBeLessThan(2000)
    } finally {
      clients.destroy()
    }
  })

  it('a signal aborted before the call sends nothing', async () => {
    const clients = makeClients({endpoint, credentials})
    try {
      const connections = open.size + closedByClient
      const error = (await clients.iam.send(new GetRoleCommand({RoleName: 'r'}), {abortSignal: AbortSignal.abort(new Error('stop'))}).catch((e: Error) => e)) as Error
      expect(error.name).toBe('AbortError')
      await new Promise((r) => setTimeout(r, 100))
      expect(open.size + closedByClient).toBe(connections)
    } finally {
      clients.destroy()
    }
  })
})

const sim = await useSim({
    scenario: {
      version: 1,
      name: 'call-bounds',
      account: {id: '111122223333'},
      roles: Array.from({length: 40}, (_, i) => ({
        name: `role-${i}`,
        trust: {Version: '2012-10-17', Statement: [{Effect: 'Allow', Principal: {AWS: 'arn:aws:iam::111122223333:root'}, Action: 'sts:AssumeRole'}]},
      })),
    },
  faults: {latencyMs: 20},
})

describe('IAM calls sharing one cached handler', () => {
  it('each of 200 concurrent calls under one signal gets its own answer, with no listener warning', async () => {
    const clients = sim.clients
    const warnings: string[] = []
    const onWarning = (w: Error) => warnings.push(w.name)
    process.on('warning', onWarning)
    try {
      const signal = new AbortController().signal
      const names = Array.from({length: 200}, (_, i) => `role-${i % 40}`)
      const answers = await Promise.all(names.map((RoleName) => clients.iam.send(new GetRoleCommand({RoleName}), {abortSignal: signal})))
      expect(answers.map((a) => a.Role?.RoleName)).toEqual(names)
      const missing = await clients.iam.send(new GetRoleCommand({RoleName: 'no-such-role'}), {abortSignal: signal}).catch((e: Error) => e.name)
      expect(missing).toBe('NoSuchEntityException')
      await new Promise((r) => setImmediate(r))
      expect(warnings).not.toContain('MaxListenersExceededWarning')
    } finally {
      process.off('warning', onWarning)
    }
  })
})
