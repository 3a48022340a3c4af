import {GetUserCommand, IAMClient, ListRolesCommand} from '@aws-sdk/client-iam'
import {startSim} from '../src/sim/index.js'
const sim = await startSim({scenario: 'playbooks/scenarios/demo-account.yaml'})
for (const who of ['root', 'ci-deploy']) {
  const iam = new IAMClient({endpoint: sim.endpoint, region: 'us-east-1', credentials: who === 'root' ? sim.rootCredentials : sim.credentialsFor('ci-deploy'), maxAttempts: 1})
  for (const [name, mk] of [['GetUser', () => new GetUserCommand({UserName: 'ci-deploy'})], ['ListRoles', () => new ListRolesCommand({MaxItems: 10})]] as const) {
    for (let i = 0; i < 200; i++) await iam.send(mk() as any)
    for (const inflight of [1, 16]) {
      let n = 0; const N = 2000; const t = Date.now()
      await Promise.all(Array.from({length: inflight}, async () => { while (n < N) { n++; await iam.send(mk() as any) } }))
      console.log(who, name, 'inflight', inflight, Math.round(N / ((Date.now() - t) / 1000)), 'req/s')
    }
  }
  iam.destroy()
}
await sim.stop()
