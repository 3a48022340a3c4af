// The process entry (bin/run.js, bin/dev.js, and the in-process test runner): runs oclif and turns a
// failure that happens outside any command (an unknown command, a broken install) into the same error
// envelope a command prints. Never calls process.exit: it sets process.exitCode and returns.
import {flush, run, type Interfaces} from '@oclif/core'

import {errorEnvelope, errorLines, isExitRequest, toLockdownError, wantsJson} from './error-envelope.js'

export async function main(argv: string[], load: Interfaces.LoadOptions): Promise<void> {
  try {
    await run(argv, load)
    await flush()
  } catch (error) {
    if (isExitRequest(error)) {
      process.exitCode = error.oclif.exit
      return
    }
    const e = toLockdownError(error)
    process.exitCode = e.exitCode
    if (wantsJson(argv)) process.stdout.write(`${JSON.stringify(errorEnvelope(e), null, 2)}\n`)
    else process.stderr.write(`${errorLines(e).join('\n')}\n`)
  }
}
