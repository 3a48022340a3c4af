#!/usr/bin/env node
// Production entry: runs the compiled commands in dist/ (npm run build). src/cli/main.ts turns every
// failure, also one outside a command, into one error (one JSON envelope under --json).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'
const {main} = await import('../dist/cli/main.js')
await main(process.argv.slice(2), {root: new URL('..', import.meta.url).pathname})
