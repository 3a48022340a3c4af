import {Flags} from '@oclif/core'

import {BaseCommand} from '../cli/base-command.js'
import {runCommands} from '../cli/command-line.js'
import {exitCodeHelp} from '../errors.js'
import {askYesNo, requireConfirmable} from '../cli/confirm.js'
import {playbookArg, reportsDirFlag, setFlag, setVars} from '../cli/flags.js'
import {formatPlan} from '../cli/format-plan.js'
import {runSummary} from '../cli/run-output.js'
import {resumeRun, runPlaybook, type RunResult} from '../engine/run.js'
import {RUN_ID} from '../engine/run-id.js'
import {InvalidInputError} from '../errors.js'

export default class Run extends BaseCommand<typeof Run> {
  static override summary = 'Plan, confirm, apply with a journal, verify: the lockdown itself.'
  static override description =
    'Every change is journaled (.lockdown/runs/<run-id>/journal.jsonl) before it is sent, so `lockdown undo RUN` reverts it and `--resume RUN` finishes an interrupted run without applying anything twice. Without a terminal, --yes is required.' + '\n\n' + exitCodeHelp()
  static override examples = [
    '<%= config.bin %> run playbooks/leaked-access-key.yaml',
    '<%= config.bin %> run playbooks/leaked-access-key.yaml --yes --set user=ci-deploy',
    '<%= config.bin %> run playbooks/leaked-access-key.yaml --resume 20261126T091500Z-3fa2 --yes',
    '<%= config.bin %> run playbooks/org-contain.yaml --resume 20261126T091500Z-3fa2 --accounts 222233334444,333344445555 --yes',
  ]
  static override args = {file: playbookArg}
  static override flags = {
    set: setFlag,
    'reports-dir': reportsDirFlag,
    'yes-i-will-lock-myself-out': Flags.boolean({description: "Apply a step with allowSelf: true that changes the caller's own principal or key (it can end your access).", default: false}),
    yes: Flags.boolean({char: 'y', description: 'Apply without asking (required when not at a terminal).', default: false}),
    resume: Flags.string({description: 'Finish the interrupted run with this id (from `lockdown runs`).'}),
    concurrency: Flags.integer({description: 'Changes applied in parallel within a step.', default: 8, min: 1, max: 64}),
    accounts: Flags.string({description: 'With --resume: finish only these accounts of the run (comma-separated ids; the ledger of an unfinished run names them).', dependsOn: ['resume']}),
  }

  async run(): Promise<RunResult> {
    const {file} = this.args
    const f = this.flags
    const typed = this.commandLine()
    requireConfirmable(f.yes, typed.retry({drop: ['yes']}))
    if (f.resume && !RUN_ID.test(f.resume)) throw new InvalidInputError(`--resume ${f.resume}: not a run id`, [], {next: typed.other('runs')})
    const accounts = f.accounts?.split(',').map((a) => a.trim()).filter(Boolean)
    const bad = accounts?.filter((a) => !/^\d{12}$/.test(a)) ?? []
    if (bad.length) throw new InvalidInputError(`--accounts ${bad.join(',')}: expected 12-digit account ids, comma-separated`, [], {next: typed.other('runs')})
    const commands = runCommands(typed, true)
    const opts = {
      file,
      set: setVars(f.set),
      reportsDir: f['reports-dir'],
      lockMyselfOut: f['yes-i-will-lock-myself-out'],
      journalDir: f['journal-dir'],
      aws: this.awsOptions(),
      concurrency: f.concurrency,
      accounts,
      quiet: this.jsonEnabled(),
      // Also with --yes: a CI log then records what was applied.
      showPlan: this.jsonEnabled() ? undefined : (plan: Parameters<typeof formatPlan>[0]) => this.say(formatPlan(plan)),
      confirm: f.yes ? undefined : () => askYesNo('Apply these changes?'),
      commands,
    }
    const result = await this.withSignals((signal) => (f.resume ? resumeRun(f.resume, {...opts, signal}) : runPlaybook({...opts, signal})))
    for (const line of runSummary(result, commands)) this.say(line)
    return result
  }
}
