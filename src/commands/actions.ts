import {BaseCommand} from '../cli/base-command.js'
import {actionCatalog} from '../engine/catalog.js'

export default class Actions extends BaseCommand<typeof Actions> {
  static override summary = 'List the playbook actions: what each does, its parameters and IAM permissions.'
  static override examples = ['<%= config.bin %> actions', '<%= config.bin %> actions --json']

  async run() {
    const actions = actionCatalog()
    for (const a of actions) {
      this.say(`${a.name}\n  ${a.summary}\n  parameters: ${a.parameters.map((p) => (p.required ? p.name : `${p.name}?`)).join(', ')}\n  permissions: ${a.permissions.join(', ')}\n`)
    }
    return {actions}
  }
}
