import {defineConfig} from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Every test talks to a real loopback server; a generous timeout absorbs a loaded 2-core CI box.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    env: {AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true'},
    setupFiles: ['test/support/no-real-aws.ts'],
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
})
