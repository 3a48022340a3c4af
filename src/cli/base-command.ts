// Shared flags and error handling for every command: commands stay thin (parse, call one module, format).
// `run()` returns the --json object; human output is printed only when --json is off.
import {Command, Flags, Interfaces} from '@oclif/core'

import type {AwsOptions} from '../aws/clients.js'
import {InvalidInputError} from '../errors.js'
import {parseDuration} from '../playbook/time.js'
import {CommandLine, type FlagShape} from './command-line.js'
import {errorEnvelope, errorLines, isExitRequest, toLockdownError} from './error-envelope.js'
import {catchSignals, type SignalScope} from './signals.js'

export type BaseFlags<T extends typeof Command> = Interfaces.InferredFlags<(typeof BaseCommand)['baseFlags'] & T['flags']>
export type BaseArgs<T extends typeof Command> = Interfaces.InferredArgs<T['args']>

export abstract class BaseCommand<T extends typeof Command> extends Command {
  static override enableJsonFlag = true

  static override baseFlags = {
    profile: Flags.string({description: 'AWS profile from ~/.aws/config (SSO profiles work).', env: 'AWS_PROFILE', helpGroup: 'AWS'}),
    region: Flags.string({description: 'AWS region for STS and CloudTrail (IAM is global).', env: 'AWS_REGION', helpGroup: 'AWS'}),
    endpoint: Flags.string({
      description: 'Send every AWS call to this endpoint (e.g. a `lockdown sim serve` URL). Default: AWS_ENDPOINT_URL* or AWS.',
      helpGroup: 'AWS',
    }),
    'aws-timeout': Flags.string({
      description: 'Longest one AWS call may take, retries included (30s, 2m). Connecting gets at most 10s. Default: 60s.',
      env: 'LOCKDOWN_AWS_TIMEOUT',
      helpGroup: 'AWS',
    }),
    'journal-dir': Flags.string({description: 'Where runs and their journals live.', default: '.lockdown', helpGroup: 'GLOBAL'}),
  }

  protected flags!: BaseFlags<T>
  protected args!: BaseArgs<T>
  /** Set while withSignals() runs: which signal, if any, stopped the command. */
  private signals?: SignalScope

  public override async init(): Promise<void> {
    await super.init()
    const {args, flags} = await this.parse({
      flags: this.ctor.flags,
      baseFlags: (super.ctor as typeof BaseCommand).baseFlags,
      enableJsonFlag: this.ctor.enableJsonFlag,
      args: this.ctor.args,
      strict: this.ctor.strict,
    })
    this.flags = flags as BaseFlags<T>
    this.args = args as BaseArgs<T>
  }

  protected awsOptions(extra: Partial<AwsOptions> = {}): AwsOptions {
    const f = this.flags as Record<string, unknown>
    return {
      profile: f.profile as string | undefined,
      region: f.region as string | undefined,
      endpoint: f.endpoint as string | undefined,
      timeoutMs: awsTimeoutMs(f['aws-timeout'] as string | undefined),
      ...extra,
    }
  }

  /** Human output only; under --json the returned object is the output. */
  protected say(text = ''): void {
    if (!this.jsonEnabled()) this.log(text)
  }

  /** What the person typed, for `Next:` hints that keep their flags (src/cli/command-line.ts). */
  protected commandLine(): CommandLine {
    const all = {...(this.ctor as typeof BaseCommand).baseFlags, ...this.ctor.flags} as Record<string, FlagShape>
    return CommandLine.parse(this.id ?? '', this.argv, all)
  }

  /** Runs `fn` owning SIGINT/SIGTERM: they abort the signal passed down (the engine ends with exit 130). */
  protected async withSignals<R>(fn: (signal: AbortSignal) => Promise<R>): Promise<R> {
    const scope = catchSignals((sig) => {
      if (!this.jsonEnabled()) process.stderr.write(`\n${sig}: cancelling the call in flight and stopping; Ctrl-C again to leave at once\n`)
    })
    this.signals = scope
    try {
      return await fn(scope.signal)
    } finally {
      scope.dispose()
    }
  }

  /**
   * --json output. Piped (CI, jq, a script), oclif's colouring pass only re-reads the text it made, and on
   * a run over 1,000 roles that pass (a regex per token, a cycle check per key) cost most of a second
   * after the last AWS call; the text is the same without it. A terminal still gets colours.
   */
  override logJson(json: unknown): void {
    if (process.stdout.isTTY) return super.logJson(json)
    process.stdout.write(`${JSON.stringify(json, null, 2)}\n`)
  }

  protected override async catch(err: Error & {exitCode?: number}): Promise<unknown> {
    if (isExitRequest(err)) throw err
    const ctx = {command: this.id?.replaceAll(':', ' '), interrupted: this.signals?.received}
    const e = toLockdownError(err, ctx)
    process.exitCode = e.exitCode
    if (this.jsonEnabled()) {
      this.logJson(errorEnvelope(e, ctx))
      return
    }
    for (const line of errorLines(e, ctx)) this.logToStderr(line)
    this.exit(e.exitCode)
  }
}

function awsTimeoutMs(text: string | undefined): number | undefined {
  if (text === undefined) return undefined
  const ms = parseDuration(text)
  if (ms === undefined || ms < 100) {
    throw new InvalidInputError(`--aws-timeout ${text}: expected a duration like 30s or 2m (from the flag or LOCKDOWN_AWS_TIMEOUT)`, [], {next: 'pass --aws-timeout 60s'})
  }
  return ms
}
