import {Flags} from '@oclif/core'

import {BaseCommand} from '../cli/base-command.js'
import {runCommands} from '../cli/command-line.js'
import {runGenerated} from '../cli/generated-run.js'
import {runSummary} from '../cli/run-output.js'
import {exitCodeHelp} from '../errors.js'

export default class Tidy extends BaseCommand<typeof Tidy> {
  static override summary = 'Remove lockdown revocations that deny nothing any more (journaled; `lockdown undo RUN` puts them back).'
  static override description =
    'A revocation denies credentials issued before its cutoff; role sessions last at most 12 h and GetSessionToken/GetFederationToken credentials 36 h, so after that the deny is a no-op that only costs inline policy budget. `lockdown status` shows them.' +
    '\n\n' +
    exitCodeHelp()
  static override examples = ['<%= config.bin %> tidy', '<%= config.bin %> tidy --yes --json']
  static override flags = {yes: Flags.boolean({char: 'y', description: 'Apply without asking.', default: false})}

  async run() {
    const result = await runGenerated({
      name: 'tidy',
      step: {id: 'tidy', action: 'tidy-revocations', with: {}},
      yes: this.flags.yes,
      json: this.jsonEnabled(),
      journalDir: this.flags['journal-dir'],
      aws: this.awsOptions(),
      typed: this.commandLine(),
      say: (t) => this.say(t),
    })
    for (const line of runSummary(result, runCommands(this.commandLine(), false))) this.say(line)
    return result
  }
}
