// The IAM clients' own request handler (src/aws/http-handler.ts) in front of the simulator: HTTPS as AWS
// serves it, with the CA a corporate proxy's users set in NODE_EXTRA_CA_CERTS; and a connection that drops
// in the middle of an answer, which is retried as a dropped connection, never read as a short answer.
import {spawn} from 'node:child_process'
import {readFileSync} from 'node:fs'
import {request as httpRequest, createServer as createHttpServer, type IncomingMessage, type ServerResponse} from 'node:http'
import {createServer as createHttpsServer} from 'node:https'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {GetRoleCommand} from '@aws-sdk/client-iam'
import {afterAll, describe, expect, it} from 'vitest'

import {makeClients} from '../../src/aws/clients.js'
import {useSim} from '../support/sim.js'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const TLS = join(ROOT, 'test', 'fixtures', 'tls')
const trust = {Version: '2012-10-17', Statement: [{Effect: 'Allow', Principal: {AWS: 'arn:aws:iam::111122223333:root'}, Action: 'sts:AssumeRole'}]}
const sim = await useSim({scenario: {version: 1, name: 'http-handler', account: {id: '111122223333'}, roles: [{name: 'app', trust}]}})

/** Forwards a request to the simulator; `cut` answers with the head and part of the body, then drops the connection. */
function forward(req: IncomingMessage, res: ServerResponse, cut = false): void {
  const upstream = new URL(sim.endpoint)
  const out = httpRequest({host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers}, (answer) => {
    const chunks: Buffer[] = []
    answer.on('data', (c: Buffer) => chunks.push(c))
    answer.on('end', () => {
      const body = Buffer.concat(chunks)
      const {'transfer-encoding': _chunked, ...headers} = answer.headers
      res.writeHead(answer.statusCode ?? 500, {...headers, 'content-length': String(body.length)})
      if (!cut) return void res.end(body)
      res.write(body.subarray(0, body.length >> 1))
      setTimeout(() => res.socket?.destroy(), 20)
    })
  })
  req.pipe(out)
}

const listen = async (server: ReturnType<typeof createHttpServer>) => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  afterAll(() => new Promise((r) => server.close(r)))
  return (server.address() as {port: number}).port
}

describe('the IAM request handler', () => {
  it('calls IAM and STS over HTTPS, trusting the CA in NODE_EXTRA_CA_CERTS', {timeout: 60_000}, async () => {
    const server = createHttpsServer({key: readFileSync(join(TLS, 'test-only-key.pem')), cert: readFileSync(join(TLS, 'test-only-cert.pem'))}, (req, res) => forward(req, res))
    const port = await listen(server as unknown as ReturnType<typeof createHttpServer>)
    const child = (extra: Record<string, string>) => {
      // Async: the TLS front runs in this process, and a spawnSync would block it from answering.
      return new Promise<{error?: string; role?: string; account?: string}>((resolve, reject) => {
        const p = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'test', 'aws', 'https-child.ts')], {
          cwd: ROOT,
          env: {...process.env, LOCKDOWN_TEST_ENDPOINT: `https://127.0.0.1:${port}`, LOCKDOWN_TEST_KEY: sim.rootCredentials.accessKeyId, LOCKDOWN_TEST_SECRET: sim.rootCredentials.secretAccessKey, ...extra},
        })
        let out = ''
        p.stdout.on('data', (c: Buffer) => (out += c))
        p.on('error', reject)
        p.on('close', () => resolve(JSON.parse(out.trim().split('\n').pop() ?? '{}')))
      })
    }
    expect(await child({NODE_EXTRA_CA_CERTS: join(TLS, 'test-only-cert.pem')})).toEqual({role: 'arn:aws:iam::111122223333:role/app', account: '111122223333'})
    // Without the CA the certificate is refused: the handler verifies what it talks to.
    expect((await child({NODE_EXTRA_CA_CERTS: ''})).error).toMatch(/self[- ]signed certificate/i)
  })

  it('a connection that drops half-way through an answer is retried, not read as a short answer', async () => {
    let requests = 0
    const port = await listen(createHttpServer((req, res) => forward(req, res, ++requests === 1)))
    const clients = makeClients({endpoint: `http://127.0.0.1:${port}`, credentials: sim.rootCredentials, maxAttempts: 3})
    try {
      const answer = await clients.iam.send(new GetRoleCommand({RoleName: 'app'}))
      expect(answer.Role?.Arn).toBe('arn:aws:iam::111122223333:role/app')
      expect(requests).toBe(2)
    } finally {
      clients.destroy()
    }
  })

  it('with one attempt, the dropped connection is the error (a TimeoutError the retry strategies know)', async () => {
    const port = await listen(createHttpServer((req, res) => forward(req, res, true)))
    const clients = makeClients({endpoint: `http://127.0.0.1:${port}`, credentials: sim.rootCredentials, maxAttempts: 1})
    try {
      const error = (await clients.iam.send(new GetRoleCommand({RoleName: 'app'})).catch((e: Error) => e)) as Error & {code?: string}
      expect(error.name).toBe('TimeoutError')
      expect(error.code).toBe('ECONNRESET')
    } finally {
      clients.destroy()
    }
  })
})
