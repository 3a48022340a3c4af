// The package as users get it: `npm pack`, then `npm install -g` of the tarball into a temporary prefix
// (from the npm cache, no registry), then the installed `lockdown` run from a folder that holds no
// playbooks. It must find its own drills, playbooks and schema.
import {execFile} from 'node:child_process'
import {existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {promisify} from 'node:util'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {packAndInstall, type Installed} from '../../scripts/pack-install.js'
import {useSim} from '../support/sim.js'

const exec = promisify(execFile)
let pkg: Installed
let cwd: string
const sim = await useSim({scenario: 'playbooks/scenarios/demo-account.yaml'})

/** Runs `file` in the empty folder with no AWS config but `env`; never throws, returns the exit code. */
async function runHere(file: string, args: string[], env: Record<string, string>) {
  try {
    const r = await exec(file, args, {cwd, env: {PATH: process.env.PATH!, HOME: cwd, AWS_CONFIG_FILE: join(cwd, 'none'), AWS_SHARED_CREDENTIALS_FILE: join(cwd, 'none'), ...env}, maxBuffer: 16 << 20})
    return {code: 0, stdout: r.stdout, stderr: r.stderr}
  } catch (error) {
    const e = error as {code?: number; stdout?: string; stderr?: string}
    return {code: Number(e.code ?? 1), stdout: e.stdout ?? '', stderr: e.stderr ?? ''}
  }
}

/** Runs the installed lockdown in the empty folder. */
const lockdown = (args: string[], env: Record<string, string> = {}) => runHere(pkg.bin, args, env)

/**
 * `npx --package <tarball> lockdown …` in the empty folder, offline: npx installs the tarball and its pinned
 * tree into its own cache, from the tarballs `npm ci` cached. That npx cache sits in a temporary npm cache
 * folder whose _cacache is the real one, so the user's ~/.npm/_npx is left as it was.
 */
async function npx(args: string[], env: Record<string, string> = {}) {
  const cache = join(cwd, 'npm-cache')
  if (!existsSync(cache)) {
    const {stdout: realCache} = await exec('npm', ['config', 'get', 'cache'])
    mkdirSync(cache)
    symlinkSync(join(realCache.trim(), '_cacache'), join(cache, '_cacache'), 'dir')
  }
  return runHere('npx', ['--yes', '--offline', '--package', pkg.tarball, 'lockdown', ...args], {npm_config_cache: cache, npm_config_update_notifier: 'false', ...env})
}

describe('npm pack + npm install -g', () => {
  beforeAll(async () => {
    pkg = await packAndInstall()
    cwd = mkdtempSync(join(tmpdir(), 'lockdown-elsewhere-'))
  }, 300_000)
  // Removing the installed tree (the AWS SDK and all, thousands of files) took over 30 s on a loaded
  // 2-core box; it is the install's own size, given the same kind of allowance as the install above.
  afterAll(() => {
    pkg?.cleanup()
    if (cwd) rmSync(cwd, {recursive: true, force: true})
  }, 120_000)

  it('ships the oclif manifest and the lockfile as npm-shrinkwrap.json, and answers --version', async () => {
    expect(existsSync(join(pkg.packageDir, 'oclif.manifest.json'))).toBe(true)
    expect(existsSync(join(pkg.packageDir, 'npm-shrinkwrap.json'))).toBe(true)
    const r = await lockdown(['--version'])
    expect(r.stdout).toMatch(/^aws-lockdown\/0\.\d+\.\d+ /)
  })

  it('prints --version and the root --help exactly as oclif does, at any width, without loading oclif', async () => {
    // What oclif itself prints, from the same installed package (main() is bin/run.js minus the fast path).
    const viaOclif = async (args: string[], env: Record<string, string>) =>
      (
        await exec(process.execPath, ['--input-type=module', '-e', `const {main} = await import('./dist/cli/main.js'); await main(${JSON.stringify(args)}, {root: process.cwd()})`], {
          cwd: pkg.packageDir,
          env: {PATH: process.env.PATH!, HOME: cwd, ...env},
        })
      ).stdout
    for (const args of [['--version'], ['--help']]) {
      for (const columns of ['40', '64', '80', '132', '200']) {
        const env = {OCLIF_COLUMNS: columns, NODE_DEBUG: 'module'}
        const fast = await lockdown(args, env)
        expect(fast.code).toBe(0)
        expect(fast.stdout, `${args} at ${columns} columns`).toBe(await viaOclif(args, {OCLIF_COLUMNS: columns}))
        // NODE_DEBUG=module names every CommonJS module loaded: oclif is not among them.
        if (columns !== '40') expect(fast.stderr).not.toContain('@oclif/core')
      }
    }
    expect((await lockdown(['--help'])).stdout).toContain('\nCOMMANDS\n  actions ')
  })

  it('validates exactly as the oclif command does, without loading oclif', async () => {
    // The oclif command of the same installed package, run from the same folder (bin/run.js minus its fast paths).
    const main = JSON.stringify(new URL(`file://${join(pkg.packageDir, 'dist', 'cli', 'main.js')}`).href)
    const viaOclif = async (args: string[]) => {
      try {
        const r = await exec(process.execPath, ['--input-type=module', '-e', `const {main} = await import(${main}); await main(${JSON.stringify(args)}, {root: ${JSON.stringify(pkg.packageDir)}})`], {
          cwd,
          env: {PATH: process.env.PATH!, HOME: cwd},
        })
        return {code: 0, stdout: r.stdout, stderr: r.stderr}
      } catch (error) {
        const e = error as {code?: number; stdout?: string; stderr?: string}
        return {code: Number(e.code ?? 1), stdout: e.stdout ?? '', stderr: e.stderr ?? ''}
      }
    }
    expect(existsSync(join(pkg.packageDir, 'dist', 'fast', 'validate.js'))).toBe(true)
    const broken = join(process.cwd(), 'test/fixtures/playbooks/broken.yaml')
    for (const args of [['validate', 'leaked-access-key'], ['validate', 'leaked-access-key', '--set', 'user=ci-deploy', '--json'], ['validate', broken], ['validate', broken, 'no-such-playbook', '--json']]) {
      const fast = await lockdown(args, {NODE_DEBUG: 'module'})
      // NODE_DEBUG=module names every CommonJS module loaded: oclif is not among them, nor yaml's
      // modules (the bundle prepack writes, dist/fast/validate.js, holds yaml, zod and the loader).
      expect(fast.stderr, args.join(' ')).toMatch(/^MODULE \d+: /m)
      expect(fast.stderr, args.join(' ')).not.toContain('@oclif/core')
      expect(fast.stderr, args.join(' ')).not.toContain('node_modules/yaml/')
      const stderr = fast.stderr.split('\n').filter((l) => !/^MODULE \d+: /.test(l)).join('\n')
      expect({code: fast.code, stdout: fast.stdout, stderr}, args.join(' ')).toEqual(await viaOclif(args))
    }
  })

  it('lists the shipped drills from any folder, each with the command that runs it by name', async () => {
    const r = await lockdown(['drill', 'list'])
    expect(r.code).toBe(0)
    for (const name of ['compromised-role-chain', 'leaked-access-key', 'persistence-backdoor-key', 'break-glass-under-attack', 'cross-account-pivot']) {
      expect(r.stdout).toContain(`lockdown drill run ${name}`)
    }
  })

  it('runs a shipped drill by name and it passes', async () => {
    const r = await lockdown(['drill', 'run', 'compromised-role-chain', '--json', '--report-dir', join(cwd, 'reports')])
    expect(r.code, r.stderr).toBe(0)
    const card = JSON.parse(r.stdout)
    expect(card).toMatchObject({drill: 'compromised-role-chain', passed: true})
  }, 120_000)

  it('plans a shipped playbook by name, and by its path inside the package, alike', async () => {
    const set = ['--set', 'user=ci-deploy', '--set', 'key=AKIASIMCIDEPLOY00001']
    const byName = await lockdown(['plan', 'leaked-access-key', ...set, '--json'], sim.env())
    expect(byName.code, byName.stderr).toBe(0)
    const plan = JSON.parse(byName.stdout)
    const targets = plan.steps.flatMap((s: {changes: {target: string}[]}) => s.changes.map((c) => c.target))
    expect(targets).toContain('arn:aws:iam::111122223333:user/ci-deploy')
    const byPath = await lockdown(['plan', 'playbooks/leaked-access-key.yaml', ...set, '--json'], sim.env())
    expect(byPath.code, byPath.stderr).toBe(0)
    expect(JSON.parse(byPath.stdout).steps.map((s: {changes: unknown[]}) => s.changes.length)).toEqual(plan.steps.map((s: {changes: unknown[]}) => s.changes.length))
  })

  it('names a playbook that is neither a file nor shipped as not found (exit 2)', async () => {
    const r = await lockdown(['validate', 'no-such-playbook'])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/not found: no-such-playbook/)
  })

  it('points editors at the installed schema, which is the schema lockdown prints', async () => {
    const r = await lockdown(['schema', '--path', '--json'])
    expect(r.code).toBe(0)
    const {schema, modeline} = JSON.parse(r.stdout)
    expect(schema.startsWith(pkg.packageDir)).toBe(true)
    expect(modeline).toBe(`# yaml-language-server: $schema=file://${schema}`)
    const printed = await lockdown(['schema'])
    expect(JSON.parse(readFileSync(schema, 'utf8'))).toEqual(JSON.parse(printed.stdout))
  })

  it('runs with npx from the tarball, in an empty folder: lists the shipped drills and plans a shipped playbook by name', async () => {
    const drills = await npx(['drill', 'list'])
    expect(drills.code, drills.stderr).toBe(0)
    for (const name of ['compromised-role-chain', 'leaked-access-key', 'cross-account-pivot']) expect(drills.stdout).toContain(`lockdown drill run ${name}`)
    const plan = await npx(['plan', 'leaked-access-key', '--set', 'user=ci-deploy', '--set', 'key=AKIASIMCIDEPLOY00001', '--json'], sim.env())
    expect(plan.code, plan.stderr).toBe(0)
    expect(JSON.parse(plan.stdout).steps.flatMap((s: {changes: {target: string}[]}) => s.changes.map((c) => c.target))).toContain('arn:aws:iam::111122223333:user/ci-deploy')
    // npx installed into the temporary cache, not the user's.
    expect(existsSync(join(cwd, 'npm-cache', '_npx'))).toBe(true)
  }, 180_000)
})
