// Semantic validation of a loaded playbook against the action registry: every step names a known action
// and its `with:` passes that action's strict schema. All problems are reported at once, positioned.
import {ACTIONS, findAction} from '../actions/index.js'
import type {AnyAction} from '../actions/types.js'
import type {SourceIssue} from '../errors.js'
import {invalid, type LoadedPlaybook} from '../playbook/load.js'
import type {PlaybookStep} from '../playbook/schema.js'
import {didYouMean, zodIssues} from '../playbook/yaml-source.js'

export interface ValidStep {
  step: PlaybookStep
  action: AnyAction
  params: unknown
  /** False when `when:` evaluated to false: the step is shown but not run. */
  enabled: boolean
}

export function validateSteps(loaded: LoadedPlaybook): ValidStep[] {
  const {source, playbook} = loaded
  const issues: SourceIssue[] = []
  const out: ValidStep[] = []
  playbook.steps.forEach((step, i) => {
    const action = findAction(step.action)
    if (!action) {
      const hint = didYouMean(step.action, ACTIONS.map((a) => a.name))
      issues.push(
        source.issue(['steps', i, 'action'], `unknown action '${step.action}'${hint ? `; did you mean '${hint}'?` : ''} (see: lockdown actions)`, {stepId: step.id}),
      )
      return
    }
    const parsed = action.params.safeParse(step.with)
    if (!parsed.success) {
      issues.push(...zodIssues(source, parsed.error, {prefix: ['steps', i, 'with'], stepId: step.id, schema: action.params}))
      return
    }
    const enabled = evaluateWhen(step.when)
    if (enabled === undefined) {
      issues.push(source.issue(['steps', i, 'when'], `expected true or false after substitution; found ${JSON.stringify(step.when)}`, {stepId: step.id}))
      return
    }
    out.push({step, action, params: parsed.data, enabled})
  })
  if (issues.length) throw invalid(loaded.file, issues)
  return out
}

function evaluateWhen(when: string | boolean | undefined): boolean | undefined {
  if (when === undefined || when === true) return true
  if (when === false) return false
  const v = when.trim().toLowerCase()
  if (['true', 'yes', '1', 'on'].includes(v)) return true
  if (['false', 'no', '0', 'off', ''].includes(v)) return false
  return undefined
}
