import {Flags} from '@oclif/core'

import {BaseCommand} from '../../cli/base-command.js'
import {runCommands} from '../../cli/command-line.js'
import {runGenerated} from '../../cli/generated-run.js'
import {runSummary} from '../../cli/run-output.js'

export default class Revoke extends BaseCommand<typeof Revoke> {
  static override summary = "End an incident's break-glass grant now: close the trust policy and deny sessions already issued."
  static override examples = ['<%= config.bin %> breakglass revoke --incident INC-2041', '<%= config.bin %> breakglass revoke --incident INC-2041 --yes --json']
  static override flags = {
    incident: Flags.string({description: 'Incident whose grant ends.', required: true}),
    yes: Flags.boolean({char: 'y', description: 'Apply without asking.', default: false}),
  }

  async run() {
    const f = this.flags
    const result = await runGenerated({
      name: 'breakglass-revoke',
      incident: f.incident,
      step: {id: 'end', action: 'break-glass-revoke', with: {incident: f.incident}},
      yes: f.yes,
      json: this.jsonEnabled(),
      journalDir: f['journal-dir'],
      aws: this.awsOptions(),
      typed: this.commandLine(),
      say: (t) => this.say(t),
    })
    for (const line of runSummary(result, runCommands(this.commandLine(), false))) this.say(line)
    return result
  }
}
