// `lockdown trail report`: the same analysis as `trail chains`, written as Markdown, HTML, JSON or CSV.
import {mkdir, writeFile} from 'node:fs/promises'
import {dirname} from 'node:path'

import {Flags} from '@oclif/core'

import {makeClients, type Clients} from '../../aws/clients.js'
import {BaseCommand} from '../../cli/base-command.js'
import {emitPlaybook} from '../../forensics/detections/playbook.js'
import {exitCodeHelp} from '../../errors.js'
import {formatOfPath, renderReport, REPORT_FORMATS, type ReportFormat} from '../../report/index.js'
import type {Coverage} from '../../report/types.js'
import {progressOnStderr} from '../../cli/trail-source-flags.js'
import {trailFlags, trailReport} from './chains.js'

export default class TrailReport extends BaseCommand<typeof TrailReport> {
  static override summary = 'Write a forensic report (sessions, chains, timeline, flags, gaps) from CloudTrail.'
  static override description = `Same sources and filters as \`trail chains\`. The report opens with its findings (who, what, from where, the CloudTrail event ids, the step that contains it). The HTML report is one self-contained file (inline SVG, no scripts) that opens offline.

--emit-playbook FILE writes those steps as a playbook to review and run: revoke-sessions for every role and user on the flagged chains, deactivate-keys for the keys that signed and the keys and users the attacker created, by explicit name; what no action can do is listed as comments.

${exitCodeHelp()}`

  static override examples = [
    '<%= config.bin %> trail report --since 48h --format html --out reports/INC-2041.html',
    '<%= config.bin %> trail report --source files --path ./AWSLogs --out findings.md',
    '<%= config.bin %> trail report --role "app-*" --format csv --out sessions.csv',
    '<%= config.bin %> trail report --since 6h --out reports/INC-2041.md --emit-playbook playbooks/INC-2041-contain.yaml',
  ]

  static override flags = {
    ...trailFlags,
    format: Flags.string({description: 'Report format. Default: from --out’s extension, else md.', options: [...REPORT_FORMATS]}),
    out: Flags.string({description: 'File to write. Default: standard output.'}),
    title: Flags.string({description: 'Report title (e.g. the incident id).'}),
    'emit-playbook': Flags.string({description: 'Also write a playbook that contains the findings (explicit names; review it, then lockdown plan FILE).'}),
  }

  public async run(): Promise<{
    out?: string
    format: ReportFormat
    accounts: string[]
    regions: string[]
    coverage?: Coverage
    summary: unknown
    source: unknown
    gaps: string[]
    findings: unknown[]
    playbook?: string
  }> {
    let made: Clients | undefined
    const clients = () => (made ??= makeClients(this.awsOptions()))
    try {
      const format = (this.flags.format as ReportFormat | undefined) ?? (this.flags.out ? formatOfPath(this.flags.out) : undefined) ?? 'md'
      const report = await trailReport(this.flags, clients, this.flags.title, {aws: this.awsOptions(), ...progressOnStderr()})
      const text = renderReport(report, format)
      if (this.flags.out) {
        await mkdir(dirname(this.flags.out), {recursive: true})
        await writeFile(this.flags.out, text)
        this.say(`Wrote ${format} report to ${this.flags.out}: ${report.summary.sessions} sessions, ${report.summary.flags} flags (${report.source.description})`)
      } else if (!this.jsonEnabled()) {
        process.stdout.write(text)
      }
      const playbook = this.flags['emit-playbook']
      if (playbook) {
        const emitted = emitPlaybook(report)
        await mkdir(dirname(playbook), {recursive: true})
        await writeFile(playbook, emitted.yaml)
        this.say(
          emitted.steps
            ? `Wrote a ${emitted.steps}-step containment playbook to ${playbook}${emitted.manual.length ? ` (and ${emitted.manual.length} thing(s) to do by hand, listed in it)` : ''}. Next: lockdown plan ${playbook}`
            : `Wrote ${playbook}: no finding has anything in IAM to contain${emitted.manual.length ? `; ${emitted.manual.length} thing(s) to do by hand are listed in it` : ''}.`,
        )
      }
      return {out: this.flags.out, format, accounts: report.accounts, regions: report.regions, coverage: report.coverage, summary: report.summary, source: report.source, gaps: report.gaps, findings: report.findings, playbook}
    } finally {
      made?.destroy()
    }
  }
}
