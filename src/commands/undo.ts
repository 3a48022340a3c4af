import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../cli/base-command.js'
import {exitCodeHelp} from '../errors.js'
import {askYesNo, requireConfirmable} from '../cli/confirm.js'
import {RUN_ID} from '../engine/run-id.js'
import {undoRun} from '../engine/undo.js'
import {InvalidInputError} from '../errors.js'

export default class Undo extends BaseCommand<typeof Undo> {
  static override summary = "Revert a run's changes from its journal, newest first."
  static override description =
    'Restores the recorded `before` of every change the run applied, including a change whose outcome was never recorded because the process died mid-call. Undo is journaled too: run it again after an interruption.' + '\n\n' + exitCodeHelp()
  static override examples = ['<%= config.bin %> undo 20261126T091500Z-3fa2', '<%= config.bin %> undo 20261126T091500Z-3fa2 --yes --json']
  static override args = {run: Args.string({description: 'Run id (see `lockdown runs`)', required: true})}
  static override flags = {yes: Flags.boolean({char: 'y', description: 'Undo without asking.', default: false})}

  async run() {
    const {run} = this.args
    if (!RUN_ID.test(run)) throw new InvalidInputError(`${run}: not a run id`, [], {next: 'lockdown runs'})
    requireConfirmable(this.flags.yes, this.commandLine().retry({drop: ['yes']}))
    if (!this.flags.yes && !(await askYesNo(`Revert the changes of run ${run}?`))) {
      this.say('Cancelled: nothing was changed.')
      return {runId: run, cancelled: true}
    }
    const result = await undoRun(run, {journalDir: this.flags['journal-dir'], aws: this.awsOptions()})
    for (const u of result.undone) this.say(`↺ ${u.step}: ${u.target}`)
    for (const u of result.notUndoable) this.say(`· ${u.step}: ${u.target} (read-only, nothing to undo)`)
    this.say(`Run ${run}: ${result.undone.length} change(s) reverted.`)
    return result
  }
}
