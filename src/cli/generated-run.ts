// Commands that are one journaled step (breakglass grant/revoke/expire) build a playbook in memory and
// run it through the same engine as `lockdown run`: plan, confirm, journal, verify, undo.
import {stringify} from 'yaml'

import {formatPlan} from './format-plan.js'
import {askYesNo, requireConfirmable} from './confirm.js'
import {runPlaybook, type RunResult} from '../engine/run.js'
import type {AwsOptions} from '../aws/clients.js'
import {runCommands, type CommandLine} from './command-line.js'

export async function runGenerated(opts: {
  name: string
  incident?: string
  step: {id: string; action: string; with: Record<string, unknown>}
  /** More steps after `step`, in the same run (one journal, one undo). */
  more?: {id: string; action: string; with: Record<string, unknown>}[]
  yes: boolean
  json: boolean
  journalDir: string
  aws: AwsOptions
  /** What the person typed: retry and undo hints keep its flags. */
  typed: CommandLine
  say: (text: string) => void
  /** No change planned: no run is journaled (status 'nothing'). */
  skipEmpty?: boolean
}): Promise<RunResult> {
  const retry = opts.typed.retry({drop: ['yes']})
  requireConfirmable(opts.yes, retry)
  const doc = {version: 1, name: opts.name, ...(opts.incident ? {incident: opts.incident} : {}), steps: [opts.step, ...(opts.more ?? [])]}
  return runPlaybook({
    file: `(${retry})`,
    text: stringify(doc),
    retry,
    commands: runCommands(opts.typed, false),
    journalDir: opts.journalDir,
    aws: opts.aws,
    quiet: opts.json,
    skipEmpty: opts.skipEmpty,
    showPlan: opts.json ? undefined : (plan) => opts.say(formatPlan(plan)),
    confirm: opts.yes ? undefined : () => askYesNo('Apply these changes?'),
  })
}
