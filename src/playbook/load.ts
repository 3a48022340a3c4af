// Loads a playbook file: YAML with positions -> variables -> envelope schema. Every problem is collected
// and thrown at once as an InvalidInputError (exit 2) naming file:line:column; nothing reaches AWS.
import {createHash} from 'node:crypto'
import {readFile, stat} from 'node:fs/promises'

import {InvalidInputError, type SourceIssue} from '../errors.js'
import {playbookSchema, type Playbook} from './schema.js'
import {declaredVars, referencedVars, substitute, type VarDecl, type VarValue} from './vars.js'
import {decodeUtf8, MAX_YAML_BYTES, sizeIssue} from './yaml-limits.js'
import {didYouMean, parseYamlSource, valueAt, zodIssues, type YamlSource} from './yaml-source.js'
import {SHIPPED_DIR} from './shipped.js'

export interface LoadedPlaybook {
  file: string
  sha256: string
  source: YamlSource
  playbook: Playbook
  /** Required variables not given (only with `pendingVars: true`): steps using them are not fully checked. */
  pending: string[]
  /** The options it was loaded with, for checks a layer above runs again on the parsed playbook. */
  options?: LoadOptions
}

export interface LoadOptions {
  /** validate / permissions: a required variable without --set is not an error (plan and run refuse it). */
  pendingVars?: boolean
  /** A directory besides the working directory that steps may write files into (`--reports-dir`). */
  reportsDir?: string
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
      next: `ls ${SHIPPED_DIR}   # the shipped playbooks: name one without .yaml, e.g. lockdown validate leaked-access-key`,
    })
  }
  // A file that grew past the limit between stat and read is still refused.
  if (buf.length > MAX_YAML_BYTES) throw new InvalidInputError(`${file} is too large`, [sizeIssue(file, buf.length)], {next: `split the playbook (one is a few KiB), then run: lockdown validate ${file}`})
  const decoded = decodeUtf8(buf, file)
  if ('issue' in decoded) throw new InvalidInputError(`${file} is not UTF-8`, [decoded.issue], {next: `save it as UTF-8, then run: lockdown validate ${file}`})
  return decoded.text
}

/** Checks a layer above adds (the engine: each step's action and `with:`), run even when the envelope fails. */
export type ExtraCheck = (data: Record<string, unknown>, source: YamlSource, pending: readonly string[], opts: LoadOptions) => SourceIssue[]

export function parsePlaybook(text: string, file: string, set: Record<string, VarValue> = {}, extraCheck?: ExtraCheck, opts: LoadOptions = {}): LoadedPlaybook {
  const source = parseYamlSource(text, file)
  const raw = source.data
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new InvalidInputError(`${file} is not a playbook`, [source.issue([], 'expected a mapping with version, name and steps')])
  }
  const declared = declaredVars(valueAt(raw, ['vars']))
  checkSetNames(set, declared, referencedVars(text), file)
  const vars: Record<string, VarValue> = {}
  for (const [name, d] of declared) if (d.default !== undefined) vars[name] = d.default
  // An incident id is text even when it looks like a number (--set incident=2041).
  if (set.incident !== undefined) set = {...set, incident: String(set.incident)}
  const incident = set.incident ?? valueAt(raw, ['incident'])
  if (typeof incident === 'string') vars.incident = incident
  Object.assign(vars, set)
  const missing = [...declared].filter(([name, d]) => d.required && !(name in vars))
  if (missing.length && !opts.pendingVars) throw missingVars(missing, source)
  const pending = missing.map(([name]) => name)

  const substituted = substitute(raw, vars, source, pending)
  const data = substituted.data as Record<string, unknown>
  const issues: SourceIssue[] = substituted.issues.map((i) => ({...i, stepId: stepIdAt(data, pathOf(i.path))}))
  if (set.incident) data.incident = set.incident
  const parsed = playbookSchema.safeParse(data)
  if (!parsed.success) issues.push(...zodIssues(source, parsed.error, {schema: playbookSchema, stepIdOf: (p) => stepIdAt(data, p)}))
  issues.push(...duplicateStepIds(data, source), ...unknownDependencies(data, source))
  if (extraCheck) issues.push(...extraCheck(data, source, pending, opts))
  if (issues.length || !parsed.success) throw invalid(file, issues)
  return {file, sha256: createHash('sha256').update(text).digest('hex'), source, playbook: parsed.data, pending, options: opts}
}

export async function loadPlaybook(file: string, set: Record<string, VarValue> = {}, extraCheck?: ExtraCheck, opts: LoadOptions = {}): Promise<LoadedPlaybook> {
  return parsePlaybook(await readPlaybookText(file), file, set, extraCheck, opts)
}

/** `--set NAME=…` for a variable the playbook neither declares nor uses is a typo that would silently do nothing. */
function checkSetNames(set: Record<string, VarValue>, declared: Map<string, VarDecl>, referenced: Set<string>, file: string): void {
  const known = [...new Set(['incident', ...declared.keys(), ...referenced])]
  const unknown = Object.keys(set).filter((name) => !known.includes(name))
  if (!unknown.length) return
  const lines = unknown.map((name) => {
    const hint = didYouMean(name, known)
    return `--set ${name}=…: ${file} has no variable '${name}'${hint ? `; did you mean '${hint}'?` : ''}`
  })
  throw new InvalidInputError(`${lines.join('\n')}\n  its variables: ${known.join(', ')}`, [], {
    next: `pass --set with one of: ${known.join(', ')} (see the vars: block of ${file})`,
  })
}

/** A required variable without a value: the run would act on nobody, or on the wrong principal. */
function missingVars(missing: [string, VarDecl][], source: YamlSource): InvalidInputError {
  const sets = missing.map(([name]) => `--set ${name}=VALUE`).join(' ')
  const issues = missing.map(([name, d]) =>
    source.issue(['vars', name], `variable '${name}' is required${d.description ? ` (${d.description})` : ''}: pass --set ${name}=VALUE`, {key: true}),
  )
  return new InvalidInputError(`${source.file}: ${missing.length} required variable${missing.length === 1 ? '' : 's'} not set`, issues, {
    next: `add ${sets} to the command`,
  })
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

/** `dependsOn` names an earlier step of the same playbook (steps run in order). */
function unknownDependencies(data: Record<string, unknown>, src: YamlSource): SourceIssue[] {
  const steps = Array.isArray(data.steps) ? (data.steps as {id?: unknown; dependsOn?: unknown}[]) : []
  const out: SourceIssue[] = []
  steps.forEach((s, i) => {
    if (!Array.isArray(s?.dependsOn)) return
    const earlier = steps.slice(0, i).flatMap((x) => (typeof x?.id === 'string' ? [x.id] : []))
    s.dependsOn.forEach((d, j) => {
      if (typeof d !== 'string' || earlier.includes(d)) return
      const later = steps.slice(i).some((x) => x?.id === d)
      const hint = didYouMean(d, earlier)
      const why = later ? `step '${d}' comes later; a step can depend only on steps above it` : `no earlier step '${d}'${hint ? `; did you mean '${hint}'?` : ''}`
      out.push(src.issue(['steps', i, 'dependsOn', j], why, {stepId: typeof s.id === 'string' ? s.id : undefined}))
    })
  })
  return out
}

/** Inverse of formatPath for the step index: 'steps[2].with.x' -> ['steps', 2]. */
function pathOf(dotted: string): (string | number)[] {
  const m = /^steps\[(\d+)\]/.exec(dotted)
  return m ? ['steps', Number(m[1])] : []
}
