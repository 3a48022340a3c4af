// Each command's --json success shape is a JSON Schema generated from its run() return type
// (scripts/result-schemas.ts → schemas/results/). The committed schemas are current, and every command's
// real --json output, against the simulated account, matches its schema (and every failure the envelope's).
import {spawn} from 'node:child_process'
import {mkdirSync, mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {readCommitted, resultSchemas, schemaText} from '../../scripts/result-schemas.js'
import {totp} from '../../src/sim/index.js'
import {violations} from '../support/json-schema.js'
import {runCli} from '../support/cli.js'
import {useSim} from '../support/sim.js'

const SEED = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP'
const RESPONDER = 'arn:aws:iam::111122223333:user/responder'
const sim = await useSim({scenario: 'playbooks/scenarios/demo-account.yaml'})
const dir = mkdtempSync(join(tmpdir(), 'lockdown-schemas-'))
const as = (who: {accessKeyId: string; secretAccessKey: string}) => ({
  AWS_ACCESS_KEY_ID: who.accessKeyId,
  AWS_SECRET_ACCESS_KEY: who.secretAccessKey,
  AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
})
const cli = (args: string[], who = sim.rootCredentials) => runCli([...args, '--json', '--endpoint', sim.endpoint, '--journal-dir', join(dir, 'journal')], as(who))
const LEAK = ['playbooks/leaked-access-key.yaml', '--set', 'user=ci-deploy', '--set', 'key=AKIASIMCIDEPLOY00001']
const TRAIL = ['--source', 'files', '--path', 'test/fixtures/cloudtrail/stratus-red-team', '--since', '2024-01-01', '--until', '2025-01-01']

/** Runs a command and checks its output against the schema of `name` (success) or the error envelope. */
async function expectShape(name: string, r: {code: number; json?: unknown; stdout: string}, exitCode = 0) {
  expect(r.code, r.stdout.slice(0, 2000)).toBe(exitCode)
  expect(r.json, r.stdout.slice(0, 500)).toBeDefined()
  expect(violations(r.json, readCommitted(exitCode === 0 ? name : 'error'))).toEqual([])
}

describe('--json result schemas', () => {
  it('are generated from the result types and committed current (tsx scripts/result-schemas.ts)', {timeout: 240_000}, () => {
    for (const [name, schema] of Object.entries(resultSchemas())) expect(schemaText(schema), `schemas/results/${name}.schema.json is stale: npx tsx scripts/result-schemas.ts`).toBe(schemaText(readCommitted(name)))
  })

  it('the checker fails an output that does not match', () => {
    const runs = readCommitted('runs')
    expect(violations({runs: [{runId: 1}]}, runs)).toEqual(expect.arrayContaining(['$.runs[0].runId: expected string, found number', '$.runs[0].status: required']))
  })

  it('read-only commands match their schemas', async () => {
    await expectShape('actions', await cli(['actions']))
    await expectShape('schema', await cli(['schema']))
    await expectShape('validate', await cli(['validate', ...LEAK]))
    await expectShape('permissions', await cli(['permissions', ...LEAK]))
    await expectShape('plan', await cli(['plan', ...LEAK]))
    await expectShape('drill-list', await cli(['drill', 'list']))
    await expectShape('trail-chains', await cli(['trail', 'chains', ...TRAIL]))
    await expectShape('trail-report', await cli(['trail', 'report', ...TRAIL, '--format', 'json', '--out', join(dir, 'report.json')]))
  })

  it('run, runs, status, undo and tidy match their schemas', async () => {
    const run = await cli(['run', ...LEAK, '--yes'])
    await expectShape('run', run)
    await expectShape('runs', await cli(['runs']))
    await expectShape('status', await cli(['status']))
    await expectShape('undo', await cli(['undo', run.json.runId, '--yes']))
    await expectShape('tidy', await cli(['tidy', '--yes']))
  })

  it('breakglass grant, list, assume, revoke and expire match their schemas', async () => {
    await expectShape('breakglass-grant', await cli(['breakglass', 'grant', '--incident', 'INC-SCHEMA', '--responder', RESPONDER, '--duration', '1h', '--yes']))
    await expectShape('breakglass-list', await cli(['breakglass', 'list']))
    const code = totp(SEED, Date.now())
    await expectShape('breakglass-assume', await cli(['breakglass', 'assume', '--incident', 'INC-SCHEMA', '--mfa-code', code, '--write-profile', 'inc-schema'], sim.credentialsFor('responder')))
    await expectShape('breakglass-revoke', await cli(['breakglass', 'revoke', '--incident', 'INC-SCHEMA', '--yes']))
    const expire = await cli(['breakglass', 'expire', '--yes'])
    if (expire.code === 0) await expectShape('breakglass-expire', expire)
    else await expectShape('breakglass-expire', expire, expire.code)
  })

  it('drill run matches its schema', {timeout: 120_000}, async () => {
    const r = await runCli(['drill', 'run', 'playbooks/drills/leaked-access-key.yaml', '--ideal', '--json', '--journal-dir', join(dir, 'drill'), '--report-dir', join(dir, 'reports')])
    expect(violations(r.json, readCommitted('drill-run'))).toEqual([])
  })

  it('drill revert matches its schema', async () => {
    // A sandbox drill whose revert log lists nothing left to remove (the normal case after a clean end).
    mkdirSync(join(dir, 'journal', 'drills', '20261201T000000Z-0000'), {recursive: true})
    writeFileSync(join(dir, 'journal', 'drills', '20261201T000000Z-0000', 'revert.jsonl'), '')
    await expectShape('drill-revert', await cli(['drill', 'revert', '20261201T000000Z-0000']))
  })

  it("sim serve prints its schema's object while it serves", async () => {
    const child = spawn(process.execPath, ['bin/dev.js', 'sim', 'serve', '--port', '0', '--scenario', 'playbooks/scenarios/demo-account.yaml', '--json'], {stdio: ['ignore', 'pipe', 'pipe']})
    let out = ''
    const json = await new Promise<unknown>((resolve, reject) => {
      child.stdout.on('data', (d) => {
        out += d
        try {
          resolve(JSON.parse(out))
        } catch {
          // not the whole document yet
        }
      })
      child.once('exit', (code) => reject(new Error(`sim serve exited ${code}: ${out}`)))
    })
    const exited = new Promise((r) => child.once('exit', r))
    child.kill('SIGTERM')
    await exited
    expect(violations(json, readCommitted('sim-serve'))).toEqual([])
  })

  it('failures match the one error envelope schema', async () => {
    await expectShape('error', await cli(['plan', 'playbooks/leaked-access-key.yaml']), 2)
    await expectShape('error', await cli(['frobnicate']), 2)
    // SecurityAudit lacks the writes: refused by the permission preflight before any write.
    await expectShape('error', await cli(['run', ...LEAK, '--yes'], sim.credentialsFor('analyst')), 3)
  })
})
