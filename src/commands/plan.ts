import {BaseCommand} from '../cli/base-command.js'
import {exitCodeHelp} from '../errors.js'
import {playbookArg, reportsDirFlag, setFlag, setVars} from '../cli/flags.js'
import {formatPlan} from '../cli/format-plan.js'
import {planFile} from '../engine/plan.js'

export default class Plan extends BaseCommand<typeof Plan> {
  static override summary = 'Show what a playbook would change: read-only, nothing is written.'
  static override description =
    'Resolves every step against the account (who, which keys, which roles), applies the guards and prints each change as before -> after, what is skipped and why, and the IAM permissions the run needs.' + '\n\n' + exitCodeHelp()
  static override examples = [
    '<%= config.bin %> plan playbooks/leaked-access-key.yaml',
    '<%= config.bin %> plan playbooks/leaked-access-key.yaml --set user=ci-deploy --profile prod',
    '<%= config.bin %> plan playbooks/leaked-access-key.yaml --json | jq .steps[].changes',
  ]
  static override args = {file: playbookArg}
  static override flags = {set: setFlag, 'reports-dir': reportsDirFlag}

  async run() {
    const plan = await planFile({file: this.args.file, set: setVars(this.flags.set), reportsDir: this.flags['reports-dir'], aws: this.awsOptions()})
    this.say(formatPlan(plan))
    return plan
  }
}
