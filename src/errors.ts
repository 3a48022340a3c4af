// Error classes and the one exit-code table. Commands map any LockdownError to its exit code; anything
// else is a bug (exit 1). Each error carries `next`: the command a person should run now.

export const EXIT = {
  ok: 0,
  bug: 1,
  invalid: 2,
  preflight: 3,
  partial: 4,
  verify: 5,
  undo: 6,
  /** 128 + SIGINT, what shells report for Ctrl-C. */
  interrupted: 130,
} as const
export type ExitCode = (typeof EXIT)[keyof typeof EXIT]

export const EXIT_CODE_TABLE: ReadonlyArray<readonly [ExitCode, string]> = [
  [0, 'done (or plan printed)'],
  [1, 'unexpected failure (a bug; stack with DEBUG=lockdown*)'],
  [2, 'invalid playbook, flags or input (also: a named target the account does not have, a missing required --set); nothing touched'],
  [3, 'preflight failed: credentials, account, permissions, guard; nothing touched'],
  [4, 'partly applied; journal and report written; `undo` or `--resume` named in the message'],
  [5, 'verification failed: applied, but containment does not hold'],
  [6, 'undo failed or refused (drift since the run, a tampered journal); a human is needed'],
  [130, 'interrupted (SIGINT/SIGTERM); the journal holds what was applied; the message names --resume and undo'],
]

export function exitCodeHelp(): string {
  return ['EXIT CODES', ...EXIT_CODE_TABLE.map(([code, text]) => `  ${code}  ${text}`)].join('\n')
}

export class LockdownError extends Error {
  readonly exitCode: ExitCode
  /** The command (or step) a person should take next; printed under the message. */
  readonly next?: string
  /** Extra machine-readable detail for --json output. */
  readonly detail?: unknown

  constructor(message: string, exitCode: ExitCode, opts: {next?: string; detail?: unknown; cause?: unknown} = {}) {
    super(message, {cause: opts.cause})
    this.name = new.target.name
    this.exitCode = exitCode
    this.next = opts.next
    this.detail = opts.detail
  }
}

/** A problem in input a person wrote, located in its source. */
export interface SourceIssue {
  file: string
  line: number
  column: number
  /** Dotted path of the field, e.g. `steps[1].with.olderThan`. */
  path: string
  stepId?: string
  message: string
}

export function formatIssue(i: SourceIssue): string {
  const step = i.stepId ? ` (step '${i.stepId}')` : ''
  return `${i.file}:${i.line}:${i.column}: ${i.path || '(document)'}${step}: ${i.message}`
}

/** Exit 2: the playbook, scenario, flags or input are wrong; nothing was sent to AWS. */
export class InvalidInputError extends LockdownError {
  readonly issues: SourceIssue[]
  constructor(message: string, issues: SourceIssue[] = [], opts: {next?: string} = {}) {
    super(issues.length ? `${message}\n${issues.map((i) => `  ${formatIssue(i)}`).join('\n')}` : message, EXIT.invalid, {
      next: opts.next,
      detail: {issues},
    })
    this.issues = issues
  }
}

/** Exit 3: credentials, account, permissions or a guard stopped the run before any write. */
export class PreflightError extends LockdownError {
  constructor(message: string, opts: {next?: string; detail?: unknown; cause?: unknown} = {}) {
    super(message, EXIT.preflight, opts)
  }
}

/** Exit 4: some changes applied, some not. The journal has the record; `next` names undo/--resume. */
export class PartialApplyError extends LockdownError {
  constructor(message: string, opts: {next?: string; detail?: unknown; cause?: unknown} = {}) {
    super(message, EXIT.partial, opts)
  }
}

/** Exit 5: everything applied, but a check shows containment does not hold. */
export class VerificationError extends LockdownError {
  constructor(message: string, opts: {next?: string; detail?: unknown} = {}) {
    super(message, EXIT.verify, opts)
  }
}

/** Exit 6: undo could not restore the recorded state; a human must look. */
export class UndoError extends LockdownError {
  constructor(message: string, opts: {next?: string; detail?: unknown; cause?: unknown} = {}) {
    super(message, EXIT.undo, opts)
  }
}

/** Exit 130: SIGINT/SIGTERM stopped the command. What applied is journaled; `next` names --resume and undo. */
export class InterruptedError extends LockdownError {
  constructor(message: string, opts: {next?: string; detail?: unknown; cause?: unknown} = {}) {
    super(message, EXIT.interrupted, opts)
  }
}
