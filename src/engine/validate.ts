// Semantic validation of a loaded playbook against the action registry: every step names a known action
// and its `with:` passes that action's strict schema. All problems are reported at once, positioned.
import type {VarValue} from '../playbook/vars.js'
import {ACTIONS, findAction} from '../actions/index.js'
import type {AnyAction} from '../actions/types.js'
import type {SourceIssue} from '../errors.js'
import {invalid, loadPlaybook, parsePlaybook, type LoadedPlaybook, type LoadOptions} from '../playbook/load.js'
import type {PlaybookStep} from '../playbook/schema.js'
import {didYouMean, zodIssues, type YamlSource} from '../playbook/yaml-source.js'
import {writeIssues} from './write-paths.js'

export interface ValidStep {
  step: PlaybookStep
  action: AnyAction
  params: unknown
  /** False when `when:` evaluated to false: the step is shown but not run. */
  enabled: boolean
  /** Required variables its `with:` uses that were not given (validate, permissions): `with:` not checked yet. */
  deferred?: string[]
}

/** Validates each step's action and `with:`; works on raw data so it runs even when the envelope is invalid. */
export function stepIssues(data: Record<string, unknown>, source: YamlSource, pending: readonly string[] = [], opts: LoadOptions = {}): SourceIssue[] {
  return checkSteps(data, source, undefined, pending, opts.reportsDir).issues
}

export function validateSteps(loaded: LoadedPlaybook): ValidStep[] {
  const {valid, issues} = checkSteps(loaded.playbook as unknown as Record<string, unknown>, loaded.source, loaded.playbook.steps, loaded.pending ?? [], loaded.options?.reportsDir)
  if (issues.length) throw invalid(loaded.file, issues)
  return valid
}

/** Load a playbook and check everything: envelope, variables, actions, parameters, all reported at once. */
export async function loadAndValidate(
  file: string,
  set: Record<string, VarValue> = {},
  text?: string,
  opts: LoadOptions = {},
): Promise<{loaded: LoadedPlaybook; steps: ValidStep[]}> {
  // `text` is a playbook built in memory (breakglass commands); `file` then only names it in messages.
  const loaded = text === undefined ? await loadPlaybook(file, set, stepIssues, opts) : parsePlaybook(text, file, set, stepIssues, opts)
  return {loaded, steps: validateSteps(loaded)}
}

function checkSteps(
  data: Record<string, unknown>,
  source: YamlSource,
  parsedSteps?: PlaybookStep[],
  pending: readonly string[] = [],
  reportsDir?: string,
): {valid: ValidStep[]; issues: SourceIssue[]} {
  const issues: SourceIssue[] = []
  const valid: ValidStep[] = []
  const steps = Array.isArray(data.steps) ? (data.steps as Record<string, unknown>[]) : []
  steps.forEach((raw, i) => {
    if (!raw || typeof raw !== 'object' || typeof raw.action !== 'string') return
    const stepId = typeof raw.id === 'string' ? raw.id : undefined
    const action = findAction(raw.action)
    if (!action) {
      const hint = didYouMean(raw.action, ACTIONS.map((a) => a.name))
      issues.push(source.issue(['steps', i, 'action'], `unknown action '${raw.action}'${hint ? `; did you mean '${hint}'?` : ''} (see: lockdown actions)`, {stepId}))
      return
    }
    const withText = JSON.stringify(raw.with ?? {})
    const deferred = pending.filter((name) => withText.includes(`\${${name}}`))
    if (deferred.length) {
      if (parsedSteps) valid.push({step: parsedSteps[i], action, params: undefined, enabled: false, deferred})
      return
    }
    const parsed = action.params.safeParse(raw.with ?? {})
    if (!parsed.success) {
      issues.push(...zodIssues(source, parsed.error, {prefix: ['steps', i, 'with'], stepId, schema: action.params}))
      return
    }
    issues.push(...writeIssues(action, parsed.data, {source, index: i, stepId, incident: data.incident, reportsDir}))
    const enabled = evaluateWhen(raw.when as string | boolean | undefined)
    if (enabled === undefined) {
      issues.push(source.issue(['steps', i, 'when'], `expected true or false after substitution; found ${JSON.stringify(raw.when)}`, {stepId}))
      return
    }
    if (parsedSteps) valid.push({step: parsedSteps[i], action, params: parsed.data, enabled})
  })
  return {valid, issues}
}

function evaluateWhen(when: string | boolean | undefined): boolean | undefined {
  if (when === undefined || when === true) return true
  if (when === false) return false
  const v = when.trim().toLowerCase()
  if (['true', 'yes', '1', 'on'].includes(v)) return true
  if (['false', 'no', '0', 'off', ''].includes(v)) return false
  return undefined
}
