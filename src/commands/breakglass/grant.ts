import {Flags} from '@oclif/core'

import {BaseCommand} from '../../cli/base-command.js'
import {runCommands} from '../../cli/command-line.js'
import {runGenerated} from '../../cli/generated-run.js'
import {runSummary} from '../../cli/run-output.js'

export default class Grant extends BaseCommand<typeof Grant> {
  static override summary = 'Give named responders time-bound access to a break-glass role (journaled; undo removes it).'
  static override description =
    'Ensures a role (default lockdown-break-glass, path /lockdown/) whose trust policy admits exactly the responders, only with MFA, only until the expiry, only with their own SourceIdentity. Granting again merges responders and extends the expiry. A role belongs to its incident: a role tagged for another incident (open or closed) is refused (exit 2); give the new incident its own with --role.'
  static override examples = [
    '<%= config.bin %> breakglass grant --incident INC-2041 --responder arn:aws:iam::111122223333:user/alice --policy arn:aws:iam::aws:policy/SecurityAudit',
    '<%= config.bin %> breakglass grant --incident INC-2041 --responder arn:aws:iam::111122223333:user/alice --responder arn:aws:iam::111122223333:user/bob --duration 2h --policy arn:aws:iam::aws:policy/AdministratorAccess --yes',
  ]
  static override flags = {
    incident: Flags.string({description: 'Incident id (tags the role; names the sessions).', required: true}),
    responder: Flags.string({description: 'Responder user or role ARN; repeatable.', multiple: true, required: true}),
    duration: Flags.string({description: 'How long the grant lasts (15m to 12h).', default: '4h'}),
    policy: Flags.string({description: 'Managed policy ARN the responders get; repeatable.', multiple: true, default: ['arn:aws:iam::aws:policy/SecurityAudit']}),
    role: Flags.string({description: 'Role name.', default: 'lockdown-break-glass'}),
    'no-mfa': Flags.boolean({description: 'Do not require MFA (not recommended).', default: false}),
    'external-id': Flags.string({description: 'Require this ExternalId.'}),
    yes: Flags.boolean({char: 'y', description: 'Apply without asking.', default: false}),
  }

  async run() {
    const f = this.flags
    const result = await runGenerated({
      name: 'breakglass-grant',
      incident: f.incident,
      step: {
        id: 'grant',
        action: 'break-glass',
        with: {responders: f.responder, duration: f.duration, policies: f.policy, roleName: f.role, mfa: !f['no-mfa'], ...(f['external-id'] ? {externalId: f['external-id']} : {})},
      },
      yes: f.yes,
      json: this.jsonEnabled(),
      journalDir: f['journal-dir'],
      aws: this.awsOptions(),
      typed: this.commandLine(),
      say: (t) => this.say(t),
    })
    for (const line of runSummary(result, runCommands(this.commandLine(), false))) this.say(line)
    if (result.status === 'done') this.say(`Responders get in with: lockdown breakglass assume --incident ${f.incident} --mfa-code CODE --format env`)
    return result
  }
}
