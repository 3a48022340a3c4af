// The command line a person actually typed, kept as flag groups so `Next:` hints can be rebuilt from it:
// a resume hint keeps every --set, --profile, --journal-dir and --endpoint the run was started with, and an
// undo hint keeps the flags that say where the run lives (which account, which journal directory). A hint
// built from a template drops them, and the person then resumes against the wrong account or journal.
import type {RunCommands} from '../engine/run.js'

/** What the parser needs to know about a flag: its name, its one-letter alias, whether it takes a value. */
export interface FlagShape {
  char?: string
  type: 'boolean' | 'option'
}

/** One typed argument: a flag with its tokens (`--set`, `a=b` or `--set=a=b`), or a positional. */
interface Group {
  flag?: string
  tokens: string[]
}

/** Flags that say where a run lives and how to reach AWS: carried into hints for other commands. */
export const LOCATION_FLAGS = ['profile', 'region', 'endpoint', 'journal-dir', 'aws-timeout'] as const

const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/

/** Quotes each argument for a POSIX shell, so a hint can be pasted as is. */
export function shellQuote(args: readonly string[]): string {
  return args.map((a) => (a !== '' && SAFE.test(a) ? a : `'${a.replaceAll("'", `'\\''`)}'`)).join(' ')
}

export class CommandLine {
  private constructor(
    /** Words of the command, e.g. ['breakglass', 'grant']. */
    readonly command: string[],
    private readonly groups: Group[],
  ) {}

  static parse(commandId: string, argv: readonly string[], flags: Record<string, FlagShape>): CommandLine {
    const byChar = new Map(Object.entries(flags).flatMap(([name, f]) => (f.char ? [[f.char, name] as const] : [])))
    const groups: Group[] = []
    for (let i = 0; i < argv.length; i++) {
      const a = argv[i]
      if (a === '--') {
        groups.push(...argv.slice(i).map((t) => ({tokens: [t]})))
        break
      }
      const long = /^--([^=]+)(=.*)?$/.exec(a)
      const short = /^-([A-Za-z])$/.exec(a)
      const name = long ? long[1] : short ? byChar.get(short[1]) : undefined
      if (!name || !flags[name]) {
        groups.push({tokens: [a]})
        continue
      }
      const takesValue = flags[name].type === 'option' && !long?.[2]
      const tokens = takesValue && i + 1 < argv.length ? [a, argv[++i]] : [a]
      groups.push({flag: name, tokens})
    }
    return new CommandLine(commandId.split(/[: ]/), groups)
  }

  /** The typed command again, without the flags in `drop`, with `add` appended: `lockdown run F --resume R --yes`. */
  retry(opts: {drop?: readonly string[]; add?: readonly string[]} = {}): string {
    const kept = this.groups.filter((g) => !g.flag || !opts.drop?.includes(g.flag)).flatMap((g) => g.tokens)
    return `lockdown ${shellQuote([...this.command, ...kept, ...(opts.add ?? [])])}`
  }

  /** Another command about the same run or account: `lockdown undo RUN` plus where the run lives. */
  other(command: string, args: readonly string[] = []): string {
    const location = this.groups.filter((g) => g.flag && (LOCATION_FLAGS as readonly string[]).includes(g.flag)).flatMap((g) => g.tokens)
    return `lockdown ${shellQuote([...command.split(' '), ...args, ...location])}`
  }

  /** The positional arguments (not flags, not flag values): e.g. the playbook files of `validate a.yaml b.yaml`. */
  positionals(): string[] {
    return this.groups.filter((g) => !g.flag && !g.tokens[0].startsWith('-')).map((g) => g.tokens[0])
  }

  /** Whether the person typed this flag (by name or alias). */
  has(flag: string): boolean {
    return this.groups.some((g) => g.flag === flag)
  }
}

/**
 * The follow-up commands of a run started by `typed`: `lockdown run` resumes with --resume RUN --yes;
 * a one-step command (breakglass grant/revoke/expire) is simply run again with --yes (it re-plans).
 */
export function runCommands(typed: CommandLine, resumable: boolean): RunCommands {
  return {
    resume: (runId, accounts) =>
      resumable
        ? typed.retry({drop: ['resume', 'yes', 'accounts'], add: ['--resume', runId, ...(accounts?.length ? ['--accounts', accounts.join(',')] : []), '--yes']})
        : typed.retry({drop: ['yes'], add: ['--yes']}),
    undo: (runId) => typed.other('undo', [runId]),
  }
}
