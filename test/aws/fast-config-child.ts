// Child of fast-config.test.ts, run with --allow-natives-syntax: whether V8 holds each client's resolved
// config with fast properties, a bare SDK client's and lockdown's, before and after calls that sign with
// the config's credentials (the accessor the SDK put there). Prints what it found.
import {GetRoleCommand, IAMClient} from '@aws-sdk/client-iam'
import {GetCallerIdentityCommand} from '@aws-sdk/client-sts'

import {makeClients} from '../../src/aws/clients.js'

const hasFastProperties = new Function('o', 'return %HasFastProperties(o)') as (o: object) => boolean
const credentials = {accessKeyId: process.env.LOCKDOWN_TEST_KEY!, secretAccessKey: process.env.LOCKDOWN_TEST_SECRET!}
const endpoint = process.env.LOCKDOWN_TEST_ENDPOINT
const bare = new IAMClient({endpoint, credentials, region: 'us-east-1'})
const clients = makeClients({endpoint, credentials, maxAttempts: 1})
const configOf = (c: unknown) => (c as {config: object}).config
const fast = () => ({bare: hasFastProperties(bare.config), iam: hasFastProperties(configOf(clients.iam)), sts: hasFastProperties(configOf(clients.sts))})
try {
  const before = fast()
  const [role, me] = await Promise.all([clients.iam.send(new GetRoleCommand({RoleName: 'app'})), clients.sts.send(new GetCallerIdentityCommand({}))])
  console.log(JSON.stringify({before, after: fast(), role: role.Role?.Arn, account: me.Account}))
} finally {
  clients.destroy()
  bare.destroy()
}
