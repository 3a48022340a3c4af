#!/usr/bin/env node
// Production entry: runs the compiled commands in dist/ (npm run build). src/cli/main.ts turns every
// failure, also one outside a command, into one error (one JSON envelope under --json).
import {existsSync} from 'node:fs'

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'
const root = new URL('..', import.meta.url).pathname
const argv = process.argv.slice(2)

/**
 * `validate FILE...` with the oclif command's output and exit code, without loading oclif (validate-fast.ts);
 * false for a command line it cannot read exactly as oclif would. An installed package has it bundled into
 * one file (scripts/bundle-validate.mjs, at prepack); a checkout's build runs the modules themselves.
 */
async function fastValidate() {
  const bundle = new URL('../dist/fast/validate.js', import.meta.url)
  const mod = await import(existsSync(bundle) ? bundle.href : '../dist/cli/validate-fast.js')
  return mod.fastValidate(argv.slice(1))
}

// `--version` and the root `--help`, exactly as oclif prints them, without loading oclif (root-help.ts).
const {fastRootOutput} = await import('../dist/cli/root-help.js')
const fast = fastRootOutput(argv, root)
if (fast !== undefined) process.stdout.write(fast)
else if (!(argv[0] === 'validate' && (await fastValidate()))) {
  const {main} = await import('../dist/cli/main.js')
  await main(argv, {root})
}
