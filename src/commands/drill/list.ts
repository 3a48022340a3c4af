import {Flags} from '@oclif/core'

import {BaseCommand} from '../../cli/base-command.js'
import {listDrills} from '../../drill/list.js'
import {SHIPPED_DRILLS} from '../../playbook/shipped.js'

export default class DrillList extends BaseCommand<typeof DrillList> {
  static override summary = 'List the shipped attack drills.'
  static override examples = ['<%= config.bin %> drill list', '<%= config.bin %> drill list --dir my-drills']
  static override flags = {dir: Flags.string({description: 'Folder of drill files (default: the drills shipped with lockdown).'})}

  async run() {
    // The shipped drills live in the package, not in the current folder: an installed lockdown lists them from anywhere.
    const dir = this.flags.dir ?? SHIPPED_DRILLS
    const drills = await listDrills(dir)
    for (const d of drills) this.say(`${d.name.padEnd(28)} ${d.description}\n${' '.repeat(29)}lockdown drill run ${this.flags.dir ? d.file : d.name}`)
    return {drills}
  }
}
