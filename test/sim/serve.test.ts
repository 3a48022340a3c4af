// `lockdown sim serve --json`: prints endpoint, env and seeded credentials (of every account of an
// organization) as one JSON object, keeps serving for the SDK and the AWS CLI, and stops cleanly on SIGTERM.
import {type ChildProcess, execFile, spawn} from 'node:child_process'
import {existsSync} from 'node:fs'
import {promisify} from 'node:util'

import {GetCallerIdentityCommand, STSClient} from '@aws-sdk/client-sts'
import {describe, expect, it} from 'vitest'

import type {JsonOutput} from '../../src/commands/sim/serve.js'

/** Starts `sim serve --json` and resolves with what it printed once it listens. */
async function serve(scenario: string): Promise<{child: ChildProcess; info: JsonOutput; stop(): Promise<number | null>}> {
  const child = spawn(process.execPath, ['bin/dev.js', 'sim', 'serve', '--json', '--port', '0', '--scenario', scenario], {stdio: ['ignore', 'pipe', 'pipe']})
  let out = ''
  const info = await new Promise<JsonOutput>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString()
      try {
        resolve(JSON.parse(out))
      } catch {
        // not complete yet
      }
    })
    child.once('exit', (code) => reject(new Error(`exited ${code}: ${out}`)))
  })
  const stop = () => {
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve))
    child.kill('SIGTERM')
    return exited
  }
  return {child, info, stop}
}

/** The AWS CLI these machines have; its absence is a failure that says so, never a skipped test. */
const AWS_CLI = process.env.LOCKDOWN_TEST_AWS_CLI ?? '/root/.pyenv/shims/aws'

async function awsCli(info: JsonOutput, creds: {accessKeyId: string; secretAccessKey: string; sessionToken?: string}, args: string[]): Promise<any> {
  if (!existsSync(AWS_CLI)) throw new Error(`The AWS CLI is not at ${AWS_CLI}: install it (pip install awscli) or point LOCKDOWN_TEST_AWS_CLI at it; this test uses it as a second client of the simulator.`)
  // Only the simulator's endpoint and these credentials: no profile, config file or real AWS is consulted.
  const env: Record<string, string> = Object.fromEntries(Object.entries(process.env).filter(([k, v]) => !k.startsWith('AWS_') && v !== undefined)) as Record<string, string>
  Object.assign(env, {
    AWS_ENDPOINT_URL: info.endpoint,
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: creds.accessKeyId,
    AWS_SECRET_ACCESS_KEY: creds.secretAccessKey,
    ...(creds.sessionToken ? {AWS_SESSION_TOKEN: creds.sessionToken} : {}),
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_PAGER: '',
  })
  const {stdout} = await promisify(execFile)(AWS_CLI, [...args, '--output', 'json'], {env, timeout: 60_000})
  return JSON.parse(stdout)
}

describe('lockdown sim serve', () => {
  it('prints the endpoint and credentials as JSON, serves, and exits 0 on SIGTERM', async () => {
    const {info, stop} = await serve('playbooks/scenarios/demo-account.yaml')
    expect(info.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(info.env).toMatchObject({AWS_ENDPOINT_URL: info.endpoint, AWS_ACCESS_KEY_ID: 'AKIASIMROOT000000001'})
    const ci = info.users.find((u: {userName: string}) => u.userName === 'ci-deploy')!
    expect(ci).toMatchObject({accessKeyId: 'AKIASIMCIDEPLOY00001'})
    const sts = new STSClient({endpoint: info.endpoint, region: 'us-east-1', credentials: {accessKeyId: ci.accessKeyId, secretAccessKey: ci.secretAccessKey}, maxAttempts: 1})
    expect((await sts.send(new GetCallerIdentityCommand({}))).Arn).toBe('arn:aws:iam::111122223333:user/ci-deploy')
    sts.destroy()
    expect(await stop()).toBe(0)
  })

  it('serves an organization: each account with its seeded credentials, and the AWS CLI lists accounts and assumes into a member', {timeout: 120_000}, async () => {
    const {info, stop} = await serve('playbooks/scenarios/organization.yaml')
    try {
      expect(info.organization).toMatchObject({id: 'o-a1b2c3d4e5', managementId: '111122223333'})
      expect(info.accounts.map((a) => [a.id, a.name, a.state, a.ouPath.join('/')])).toEqual([
        ['111122223333', 'mgmt', 'ACTIVE', ''],
        ['222233334444', 'dev', 'ACTIVE', 'Workloads/Dev'],
        ['333344445555', 'prod', 'ACTIVE', 'Workloads/Prod'],
        ['444455556666', 'legacy', 'ACTIVE', 'Legacy'],
        ['555566667777', 'sandbox', 'SUSPENDED', ''],
      ])
      const dev = info.accounts[1]!
      expect(dev.root.accessKeyId).toBe('AKIAORGDEVROOT000001')
      expect(dev.users).toEqual([{userName: 'dev-ci', accessKeyId: 'AKIAORGDEVCI00000001', secretAccessKey: 'orgDevCiSecretKeyOnlyForTheSim000000001'}])

      const operator = info.users.find((u) => u.userName === 'lockdown-operator')!
      const listed = await awsCli(info, operator, ['organizations', 'list-accounts'])
      expect(listed.Accounts.map((a: {Id: string; State: string}) => `${a.Id}:${a.State}`)).toEqual(['111122223333:ACTIVE', '222233334444:ACTIVE', '333344445555:ACTIVE', '444455556666:ACTIVE', '555566667777:SUSPENDED'])
      const assumed = await awsCli(info, operator, ['sts', 'assume-role', '--role-arn', 'arn:aws:iam::222233334444:role/OrganizationAccountAccessRole', '--role-session-name', 'from-cli'])
      expect(assumed.AssumedRoleUser.Arn).toBe('arn:aws:sts::222233334444:assumed-role/OrganizationAccountAccessRole/from-cli')
      const session = {accessKeyId: assumed.Credentials.AccessKeyId, secretAccessKey: assumed.Credentials.SecretAccessKey, sessionToken: assumed.Credentials.SessionToken}
      expect(await awsCli(info, session, ['sts', 'get-caller-identity'])).toMatchObject({Account: '222233334444'})
      expect((await awsCli(info, session, ['iam', 'list-users'])).Users.map((u: {UserName: string}) => u.UserName)).toEqual(['dev-ci'])
    } finally {
      expect(await stop()).toBe(0)
    }
  })
})
