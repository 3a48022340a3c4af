#!/usr/bin/env node
// Production entry: runs the compiled commands in dist/ (npm run build). src/cli/main.ts turns every
// failure, also one outside a command, into one error (one JSON envelope under --json).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'
const root = new URL('..', import.meta.url).pathname
const argv = process.argv.slice(2)
// `--version` and the root `--help`, exactly as oclif prints them, without loading oclif (root-help.ts).
const {fastRootOutput} = await import('../dist/cli/root-help.js')
const fast = fastRootOutput(argv, root)
if (fast !== undefined) process.stdout.write(fast)
// `validate FILE...`, the same output and exit code as the oclif command, without loading oclif
// (validate-fast.ts); it declines any command line it cannot read exactly as oclif would.
else if (!(argv[0] === 'validate' && (await (await import('../dist/cli/validate-fast.js')).fastValidate(argv.slice(1))))) {
  const {main} = await import('../dist/cli/main.js')
  await main(argv, {root})
}
