import {Flags} from '@oclif/core'

import {BaseCommand} from '../../cli/base-command.js'
import {drillArg} from '../../cli/flags.js'
import {runDrill} from '../../drill/run.js'
import type {Scorecard} from '../../drill/scorecard.js'
import {EXIT, exitCodeHelp} from '../../errors.js'

export default class DrillRun extends BaseCommand<typeof DrillRun> {
  static override summary = 'Run an attack drill on the embedded simulated account and score the response.'
  static override description =
    'Seeds a simulated AWS account, detonates the attack (the attacker keeps calling every ~200 ms), runs the response playbook through the normal engine and journal, verifies containment from the attacker side, rebuilds the attacker chain from CloudTrail, reverts with `lockdown undo`, and prints a scorecard. Exit 0 when every expectation holds, 5 when one fails, so cron or CI can alert.\n\n' +
    exitCodeHelp()
  static override examples = [
    '<%= config.bin %> drill run compromised-role-chain',
    '<%= config.bin %> drill run playbooks/drills/leaked-access-key.yaml --ideal --json > scorecard.json',
    '<%= config.bin %> drill run playbooks/drills/compromised-role-chain.yaml --profile sandbox --sandbox-account 123456789012',
  ]
  static override args = {file: drillArg}
  static override flags = {
    ideal: Flags.boolean({description: 'No simulated faults (throttling, 5xx, IAM propagation delay).', default: false}),
    'report-dir': Flags.string({description: 'Where the scorecard and forensics reports go.', default: 'reports/drills'}),
    'sandbox-account': Flags.string({
      description:
        'Run in this real sandbox account instead (with --profile or --endpoint): refused unless the credentials are for exactly this account; everything created is tagged lockdown:drill=<id> and removed at the end, also after a failure or Ctrl-C.',
    }),
  }

  async run(): Promise<Scorecard | undefined> {
    const card = await runDrill({
      file: this.args.file,
      ideal: this.flags.ideal,
      journalDir: this.flags['journal-dir'],
      reportDir: this.flags['report-dir'],
      quiet: this.jsonEnabled(),
      sandbox: this.flags['sandbox-account'] ? {accountId: this.flags['sandbox-account'], aws: this.awsOptions()} : undefined,
    })
    if (!this.jsonEnabled()) {
      const t = card.timing
      const s = (ms: number | null) => (ms === null ? 'never' : `${(ms / 1000).toFixed(2)} s`)
      this.log(`\n${card.passed ? 'PASSED' : 'FAILED'}: drill ${card.drill}`)
      this.log(`  first attacker call denied after ${s(t.firstDeniedMs)}; fully contained after ${s(t.containedMs)}; ${t.successesAfterResponse} attacker call(s) succeeded after the response`)
      for (const c of card.checks) this.log(`  ${c.ok ? '✓' : '✗'} ${c.name} (${c.target}): ${c.detail}`)
      for (const r of card.reports) this.log(`  report: ${r}`)
    }
    if (!card.passed) {
      // Exit 5 with the scorecard still the output, so a scheduler gets both.
      process.exitCode = EXIT.verify
      if (this.jsonEnabled()) this.logJson(card)
      return undefined
    }
    return card
  }
}
