// lockdown's SDK clients keep their resolved config in V8's fast mode (src/aws/fast-config.ts), which a
// bare SDK client's is not: each call copies that config several times, and a copy of a dictionary-mode
// one cost a 1,000-role revoke a tenth of its CPU (the figure itself is in `npm run bench -- revoke`).
import {execFile} from 'node:child_process'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {promisify} from 'node:util'

import {describe, expect, it} from 'vitest'

import {useSim} from '../support/sim.js'

const exec = promisify(execFile)
const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const trust = {Version: '2012-10-17', Statement: [{Effect: 'Allow', Principal: {AWS: 'arn:aws:iam::111122223333:root'}, Action: 'sts:AssumeRole'}]}
const sim = await useSim({scenario: {version: 1, name: 'fast-config', account: {id: '111122223333'}, roles: [{name: 'app', trust}]}})

describe('the SDK clients lockdown builds', () => {
  it('hold their config with fast properties, before and after calls signed with its credentials (a bare SDK client does not)', async () => {
    const r = await exec(process.execPath, ['--allow-natives-syntax', '--import', 'tsx', join(ROOT, 'test', 'aws', 'fast-config-child.ts')], {
      cwd: ROOT,
      env: {...process.env, LOCKDOWN_TEST_ENDPOINT: sim.endpoint, LOCKDOWN_TEST_KEY: sim.rootCredentials.accessKeyId, LOCKDOWN_TEST_SECRET: sim.rootCredentials.secretAccessKey},
    })
    expect(JSON.parse(r.stdout.trim().split('\n').pop()!)).toEqual({
      before: {bare: false, iam: true, sts: true},
      after: {bare: false, iam: true, sts: true},
      role: 'arn:aws:iam::111122223333:role/app',
      account: '111122223333',
    })
  })
})
