// Simulator throughput: IAM requests per second from one SDK client, with SigV4 verification,
// authorization through iam-simulate (a non-root user, so policies are evaluated) and the trail on.
// Target: ≥ 1,000 req/s on a 2-core machine, so benchmarks of lockdown measure lockdown.
// Client and server share one process: on this VM a loopback hop between processes costs more than the
// simulator itself (a trivial server in another process caps one SDK client near 1,000 req/s).
import {GetUserCommand, IAMClient, ListRolesCommand} from '@aws-sdk/client-iam'

import {startSim} from '../src/sim/index.js'

const TOTAL = Number(process.env.SIM_BENCH_REQUESTS ?? 5000)
const IN_FLIGHT = Number(process.env.SIM_BENCH_IN_FLIGHT ?? 8)

export async function benchSim(): Promise<string> {
  const sim = await startSim({scenario: 'playbooks/scenarios/demo-account.yaml'})
  // ci-deploy is allowed GetUser/ListRoles by an inline policy: every call goes through policy evaluation.
  const iam = new IAMClient({endpoint: sim.endpoint, region: 'us-east-1', credentials: sim.credentialsFor('ci-deploy'), maxAttempts: 1})
  try {
    const call = (i: number) => (i % 2 ? iam.send(new GetUserCommand({UserName: 'ci-deploy'})) : iam.send(new ListRolesCommand({MaxItems: 10})))
    const run = async (n: number) => {
      let next = 0
      await Promise.all(
        Array.from({length: IN_FLIGHT}, async () => {
          while (next < n) await call(next++)
        }),
      )
    }
    await run(1500) // warm up: JIT, keep-alive sockets, the decision cache
    const before = sim.records().length
    const start = process.hrtime.bigint()
    await run(TOTAL)
    const seconds = Number(process.hrtime.bigint() - start) / 1e9
    const trailed = sim.records().length - before
    if (trailed !== TOTAL) throw new Error(`trail has ${trailed} records for ${TOTAL} requests`)
    const rate = TOTAL / seconds
    return `sim: ${Math.round(rate)} IAM req/s (${TOTAL} GetUser/ListRoles signed by an IAM user, ${IN_FLIGHT} in flight from one SDK client in the same process; SigV4 + iam-simulate + trail on; target ≥ 1000)`
  } finally {
    iam.destroy()
    await sim.stop()
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(await benchSim())
}
