#!/usr/bin/env node
// Development entry: oclif registers tsx and runs the TypeScript in src/ directly, no build step.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'
const {execute} = await import('@oclif/core')
await execute({development: true, dir: import.meta.url})
