// `lockdown sim serve --json`: prints endpoint, env and seeded credentials as one JSON object, keeps
// serving for the SDK, and stops cleanly on SIGTERM.
import {spawn} from 'node:child_process'

import {GetCallerIdentityCommand, STSClient} from '@aws-sdk/client-sts'
import {describe, expect, it} from 'vitest'

describe('lockdown sim serve', () => {
  it('prints the endpoint and credentials as JSON, serves, and exits 0 on SIGTERM', async () => {
    const child = spawn(process.execPath, ['bin/dev.js', 'sim', 'serve', '--json', '--port', '0', '--scenario', 'playbooks/scenarios/demo-account.yaml'], {stdio: ['ignore', 'pipe', 'pipe']})
    let out = ''
    const info = await new Promise<any>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString()
        try {
          resolve(JSON.parse(out))
        } catch {
          // not complete yet
        }
      })
      child.once('exit', (code) => reject(new Error(`exited ${code}: ${out}`)))
    })
    expect(info.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(info.env).toMatchObject({AWS_ENDPOINT_URL: info.endpoint, AWS_ACCESS_KEY_ID: 'AKIASIMROOT000000001'})
    const ci = info.users.find((u: {userName: string}) => u.userName === 'ci-deploy')
    expect(ci).toMatchObject({accessKeyId: 'AKIASIMCIDEPLOY00001'})
    const sts = new STSClient({endpoint: info.endpoint, region: 'us-east-1', credentials: {accessKeyId: ci.accessKeyId, secretAccessKey: ci.secretAccessKey}, maxAttempts: 1})
    expect((await sts.send(new GetCallerIdentityCommand({}))).Arn).toBe('arn:aws:iam::111122223333:user/ci-deploy')
    sts.destroy()
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve))
    child.kill('SIGTERM')
    expect(await exited).toBe(0)
  })
})
