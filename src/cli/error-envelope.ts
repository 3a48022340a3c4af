// The one place a failure becomes what a person (or a script under --json) sees. Every error, whether
// ours, a flag typo caught by oclif's parser, an unknown command or a bug, is first mapped to a
// LockdownError (exit code + the next command to run), then printed as exactly one JSON envelope or as
// `Error:` / `Next:` lines. oclif's own error objects carry the whole parser input (189 KB for a typo):
// only their message is kept.
import {classifyAwsError, lockdownErrorFromAws} from '../aws/errors.js'
import {EXIT, InterruptedError, InvalidInputError, LockdownError} from '../errors.js'

export interface ErrorEnvelope {
  error: {name: string; exitCode: number; message: string; next: string; detail: unknown}
}

/** Where the failure happened, so the fallback `next` can name a command that helps. */
export interface FailureContext {
  /** The command words, e.g. 'breakglass grant'; absent when no command was found. */
  command?: string
  /** Set when SIGINT/SIGTERM aborted the command: an abort error then means "interrupted". */
  interrupted?: NodeJS.Signals
}

interface OclifError {
  name?: string
  message?: string
  code?: string
  parse?: unknown
  oclif?: {exit?: number}
}

/** oclif's `this.exit(n)`: not a failure to report, a request to leave with that code. */
export function isExitRequest(error: unknown): error is {oclif: {exit: number}} {
  return (error as OclifError)?.code === 'EEXIT' && typeof (error as OclifError).oclif?.exit === 'number'
}

export function toLockdownError(error: unknown, ctx: FailureContext = {}): LockdownError {
  const e = (error ?? {}) as OclifError
  const message = firstLines(String(e.message ?? error))
  // A signal arrived: whatever failed after it (an aborted call, a preflight the abort cut short) is the
  // interruption, exit 130. The engine's own InterruptedError already counts what applied.
  if (ctx.interrupted && !(error instanceof InterruptedError)) {
    return new InterruptedError(`interrupted by ${ctx.interrupted} (${message})`, {next: 'lockdown runs   # shows whether the run had started applying', cause: error})
  }
  if (error instanceof LockdownError) return error
  const help = ctx.command ? `lockdown ${ctx.command} --help` : 'lockdown --help'
  // oclif parser errors (unknown flag, missing argument, bad option) and "command X not found".
  if (e.parse !== undefined || /^command .+ not found$/.test(message) || e.oclif?.exit === 2) {
    return new InvalidInputError(message, [], {next: help})
  }
  // An AWS error no layer below classified (trail, breakglass, status…): the one classifier says what it
  // means (AccessDenied → 3 naming the action, throttling → 4, …), so none reaches a person as exit 1.
  if ((error as {$metadata?: unknown})?.$metadata || classifyAwsError(error).kind !== 'other') {
    const mapped = lockdownErrorFromAws(error, {doing: ctx.command ? `lockdown ${ctx.command}` : 'lockdown'})
    if (mapped instanceof LockdownError) return mapped
  }
  return new LockdownError(`unexpected error: ${message}`, EXIT.bug, {
    next: `DEBUG=lockdown* ${ctx.command ? `lockdown ${ctx.command}` : 'lockdown'} ...   # prints the stack; please report it`,
    cause: error,
  })
}

export function errorEnvelope(error: LockdownError, ctx: FailureContext = {}): ErrorEnvelope {
  return {
    error: {
      name: error.name,
      exitCode: error.exitCode,
      message: error.message,
      next: error.next ?? (ctx.command ? `lockdown ${ctx.command} --help` : 'lockdown --help'),
      detail: error.detail ?? null,
    },
  }
}

/** The human form: message, the next command, and the stack only when asked for. */
export function errorLines(error: LockdownError, ctx: FailureContext = {}): string[] {
  const lines = [`Error: ${error.message}`, `Next: ${errorEnvelope(error, ctx).error.next}`]
  if (process.env.DEBUG?.startsWith('lockdown')) lines.push(String((error.cause as Error | undefined)?.stack ?? error.stack))
  return lines
}

/** Whether argv asks for JSON (oclif's rule: --json before any `--`). */
export function wantsJson(argv: readonly string[]): boolean {
  const end = argv.indexOf('--')
  const json = argv.indexOf('--json')
  return json !== -1 && (end === -1 || json < end)
}

// oclif appends "See more help with --help" and usage; the first lines say what is wrong.
function firstLines(text: string): string {
  return text.split('\n').filter((l) => !/^See more help with/.test(l.trim())).join('\n').trim()
}
