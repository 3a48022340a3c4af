import {Flags} from '@oclif/core'

import {BaseCommand} from '../cli/base-command.js'
import {playbookArg, setFlag, setVars} from '../cli/flags.js'
import {accessOf} from '../engine/accounts.js'
import {accessRolePolicy, callerPolicy, stackSetTemplate} from '../engine/access-role.js'
import {leastPrivilegePolicy, permissionNotes} from '../engine/permissions.js'
import {loadAndValidate} from '../engine/validate.js'

export default class Permissions extends BaseCommand<typeof Permissions> {
  static override summary = 'Print the least-privilege IAM policy that running a playbook needs (the caller’s, or the access role’s in member accounts).'
  static override description =
    'For a playbook over several accounts, --for access-role prints what the access role needs in each member account, and --format stackset a CloudFormation template that deploys that role to every account of an organization with StackSets.'
  static override examples = [
    '<%= config.bin %> permissions playbooks/leaked-access-key.yaml > lockdown-policy.json',
    '<%= config.bin %> permissions playbooks/org-contain.yaml --for access-role',
    '<%= config.bin %> permissions playbooks/org-contain.yaml --format stackset > lockdown-access-role.json',
  ]
  static override args = {file: playbookArg}
  static override flags = {
    set: setFlag,
    for: Flags.string({description: 'Whose policy: the caller running lockdown, or the access role it enters member accounts with.', options: ['caller', 'access-role'], default: 'caller'}),
    format: Flags.string({description: 'policy: an IAM policy document; stackset: a CloudFormation template of the access role (for StackSets).', options: ['policy', 'stackset'], default: 'policy'}),
  }

  async run() {
    // The policy depends only on the actions, so required variables need no values here.
    const {loaded, steps} = await loadAndValidate(this.args.file, setVars(this.flags.set), undefined, {pendingVars: true})
    // Steps, not only actions: what a step needs can depend on its `with:` (a forensics source's bucket).
    const actions = steps
    const {playbook} = loaded
    const organization = playbook.accounts.some((a) => typeof a === 'object')
    const otherAccounts = organization || playbook.accounts.some((a) => a !== 'current')
    const out =
      this.flags.format === 'stackset'
        ? stackSetTemplate(actions, accessOf(playbook))
        : this.flags.for === 'access-role'
          ? accessRolePolicy(actions)
          : otherAccounts
            ? callerPolicy(actions, {access: accessOf(playbook), organization, otherAccounts})
            : leastPrivilegePolicy(actions)
    this.say(JSON.stringify(out, null, 2))
    // What an IAM policy cannot say (a KMS key only the bucket knows) goes to stderr: stdout stays a policy.
    for (const note of permissionNotes(steps)) this.logToStderr(`note: ${note}`)
    return out
  }
}
