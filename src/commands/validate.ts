import {Args} from '@oclif/core'

import {BaseCommand} from '../cli/base-command.js'
import {reportsDirFlag, setFlag} from '../cli/flags.js'
import {validateFiles} from '../cli/validate-files.js'
import {exitCodeHelp} from '../errors.js'

// bin/run.js answers the common forms of this command without loading oclif (src/cli/validate-fast.ts);
// both call validateFiles, and test/cli/validate-fast.test.ts holds their output equal.
export default class Validate extends BaseCommand<typeof Validate> {
  static override summary = 'Check playbooks against the schema and the actions; no AWS calls.'
  static override description =
    'Reports every problem at once with file:line:column, the step id and the field, what was expected and what was found. Exit 2 when any playbook is invalid.' + '\n\n' + exitCodeHelp()
  static override examples = [
    '<%= config.bin %> validate playbooks/leaked-access-key.yaml',
    '<%= config.bin %> validate playbooks/*.yaml --json',
    '<%= config.bin %> validate playbooks/leaked-access-key.yaml --set user=ci-deploy',
  ]
  static override strict = false
  static override args = {file: Args.string({description: 'Playbook file(s), or names of shipped playbooks (e.g. leaked-access-key)', required: true})}
  static override flags = {set: setFlag, 'reports-dir': reportsDirFlag}

  async run() {
    // The positionals, not argv minus dashes: `--journal-dir D` or `--endpoint URL` made D and URL playbooks.
    const args = this.commandLine().positionals()
    return validateFiles({args, set: this.flags.set, reportsDir: this.flags['reports-dir'], say: (text) => this.say(text)})
  }
}
