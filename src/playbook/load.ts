// Loads a playbook file: YAML with positions -> variables -> envelope schema. Every problem is collected
// and thrown at once as an InvalidInputError (exit 2) naming file:line:column; nothing reaches AWS.
import {createHash} from 'node:crypto'
import {readFile, stat} from 'node:fs/promises'

import {InvalidInputError, type SourceIssue} from '../errors.js'
import {playbookSchema, type Playbook} from './schema.js'
import {substitute, type VarValue} from './vars.js'
import {decodeUtf8, MAX_YAML_BYTES, sizeIssue} from './yaml-limits.js'
import {parseYamlSource, valueAt, zodIssues, type YamlSource} from './yaml-source.js'

export interface LoadedPlaybook {
  file: string
  sha256: string
  source: YamlSource
  playbook: Playbook
}

/** Reads a playbook as strict UTF-8, refusing one over the size limit before reading it (a 50 MB file is not parsed). */
export async function readPlaybookText(file: string): Promise<string> {
  let buf: Buffer
  try {
    const size = (await stat(file)).size
    if (size > MAX_YAML_BYTES) throw new InvalidInputError(`${file} is too large`, [sizeIssue(file, size)], {next: `split the playbook (one is a few KiB), then run: lockdown validate ${file}`})
    buf = await readFile(file)
  } catch (error) {
    if (error instanceof InvalidInputError) throw error
    const code = (error as NodeJS.ErrnoException).code
    throw new InvalidInputError(code === 'ENOENT' ? `playbook not found: ${file}` : `cannot read ${file}: ${code}`, [], {
      next: 'ls playbooks/   # the shipped playbooks',
    })
  }
  // A file that grew past the limit between stat and read is still refused.
  if (buf.length > MAX_YAML_BYTES) throw new InvalidInputError(`${file} is too large`, [sizeIssue(file, buf.length)], {next: `split the playbook (one is a few KiB), then run: lockdown validate ${file}`})
  const decoded = decodeUtf8(buf, file)
  if ('issue' in decoded) throw new InvalidInputError(`${file} is not UTF-8`, [decoded.issue], {next: `save it as UTF-8, then run: lockdown validate ${file}`})
  return decoded.text
}

/** Checks a layer above adds (the engine: each step's action and `with:`), run even when the envelope fails. */
export type ExtraCheck = (data: Record<string, unknown>, source: YamlSource) => SourceIssue[]

export function parsePlaybook(text: string, file: string, set: Record<string, VarValue> = {}, extraCheck?: ExtraCheck): LoadedPlaybook {
  const source = parseYamlSource(text, file)
  const raw = source.data
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new InvalidInputError(`${file} is not a playbook`, [source.issue([], 'expected a mapping with version, name and steps')])
  }
  const vars: Record<string, VarValue> = {}
  const declared = valueAt(raw, ['vars'])
  if (declared && typeof declared === 'object') Object.assign(vars, declared)
  // An incident id is text even when it looks like a number (--set incident=2041).
  if (set.incident !== undefined) set = {...set, incident: String(set.incident)}
  const incident = set.incident ?? valueAt(raw, ['incident'])
  if (typeof incident === 'string') vars.incident = incident
  Object.assign(vars, set)

  const substituted = substitute(raw, vars, source)
  const data = substituted.data as Record<string, unknown>
  const issues: SourceIssue[] = substituted.issues.map((i) => ({...i, stepId: stepIdAt(data, pathOf(i.path))}))
  if (set.incident) data.incident = set.incident
  const parsed = playbookSchema.safeParse(data)
  if (!parsed.success) issues.push(...zodIssues(source, parsed.error, {schema: playbookSchema, stepIdOf: (p) => stepIdAt(data, p)}))
  issues.push(...duplicateStepIds(data, source))
  if (extraCheck) issues.push(...extraCheck(data, source))
  if (issues.length || !parsed.success) throw invalid(file, issues)
  return {file, sha256: createHash('sha256').update(text).digest('hex'), source, playbook: parsed.data}
}

export async function loadPlaybook(file: string, set: Record<string, VarValue> = {}, extraCheck?: ExtraCheck): Promise<LoadedPlaybook> {
  return parsePlaybook(await readPlaybookText(file), file, set, extraCheck)
}

export function invalid(file: string, issues: SourceIssue[]): InvalidInputError {
  const sorted = [...issues].sort((a, b) => a.line - b.line || a.column - b.column)
  return new InvalidInputError(`${file}: ${sorted.length} problem${sorted.length === 1 ? '' : 's'}`, sorted, {
    next: `fix the lines above, then run: lockdown validate ${file}`,
  })
}

function stepIdAt(data: Record<string, unknown>, path: readonly (string | number)[]): string | undefined {
  if (path[0] !== 'steps' || typeof path[1] !== 'number') return undefined
  const id = valueAt(data, ['steps', path[1], 'id'])
  return typeof id === 'string' ? id : undefined
}

function duplicateStepIds(data: Record<string, unknown>, src: YamlSource): SourceIssue[] {
  const steps = Array.isArray(data.steps) ? data.steps : []
  const seen = new Set<string>()
  const out: SourceIssue[] = []
  steps.forEach((s: {id?: unknown}, i) => {
    if (typeof s?.id !== 'string') return
    if (seen.has(s.id)) out.push(src.issue(['steps', i, 'id'], `duplicate step id '${s.id}'; step ids must be unique`, {stepId: s.id}))
    seen.add(s.id)
  })
  return out
}

/** Inverse of formatPath for the step index: 'steps[2].with.x' -> ['steps', 2]. */
function pathOf(dotted: string): (string | number)[] {
  const m = /^steps\[(\d+)\]/.exec(dotted)
  return m ? ['steps', Number(m[1])] : []
}
