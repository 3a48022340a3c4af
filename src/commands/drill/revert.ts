import {Args} from '@oclif/core'

import {BaseCommand} from '../../cli/base-command.js'
import {revertSandbox} from '../../drill/sandbox.js'
import {UndoError} from '../../errors.js'

export default class DrillRevert extends BaseCommand<typeof DrillRevert> {
  static override summary = 'Remove what a sandbox drill seeded, from its revert log (after a crash or kill).'
  static override examples = ['<%= config.bin %> drill revert 20261126T091500Z-3fa2 --profile sandbox']
  static override args = {id: Args.string({description: 'Drill id (the folder under .lockdown/drills/)', required: true})}

  async run() {
    const r = await revertSandbox(this.awsOptions(), this.flags['journal-dir'], this.args.id)
    if (!r.ok) throw new UndoError(r.detail, {next: this.commandLine().retry()})
    this.say(r.detail)
    return r
  }
}
