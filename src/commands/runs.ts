import {BaseCommand} from '../cli/base-command.js'
import {listRuns} from '../engine/runs.js'

export default class Runs extends BaseCommand<typeof Runs> {
  static override summary = 'List past runs from the journal directory, newest first.'
  static override examples = ['<%= config.bin %> runs', '<%= config.bin %> runs --journal-dir /var/lib/lockdown --json']

  async run() {
    const runs = listRuns(this.flags['journal-dir'])
    if (runs.length === 0) this.say(`No runs in ${this.flags['journal-dir']}/runs.`)
    for (const r of runs) {
      this.say(
        `${r.runId}  ${r.status.padEnd(13)} ${r.playbook}${r.incident ? ` [${r.incident}]` : ''}  ` +
          `${r.applied}/${r.planned} applied${r.failed ? `, ${r.failed} failed` : ''}${r.undone ? `, ${r.undone} undone` : ''}`,
      )
    }
    return {runs}
  }
}
