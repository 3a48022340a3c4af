#!/usr/bin/env node
// Production entry: runs the compiled commands in dist/ (npm run build).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'
const {execute} = await import('@oclif/core')
await execute({dir: import.meta.url})
