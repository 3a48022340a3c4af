// Validation of the files a step would write (the forensics report): each must land inside the working
// directory or --reports-dir, checked with the same ${incident}/${runId} filling the step uses, so a
// playbook cannot aim a report at ~/.aws/credentials or ../../ anywhere.
import type {AnyAction} from '../actions/types.js'
import type {SourceIssue} from '../errors.js'
import {writePathProblem} from '../playbook/paths.js'
import type {YamlSource} from '../playbook/yaml-source.js'

export function writeIssues(
  action: AnyAction,
  params: unknown,
  at: {source: YamlSource; index: number; stepId?: string; incident: unknown; reportsDir?: string},
): SourceIssue[] {
  const out: SourceIssue[] = []
  for (const {field, path} of action.writes?.(params) ?? []) {
    // Run ids are letters, digits and dashes; an incident is checked by the envelope (letters, digits, . _ -).
    const filled = path.replaceAll('${incident}', typeof at.incident === 'string' ? at.incident : 'RUNID').replaceAll('${runId}', 'RUNID')
    const problem = writePathProblem(filled, {reportsDir: at.reportsDir})
    if (problem) out.push(at.source.issue(['steps', at.index, 'with', field], problem, {stepId: at.stepId}))
  }
  return out
}
