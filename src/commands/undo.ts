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
    'Reverts this run\'s part of every planned change, judged by the account: a change the account shows as the run left it is reverted (even when the journal lost its lines, or the apply failed half-way); one already as before is left; one changed since by someone else (drift) is listed with before/now/after and left alone unless --force (exit 6). Revocations and deactivated keys other runs still hold stay in force. The journal is checked first: credentials for another account are exit 3, a journaled change lockdown could not have planned is exit 6. Undo is journaled too: run it again after an interruption.' + '\n\n' + exitCodeHelp()
  static override examples = ['<%= config.bin %> undo 20261126T091500Z-3fa2', '<%= config.bin %> undo 20261126T091500Z-3fa2 --yes --json']
  static override args = {run: Args.string({description: 'Run id (see `lockdown runs`)', required: true})}
  static override flags = {
    yes: Flags.boolean({char: 'y', description: 'Undo without asking.', default: false}),
    force: Flags.boolean({description: 'Also revert changes that someone or something changed since the run (drift), and keys other runs still hold.', default: false}),
  }

  async run() {
    const {run} = this.args
    if (!RUN_ID.test(run)) throw new InvalidInputError(`${run}: not a run id`, [], {next: 'lockdown runs'})
    requireConfirmable(this.flags.yes, this.commandLine().retry({drop: ['yes']}))
    if (!this.flags.yes && !(await askYesNo(`Revert the changes of run ${run}?`))) {
      this.say('Cancelled: nothing was changed.')
      return {runId: run, cancelled: true}
    }
    // Ctrl-C stops between changes; the message names this same command (with --yes) to finish.
    const again = this.commandLine().retry({drop: ['yes'], add: ['--yes']})
    const result = await this.withSignals((signal) => undoRun(run, {journalDir: this.flags['journal-dir'], aws: this.awsOptions(), force: this.flags.force, signal, again}))
    for (const n of result.notes) this.say(`! ${n}`)
    for (const u of result.undone) this.say(`↺ ${u.step}: ${u.target}${u.note ? ` (${u.note})` : ''}`)
    for (const u of result.alreadyAsBefore) this.say(`· ${u.step}: ${u.target} (already as before the run)`)
    for (const u of result.notUndoable) this.say(`· ${u.step}: ${u.target} (read-only, nothing to undo)`)
    this.say(`Run ${run}: ${result.undone.length} change(s) reverted.`)
    return result
  }
}
