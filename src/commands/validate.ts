import {Args} from '@oclif/core'

import {BaseCommand} from '../cli/base-command.js'
import {exitCodeHelp} from '../errors.js'
import {loadAndValidate} from '../engine/validate.js'
import {InvalidInputError, type SourceIssue} from '../errors.js'
import {reportsDirFlag, setFlag, setVars} from '../cli/flags.js'
import {resolvePlaybookFile} from '../playbook/shipped.js'

export default class Validate extends BaseCommand<typeof Validate> {
  static override summary = 'Check playbooks against the schema and the actions; no AWS calls.'
  static override description =
    'Reports every problem at once with file:line:column, the step id and the field, what was expected and what was found. Exit 2 when any playbook is invalid.' + '\n\n' + exitCodeHelp()
  static override examples = [
    '<%= config.bin %> validate playbooks/leaked-access-key.yaml',
    '<%= config.bin %> validate playbooks/*.yaml --json',
    '<%= config.bin %> validate playbooks/leaked-access-key.yaml --set user=ci-deploy',
  ]
  static override strict = false
  static override args = {file: Args.string({description: 'Playbook file(s), or names of shipped playbooks (e.g. leaked-access-key)', required: true})}
  static override flags = {set: setFlag, 'reports-dir': reportsDirFlag}

  async run() {
    // The positionals, not argv minus dashes: `--journal-dir D` or `--endpoint URL` made D and URL playbooks.
    const files = this.commandLine().positionals().map((a) => resolvePlaybookFile(a))
    const issues: SourceIssue[] = []
    const results: {file: string; valid: boolean; steps: number; required?: string[]; unchecked?: string[]}[] = []
    for (const file of files) {
      try {
        const {loaded, steps} = await loadAndValidate(file, setVars(this.flags.set), undefined, {pendingVars: true, reportsDir: this.flags['reports-dir']})
        const deferred = steps.filter((s) => s.deferred).map((s) => s.step.id)
        results.push({file, valid: true, steps: steps.length, ...(loaded.pending.length ? {required: loaded.pending, unchecked: deferred} : {})})
        this.say(`✓ ${file}: ${loaded.playbook.name}, ${steps.length} step(s)`)
        if (loaded.pending.length) {
          this.say(`  plan and run need ${loaded.pending.map((n) => `--set ${n}=VALUE`).join(' ')}; step(s) ${deferred.join(', ')} are checked once they are given`)
        }
      } catch (error) {
        if (!(error instanceof InvalidInputError)) throw error
        results.push({file, valid: false, steps: 0})
        issues.push(...(error.issues.length ? error.issues : [{file, line: 1, column: 1, path: '', message: error.message}]))
      }
    }
    if (issues.length) {
      throw new InvalidInputError(`${results.filter((r) => !r.valid).length} of ${files.length} playbook(s) invalid`, issues, {
        next: 'fix the lines above and run lockdown validate again',
      })
    }
    return {valid: true, files: results}
  }
}
