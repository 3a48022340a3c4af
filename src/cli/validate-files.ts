// The body of `lockdown validate FILE...`, shared by the oclif command (src/commands/validate.ts) and
// bin/run.js's fast path (validate-fast.ts), so both print the same lines and return the same result. It
// must not import @oclif/core: the fast path exists to start without it.
import {loadAndValidate} from '../engine/validate.js'
import {InvalidInputError, type SourceIssue} from '../errors.js'
import {resolvePlaybookFile} from '../playbook/shipped.js'
import {setVars} from './set-vars.js'

export interface ValidateOptions {
  /** The positional arguments: paths, or names of shipped playbooks. */
  args: string[]
  /** The raw `--set NAME=VALUE` values. */
  set: string[]
  reportsDir?: string
  /** Human output; a no-op under --json. */
  say: (text: string) => void
}

export async function validateFiles(opts: ValidateOptions) {
  const files = opts.args.map((a) => resolvePlaybookFile(a))
  const issues: SourceIssue[] = []
  const results: {file: string; valid: boolean; steps: number; required?: string[]; unchecked?: string[]}[] = []
  for (const file of files) {
    try {
      const {loaded, steps} = await loadAndValidate(file, setVars(opts.set), undefined, {pendingVars: true, reportsDir: opts.reportsDir})
      const deferred = steps.filter((s) => s.deferred).map((s) => s.step.id)
      results.push({file, valid: true, steps: steps.length, ...(loaded.pending.length ? {required: loaded.pending, unchecked: deferred} : {})})
      opts.say(`✓ ${file}: ${loaded.playbook.name}, ${steps.length} step(s)`)
      if (loaded.pending.length) {
        opts.say(`  plan and run need ${loaded.pending.map((n) => `--set ${n}=VALUE`).join(' ')}; step(s) ${deferred.join(', ')} are checked once they are given`)
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
