// Pack lockdown as `npm publish` would and install the tarball globally into a temporary --prefix, from
// the npm cache only (no registry): what a user gets from `npm install -g aws-lockdown`. The pack test
// and the start-up benchmark both run the installed `lockdown`, never the checkout.
//
// The pack happens in a copy of the checkout: prepack rebuilds dist/ and writes oclif.manifest.json, and
// neither may change under tests running at the same time in the checkout itself.
import {execFile} from 'node:child_process'
import {cpSync, mkdtempSync, readdirSync, rmSync, symlinkSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {promisify} from 'node:util'

const run = promisify(execFile)
const ROOT = fileURLToPath(new URL('..', import.meta.url))
/** What `npm pack` needs to build: the sources, the shipped files, the build config. */
const COPY = ['package.json', 'package-lock.json', 'tsconfig.json', 'LICENSE', 'README.md', 'bin', 'src', 'playbooks', 'scripts/clean.mjs', 'scripts/root-help.mjs', 'scripts/bundle-validate.mjs']

export interface Installed {
  /** The installed `lockdown` executable. */
  bin: string
  /** The installed package folder (…/lib/node_modules/aws-lockdown). */
  packageDir: string
  tarball: string
  dir: string
  cleanup(): void
}

export async function packAndInstall(): Promise<Installed> {
  const dir = mkdtempSync(join(tmpdir(), 'lockdown-pack-'))
  try {
    const src = join(dir, 'src-copy')
    for (const f of COPY) cpSync(join(ROOT, f), join(src, f), {recursive: true})
    // The build tools (tsc, oclif) come from the checkout's node_modules; the tarball never includes them.
    symlinkSync(join(ROOT, 'node_modules'), join(src, 'node_modules'), 'dir')
    // NODE_ENV=test (vitest) would make `oclif manifest` record src/*.ts paths, which the tarball lacks.
    const env = {...process.env, NODE_ENV: 'production', npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false'}
    await run('npm', ['pack', '--pack-destination', dir], {cwd: src, env, maxBuffer: 64 << 20})
    const tarball = join(dir, readdirSync(dir).find((f) => /^aws-lockdown-.*\.tgz$/.test(f))!)
    const prefix = join(dir, 'prefix')
    // Every tarball is in the npm cache `npm ci` filled. npm also wants each package's registry metadata
    // (a local tarball's npm-shrinkwrap.json is not consulted the way a published one's is); once cached,
    // --offline suffices. Only on a cold metadata cache does --prefer-offline ask the registry for it.
    const install = (mode: string) => run('npm', ['install', '--global', mode, '--no-audit', '--no-fund', '--prefix', prefix, tarball], {cwd: dir, env, maxBuffer: 64 << 20})
    await install('--offline').catch((error: {stderr?: string}) => {
      if (!/ENOTCACHED/.test(error.stderr ?? '')) throw error
      return install('--prefer-offline')
    })
    const bin = join(prefix, process.platform === 'win32' ? 'lockdown.cmd' : 'bin/lockdown')
    const packageDir = join(prefix, process.platform === 'win32' ? '' : 'lib', 'node_modules', 'aws-lockdown')
    return {bin, packageDir, tarball, dir, cleanup: () => rmSync(dir, {recursive: true, force: true})}
  } catch (error) {
    rmSync(dir, {recursive: true, force: true})
    throw error
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const i = await packAndInstall()
  console.log(`installed ${i.tarball}\n  ${i.bin}\n  (remove with: rm -rf ${i.dir})`)
}
