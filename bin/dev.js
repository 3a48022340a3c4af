#!/usr/bin/env node
// Development entry: oclif registers tsx and runs the TypeScript in src/ directly, no build step.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'
process.env.NODE_ENV = 'development'
const {register} = await import('tsx/esm/api')
register()
const {settings} = await import('@oclif/core')
settings.debug = true
const {main} = await import('../src/cli/main.ts')
await main(process.argv.slice(2), {root: new URL('..', import.meta.url).pathname, devPlugins: true})
