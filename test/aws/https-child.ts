// Child of http-handler.test.ts: IAM and STS calls over HTTPS to LOCKDOWN_TEST_ENDPOINT, in a process whose
// NODE_EXTRA_CA_CERTS trusts the test certificate (Node reads it only at start-up). Prints what came back.
import {GetRoleCommand} from '@aws-sdk/client-iam'
import {GetCallerIdentityCommand} from '@aws-sdk/client-sts'

import {makeClients} from '../../src/aws/clients.js'

const clients = makeClients({
  endpoint: process.env.LOCKDOWN_TEST_ENDPOINT,
  credentials: {accessKeyId: process.env.LOCKDOWN_TEST_KEY!, secretAccessKey: process.env.LOCKDOWN_TEST_SECRET!},
  maxAttempts: 1,
})
try {
  const [role, me] = await Promise.all([clients.iam.send(new GetRoleCommand({RoleName: 'app'})), clients.sts.send(new GetCallerIdentityCommand({}))])
  console.log(JSON.stringify({role: role.Role?.Arn, account: me.Account}))
} catch (error) {
  console.log(JSON.stringify({error: `${(error as Error).name}: ${(error as Error).message}`}))
} finally {
  clients.destroy()
}
