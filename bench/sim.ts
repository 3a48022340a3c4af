// Simulator throughput: IAM requests per second from one SDK client, with SigV4 verification,
// authorization through iam-simulate (a non-root user, so policies are evaluated) and the trail on.
// Target: ≥ 1,000 req/s on a 2-core machine, so benchmarks of lockdown measure lockdown.
// Client and server share one process: on this VM a loopback hop between processes costs more than the
// simulator itself (a trivial server in another process caps one SDK client near 1,000 req/s).
import {createServer} from 'node:http'
import type {AddressInfo} from 'node:net'

import {GetUserCommand, IAMClient, ListRolesCommand} from '@aws-sdk/client-iam'

import {startSim} from '../src/sim/index.js'

const TOTAL = Number(process.env.SIM_BENCH_REQUESTS ?? 3000)
const IN_FLIGHT = Number(process.env.SIM_BENCH_IN_FLIGHT ?? 8)

/** Drive `total` GetUser/ListRoles calls through one client, IN_FLIGHT at a time; returns requests/second. */
async function drive(iam: IAMClient, total: number): Promise<number> {
  const call = (i: number) => (i % 2 ? iam.send(new GetUserCommand({UserName: 'ci-deploy'})) : iam.send(new ListRolesCommand({MaxItems: 10})))
  let next = 0
  const start = process.hrtime.bigint()
  await Promise.all(
    Array.from({length: IN_FLIGHT}, async () => {
      while (next < total) await call(next++)
    }),
  )
  return total / (Number(process.hrtime.bigint() - start) / 1e9)
}

/**
 * The same client against a server that answers from memory with the simulator's own bytes: what the SDK
 * and node:http cost on their own on this machine right now. The difference is what the simulator adds.
 */
async function stubServer(responses: {getUser: string; listRoles: string}) {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      res.writeHead(200, {'content-type': 'text/xml'})
      res.end(Buffer.concat(chunks).toString().includes('Action=GetUser') ? responses.getUser : responses.listRoles)
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const iam = new IAMClient({endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, region: 'us-east-1', credentials: {accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'x'}, maxAttempts: 1})
  return {
    iam,
    close() {
      iam.destroy()
      server.closeAllConnections()
      server.close()
    },
  }
}

const ROUNDS = 3

export async function benchSim(): Promise<string> {
  const sim = await startSim({scenario: 'playbooks/scenarios/demo-account.yaml'})
  // ci-deploy is allowed GetUser/ListRoles by an inline policy: every call goes through policy evaluation.
  const creds = sim.credentialsFor('ci-deploy')
  const iam = new IAMClient({endpoint: sim.endpoint, region: 'us-east-1', credentials: creds, maxAttempts: 1})
  const captured = {getUser: '', listRoles: ''}
  for (const [k, body] of [['getUser', 'Action=GetUser&Version=2010-05-08&UserName=ci-deploy'], ['listRoles', 'Action=ListRoles&Version=2010-05-08&MaxItems=10']] as const) {
    captured[k] = await rawQuery(sim.endpoint, body, creds)
  }
  const stub = await stubServer(captured)
  let best = 0
  let bestStub = 0
  try {
    await drive(iam, 1500) // warm up: JIT, keep-alive sockets, the decision cache
    await drive(stub.iam, 1500)
    // Interleaved rounds, best of each: other load on a shared machine hits both sides alike.
    for (let r = 0; r < ROUNDS; r++) {
      const before = sim.records().length
      best = Math.max(best, await drive(iam, TOTAL))
      const trailed = sim.records().length - before
      if (trailed !== TOTAL) throw new Error(`trail has ${trailed} records for ${TOTAL} requests`)
      bestStub = Math.max(bestStub, await drive(stub.iam, TOTAL))
    }
  } finally {
    iam.destroy()
    stub.close()
    await sim.stop()
  }
  const addedUs = Math.max(0, (1 / best - 1 / bestStub) * 1e6)
  return (
    `sim: ${Math.round(best)} IAM req/s (best of ${ROUNDS}×${TOTAL} GetUser/ListRoles signed by an IAM user, ${IN_FLIGHT} in flight from one SDK client in the same process; ` +
    `SigV4 + iam-simulate + trail on; target ≥ 1000). Same client against an in-memory stub: ${Math.round(bestStub)} req/s, so the simulator adds ~${Math.round(addedUs)} µs/request.`
  )
}

/** One signed Query call, returning the raw XML body (for the baseline stub). */
async function rawQuery(endpoint: string, body: string, creds: {accessKeyId: string; secretAccessKey: string}): Promise<string> {
  const {SignatureV4} = await import('@smithy/signature-v4')
  const {Hash} = await import('@smithy/hash-node')
  const {HttpRequest} = await import('@smithy/protocol-http')
  const url = new URL(endpoint)
  const signer = new SignatureV4({credentials: creds, region: 'us-east-1', service: 'iam', sha256: Hash.bind(null, 'sha256')})
  const signed = await signer.sign(new HttpRequest({method: 'POST', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: '/', headers: {host: url.host, 'content-type': 'application/x-www-form-urlencoded'}, body}))
  const res = await fetch(`${endpoint}/`, {method: 'POST', headers: signed.headers, body})
  return res.text()
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(await benchSim())
}
