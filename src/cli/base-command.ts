// Shared flags and error handling for every command: commands stay thin (parse, call one module, format).
// `run()` returns the --json object; human output is printed only when --json is off.
import {Command, Flags, Interfaces} from '@oclif/core'

import type {AwsOptions} from '../aws/clients.js'
import {LockdownError} from '../errors.js'

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
    'journal-dir': Flags.string({description: 'Where runs and their journals live.', default: '.lockdown', helpGroup: 'GLOBAL'}),
  }

  protected flags!: BaseFlags<T>
  protected args!: BaseArgs<T>

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
      ...extra,
    }
  }

  /** Human output only; under --json the returned object is the output. */
  protected say(text = ''): void {
    if (!this.jsonEnabled()) this.log(text)
  }

  protected override async catch(err: Error & {exitCode?: number}): Promise<unknown> {
    if (err instanceof LockdownError) {
      process.exitCode = err.exitCode
      if (this.jsonEnabled()) {
        this.logJson({error: {name: err.name, exitCode: err.exitCode, message: err.message, next: err.next, detail: err.detail}})
        return
      }
      this.logToStderr(`Error: ${err.message}`)
      if (err.next) this.logToStderr(`Next: ${err.next}`)
      if (process.env.DEBUG?.startsWith('lockdown')) this.logToStderr(err.stack ?? '')
      this.exit(err.exitCode)
    }
    return super.catch(err)
  }
}
