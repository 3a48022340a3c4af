// Build-output housekeeping for prepack/postpack, portable (npm scripts run under sh or cmd):
//   clean PATH…      remove; prepack starts from an empty dist/ so no stale module is shipped, and postpack
//                    removes what only the tarball needs: oclif.manifest.json must not stay in a checkout
//                    (oclif would load the commands it lists from dist/ instead of src/, so tests and
//                    bin/dev.js would run stale code), and dist/fast (the bundled validate, which bin/run.js
//                    would prefer to a later build's modules).
//   --shrinkwrap     write npm-shrinkwrap.json from package-lock.json for the tarball: an installed CLI gets
//                    exactly the dependency tree the tests ran against. Each registry package gets its
//                    tarball URL (a lock written with omit-lockfile-registry-resolved has none), so npm
//                    installs by integrity from its cache without asking the registry (offline works).
import {readFileSync, rmSync, writeFileSync} from 'node:fs'

const args = process.argv.slice(2)
if (args[0] === '--shrinkwrap') {
  const lock = JSON.parse(readFileSync('package-lock.json', 'utf8'))
  const registry = (process.env.npm_config_registry || 'https://registry.npmjs.org/').replace(/\/?$/, '/')
  for (const [path, pkg] of Object.entries(lock.packages)) {
    if (!path || pkg.link || pkg.resolved || !pkg.version || !pkg.integrity) continue
    const name = pkg.name ?? path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length)
    pkg.resolved = `${registry}${name}/-/${name.split('/').pop()}-${pkg.version}.tgz`
  }
  writeFileSync('npm-shrinkwrap.json', `${JSON.stringify(lock, null, 2)}\n`)
} else for (const path of args) rmSync(path, {recursive: true, force: true})
