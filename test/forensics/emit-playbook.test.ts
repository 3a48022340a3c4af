// From finding to response, end to end: each drill's attacker detonates against the simulated account,
// `trail report --emit-playbook` reads the account's CloudTrail (LookupEvents, through the real SDK) and
// writes a playbook; that playbook validates, names its targets explicitly, and `lockdown run` of it
// refuses every identity the attacker holds — including the keys and sessions it made for itself.
import {mkdtempSync, readFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {parse} from 'yaml'

import {makeClients} from '../../src/aws/clients.js'
import {Attacker, isRefusal} from '../../src/drill/attacker.js'
import {loadDrill} from '../../src/drill/schema.js'
import {simTarget} from '../../src/drill/target.js'
import {runCli} from '../support/cli.js'
import {ROOT} from './helpers.js'

const DRILLS = ['leaked-access-key', 'compromised-role-chain', 'persistence-backdoor-key', 'break-glass-under-attack']

describe('trail report --emit-playbook on the drills’ trails', () => {
  it.each(DRILLS)('%s: the emitted playbook, run, contains the attacker', async (name) => {
    const loaded = await loadDrill(join(ROOT, 'playbooks', 'drills', `${name}.yaml`))
    const d = loaded.drill
    const target = await simTarget(loaded.scenarioPath, true)
    const attacker = new Attacker((c, maxAttempts) => makeClients({endpoint: target.aws.endpoint, region: target.region, credentials: c, maxAttempts}))
    try {
      for (const [id, src] of Object.entries(d.attacker)) attacker.hold(id, target.credentialsFor(src.user), 'key', src.user)
      for (const step of d.attack) await attacker.detonate(step)
      const call = (id: string) => d.pressure.find((p) => p.as === id)?.call ?? 'iam:GetUser'
      // Each identity works before the response: a refusal afterwards then proves containment.
      for (const id of d.expect.denied) expect((await attacker.finalProbe(id, call(id))).ok, `${id} before`).toBe(true)

      const dir = mkdtempSync(join(tmpdir(), `emit-${name}-`))
      const pb = join(dir, 'contain.yaml')
      const root = target.aws.credentials!
      const env = {AWS_ACCESS_KEY_ID: root.accessKeyId, AWS_SECRET_ACCESS_KEY: root.secretAccessKey}
      const aws = ['--endpoint', target.aws.endpoint!, '--region', target.region]
      const rep = await runCli(['trail', 'report', '--source', 'lookup', '--since', '1h', '--out', join(dir, 'report.md'), '--emit-playbook', pb, '--title', `drill ${name}`, ...aws, '--json'], env)
      expect(rep.code, rep.stderr).toBe(0)
      expect(rep.json.findings.length).toBeGreaterThan(0)

      const text = readFileSync(pb, 'utf8')
      const doc = parse(text) as {steps: {action: string; with: Record<string, string[] | string>}[]}
      // Explicit names only: a person reads exactly what will be touched.
      for (const s of doc.steps) for (const v of Object.values(s.with)) if (Array.isArray(v)) for (const x of v) expect(x).not.toMatch(/[*?]/)
      const keys = doc.steps.find((s) => s.action === 'deactivate-keys')?.with.keys as string[]
      expect(keys).toContain(target.credentialsFor(d.attacker.leaked.user).accessKeyId)
      if (name === 'persistence-backdoor-key') expect(keys).toContain(attacker.get('backdoor').credentials.accessKeyId)
      const md = readFileSync(join(dir, 'report.md'), 'utf8')
      expect(md.indexOf('## Findings')).toBeLessThan(md.indexOf('## Summary'))

      const valid = await runCli(['validate', pb])
      expect(valid.code, valid.stdout + valid.stderr).toBe(0)
      const run = await runCli(['run', pb, '--yes', '--journal-dir', join(dir, 'journal'), ...aws, '--json'], env)
      expect(run.code, run.stdout + run.stderr).toBe(0)
      for (const id of d.expect.denied) {
        const o = await attacker.finalProbe(id, call(id))
        expect(isRefusal(o), `${id} after: ${o.ok ? 'still works' : o.error}`).toBe(true)
      }
    } finally {
      await attacker.stopPressure()
      attacker.destroy()
      await target.close()
    }
  }, 120_000)
})
