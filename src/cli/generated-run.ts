// Commands that are one journaled step (breakglass grant/revoke/expire) build a playbook in memory and
// run it through the same engine as `lockdown run`: plan, confirm, journal, verify, undo.
import {stringify} from 'yaml'

import {formatPlan} from './format-plan.js'
import {askYesNo, requireConfirmable} from './confirm.js'
import {runPlaybook, type RunResult} from '../engine/run.js'
import type {AwsOptions} from '../aws/clients.js'

export async function runGenerated(opts: {
  name: string
  incident?: string
  step: {id: string; action: string; with: Record<string, unknown>}
  yes: boolean
  json: boolean
  journalDir: string
  aws: AwsOptions
  retry: string
  say: (text: string) => void
}): Promise<RunResult> {
  requireConfirmable(opts.yes, opts.retry)
  const doc = {version: 1, name: opts.name, ...(opts.incident ? {incident: opts.incident} : {}), steps: [opts.step]}
  return runPlaybook({
    file: `(${opts.retry})`,
    text: stringify(doc),
    retry: opts.retry,
    journalDir: opts.journalDir,
    aws: opts.aws,
    quiet: opts.json,
    showPlan: opts.yes || opts.json ? undefined : (plan) => opts.say(formatPlan(plan)),
    confirm: opts.yes ? undefined : () => askYesNo('Apply these changes?'),
  })
}
