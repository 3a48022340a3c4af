import {Flags} from '@oclif/core'

import {BaseCommand} from '../../cli/base-command.js'
import {runCommands} from '../../cli/command-line.js'
import {runGenerated} from '../../cli/generated-run.js'
import {runSummary} from '../../cli/run-output.js'

export default class Expire extends BaseCommand<typeof Expire> {
  static override summary = 'End every break-glass grant past its expiry (for a scheduler): close trust, deny older sessions.'
  static override description =
    'An expiry in a trust policy only stops new sessions; a session started just before it lives on. Run this from cron every few minutes:\n  */5 * * * * cd /srv/lockdown && lockdown breakglass expire --yes --json >> expire.log\nWhen nothing has expired it says so, exits 0 and journals no run (status "nothing" under --json).'
  static override examples = ['<%= config.bin %> breakglass expire --yes']
  static override flags = {yes: Flags.boolean({char: 'y', description: 'Apply without asking.', default: false})}

  async run() {
    const result = await runGenerated({
      name: 'breakglass-expire',
      step: {id: 'expire', action: 'break-glass-revoke', with: {expired: true}},
      yes: this.flags.yes,
      json: this.jsonEnabled(),
      journalDir: this.flags['journal-dir'],
      aws: this.awsOptions(),
      typed: this.commandLine(),
      say: (t) => this.say(t),
      skipEmpty: true,
    })
    if (result.status === 'nothing') {
      this.say('Nothing expired: no grant past its expiry is still open; no run journaled.')
      return result
    }
    for (const line of runSummary(result, runCommands(this.commandLine(), false))) this.say(line)
    return result
  }
}
