// Commands own the process's signals (DESIGN.md: library code never installs handlers). While a command
// that writes to an account runs, SIGINT/SIGTERM abort one AbortSignal that the engine and every SDK call
// share: no new change starts, the call in flight is cancelled and journaled, and the engine reports how
// far it got (exit 130). A second signal means "now": the process leaves at once, with the journal as it is.

export interface SignalScope {
  signal: AbortSignal
  /** The signal that stopped the command, if one did. */
  readonly received: NodeJS.Signals | undefined
  dispose(): void
}

export function catchSignals(onFirst: (sig: NodeJS.Signals) => void = () => {}): SignalScope {
  const controller = new AbortController()
  let received: NodeJS.Signals | undefined
  const handler = (sig: NodeJS.Signals) => {
    if (received) {
      process.stderr.write(`\n${sig} again: leaving now; the journal may show a change in flight (lockdown runs)\n`)
      process.exit(130)
    }
    received = sig
    onFirst(sig)
    controller.abort(new Error(`interrupted by ${sig}`))
  }
  process.on('SIGINT', handler)
  process.on('SIGTERM', handler)
  return {
    signal: controller.signal,
    get received() {
      return received
    },
    dispose() {
      process.removeListener('SIGINT', handler)
      process.removeListener('SIGTERM', handler)
    },
  }
}
