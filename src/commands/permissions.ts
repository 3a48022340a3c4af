import {BaseCommand} from '../cli/base-command.js'
import {playbookArg, setFlag, setVars} from '../cli/flags.js'
import {leastPrivilegePolicy} from '../engine/permissions.js'
import {loadAndValidate} from '../engine/validate.js'

export default class Permissions extends BaseCommand<typeof Permissions> {
  static override summary = 'Print the least-privilege IAM policy that running a playbook needs.'
  static override examples = ['<%= config.bin %> permissions playbooks/leaked-access-key.yaml > lockdown-policy.json']
  static override args = {file: playbookArg}
  static override flags = {set: setFlag}

  async run() {
    // The policy depends only on the actions, so required variables need no values here.
    const {steps} = await loadAndValidate(this.args.file, setVars(this.flags.set), undefined, {pendingVars: true})
    const policy = leastPrivilegePolicy(steps.map((v) => v.action))
    this.say(JSON.stringify(policy, null, 2))
    return policy
  }
}
