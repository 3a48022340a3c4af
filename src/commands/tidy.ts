import {Flags} from '@oclif/core'

import {BaseCommand} from '../cli/base-command.js'
import {runCommands} from '../cli/command-line.js'
import {runGenerated} from '../cli/generated-run.js'
import {runSummary} from '../cli/run-output.js'
import {exitCodeHelp} from '../errors.js'

export default class Tidy extends BaseCommand<typeof Tidy> {
  static override summary = 'Remove lockdown revocations that deny nothing any more (journaled; `lockdown undo RUN` puts them back).'
  static override description =
    'A revocation denies credentials issued before its cutoff; role sessions last at most 12 h and GetSessionToken/GetFederationToken credentials 36 h, so after that the deny is a no-op that only costs inline policy budget. With --scps, lockdown\'s revocation SCPs (revoke-org) past that point are detached and deleted too (or lose their expired parts): each holds one of the five SCP slots of its target. `lockdown status` shows them.' +
    '\n\n' +
    exitCodeHelp()
  static override examples = ['<%= config.bin %> tidy', '<%= config.bin %> tidy --yes --json', '<%= config.bin %> tidy --scps   # in the management account: also lockdown\'s no-op SCPs']
  static override flags = {
    yes: Flags.boolean({char: 'y', description: 'Apply without asking.', default: false}),
    scps: Flags.boolean({
      description:
        "Also detach and delete lockdown's revocation SCPs (revoke-org) that deny nothing any more, or drop their expired parts, freeing SCP slots (five per target). Run in the organization's management account; needs the Organizations policy permissions (lockdown permissions lists them for action tidy-scps).",
      default: false,
    }),
  }

  async run() {
    const result = await runGenerated({
      name: 'tidy',
      step: {id: 'tidy', action: 'tidy-revocations', with: {}},
      more: this.flags.scps ? [{id: 'tidy-scps', action: 'tidy-scps', with: {}}] : [],
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
