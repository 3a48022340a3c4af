import {Flags} from '@oclif/core'
import {createInterface} from 'node:readline/promises'

import {credentialProcessJson, envExports, writeProfile} from '../../cli/aws-profile.js'
import {BaseCommand} from '../../cli/base-command.js'
import {assumeBreakGlass} from '../../engine/breakglass.js'
import {InvalidInputError} from '../../errors.js'

export default class Assume extends BaseCommand<typeof Assume> {
  static override summary = "Assume an incident's break-glass role as a responder (MFA; SourceIdentity = you)."
  static override description =
    'Secrets go only to the credential output you choose: shell exports on stdout (--format env, the default: eval "$(lockdown breakglass assume …)"), credential_process JSON on stdout (--format process), or a profile in the shared credentials file written with mode 0600 (--write-profile). Never to logs, the journal or --json summaries.'
  static override examples = [
    'eval "$(<%= config.bin %> breakglass assume --incident INC-2041 --mfa-code 123456)"',
    '<%= config.bin %> breakglass assume --incident INC-2041 --mfa-code 123456 --write-profile inc-2041 && aws --profile inc-2041 sts get-caller-identity',
  ]
  static override flags = {
    incident: Flags.string({description: 'Incident whose grant to use.'}),
    role: Flags.string({description: 'Break-glass role name (instead of --incident).'}),
    'mfa-code': Flags.string({description: 'Current code of your MFA device (asked for at a terminal when missing).'}),
    serial: Flags.string({description: 'MFA device serial/ARN (default: your first device).'}),
    format: Flags.string({description: 'Where the credentials go (default: shell exports, env; with --write-profile: only the profile).', options: ['process', 'env']}),
    'write-profile': Flags.string({description: 'Write the credentials as this profile (mode 0600).'}),
    'duration-seconds': Flags.integer({description: 'Session length (capped by the grant).'}),
  }

  async run() {
    const f = this.flags
    // --json is a summary without secrets, so it needs a profile to put them in; otherwise shell exports,
    // what a responder pastes into `eval "$(…)"`.
    if (this.jsonEnabled() && f.format) {
      throw new InvalidInputError('--json prints a summary without secrets; it cannot be combined with --format process|env', [], {next: 'use --write-profile NAME --json'})
    }
    if (this.jsonEnabled() && !f['write-profile']) {
      throw new InvalidInputError('--json prints a summary without secrets: say where the credentials go with --write-profile NAME', [], {next: 'lockdown breakglass assume ... --write-profile NAME --json'})
    }
    const format = f.format ?? 'env'
    const r = await assumeBreakGlass({
      aws: this.awsOptions(),
      incident: f.incident,
      roleName: f.role,
      serial: f.serial,
      durationSeconds: f['duration-seconds'],
      mfaCode: f['mfa-code'] ?? (process.stdin.isTTY ? () => promptCode() : undefined),
    })
    const summary = {roleArn: r.roleArn, assumedRoleArn: r.assumedRoleArn, sourceIdentity: r.sourceIdentity, expiration: r.expiration, accessKeyId: r.credentials.accessKeyId}
    if (f['write-profile']) {
      const path = writeProfile(f['write-profile'], r.credentials)
      this.say(`Profile ${f['write-profile']} written to ${path} (0600), as ${r.assumedRoleArn} until ${r.expiration}.`)
      return {...summary, profile: f['write-profile'], credentialsFile: path}
    }
    // The credential output itself: the only place the secret is printed.
    this.log(format === 'process' ? credentialProcessJson(r.credentials) : envExports(r.credentials))
    return summary
  }
}

async function promptCode(): Promise<string> {
  const rl = createInterface({input: process.stdin, output: process.stderr})
  try {
    return (await rl.question('MFA code: ')).trim()
  } finally {
    rl.close()
  }
}
