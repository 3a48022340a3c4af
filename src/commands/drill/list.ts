import {Flags} from '@oclif/core'

import {BaseCommand} from '../../cli/base-command.js'
import {listDrills} from '../../drill/list.js'

export default class DrillList extends BaseCommand<typeof DrillList> {
  static override summary = 'List the shipped attack drills.'
  static override examples = ['<%= config.bin %> drill list']
  static override flags = {dir: Flags.string({description: 'Folder of drill files.', default: 'playbooks/drills'})}

  async run() {
    const drills = await listDrills(this.flags.dir)
    for (const d of drills) this.say(`${d.name.padEnd(28)} ${d.description}\n${' '.repeat(29)}lockdown drill run ${d.file}`)
    return {drills}
  }
}
