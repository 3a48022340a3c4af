// `${name}` substitution from `vars`, `--set` and `incident`, applied to every string in the playbook
// except the `vars` block itself. A string that is exactly one variable keeps the variable's type, so
// `maxTargets: ${limit}` stays a number. `$${x}` writes a literal `${x}`.
import type {SourceIssue} from '../errors.js'
import type {PathKey, YamlSource} from './yaml-source.js'

export type VarValue = string | number | boolean
const REF = /\$(\$?)\{([^}]*)\}/g
const WHOLE = /^\$\{([A-Za-z_][A-Za-z0-9_.-]*)\}$/

export function substitute(
  data: unknown,
  vars: Record<string, VarValue>,
  src: YamlSource,
  /** Required variables not given (validate, permissions): left as `${name}`, not an error. */
  pending: readonly string[] = [],
): {data: unknown; issues: SourceIssue[]} {
  const issues: SourceIssue[] = []
  const known = Object.keys(vars)
  const visit = (value: unknown, path: PathKey[]): unknown => {
    if (typeof value === 'string') return replace(value, path)
    if (Array.isArray(value)) return value.map((v, i) => visit(v, [...path, i]))
    if (value && typeof value === 'object') {
      return Object.fromEntries(
        Object.entries(value).map(([k, v]) => [k, path.length === 0 && k === 'vars' ? v : visit(v, [...path, k])]),
      )
    }
    return value
  }
  const replace = (text: string, path: PathKey[]): unknown => {
    const whole = WHOLE.exec(text)
    if (whole && whole[1] in vars) return vars[whole[1]]
    return text.replace(REF, (match, escaped: string, name: string) => {
      if (escaped) return match.slice(1)
      if (name in vars) return String(vars[name])
      if (pending.includes(name)) return match
      const hint = known.length ? ` (defined: ${known.join(', ')})` : ''
      issues.push(src.issue(path, `unknown variable '\${${name}}'; define it under vars: or pass --set ${name}=VALUE${hint}`))
      return match
    })
  }
  return {data: visit(data, []), issues}
}

/**
 * Parses `--set k=v` flags. `true`/`false` become booleans and short integers numbers, so a whole-value
 * `${var}` can fill `continueOnError:` or `maxTargets:`; anything longer (account ids, key ids) stays text.
 */
export function parseSetFlags(sets: readonly string[]): {vars: Record<string, VarValue>; errors: string[]} {
  const vars: Record<string, VarValue> = {}
  const errors: string[] = []
  for (const s of sets) {
    const eq = s.indexOf('=')
    if (eq <= 0) errors.push(`--set ${s}: expected NAME=VALUE`)
    else vars[s.slice(0, eq)] = typed(s.slice(eq + 1))
  }
  return {vars, errors}
}

function typed(v: string): VarValue {
  if (v === 'true' || v === 'false') return v === 'true'
  return /^-?\d{1,9}$/.test(v) ? Number(v) : v
}

/** A declared variable: a plain default, or `{required, description, default}`. */
export interface VarDecl {
  required: boolean
  description?: string
  default?: VarValue
}

const isScalar = (v: unknown): v is VarValue => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean'

/** Reads the `vars:` block as written (before substitution); shapes it cannot read are left to the schema. */
export function declaredVars(block: unknown): Map<string, VarDecl> {
  const out = new Map<string, VarDecl>()
  if (!block || typeof block !== 'object' || Array.isArray(block)) return out
  for (const [name, v] of Object.entries(block)) {
    if (isScalar(v)) out.set(name, {required: false, default: v})
    else if (v && typeof v === 'object') {
      const d = v as {required?: unknown; description?: unknown; default?: unknown}
      out.set(name, {required: d.required === true, description: typeof d.description === 'string' ? d.description : undefined, default: isScalar(d.default) ? d.default : undefined})
    }
  }
  return out
}

/** Names a playbook refers to as `${name}` anywhere (a variable need not be declared to be used). */
export function referencedVars(text: string): Set<string> {
  return new Set([...text.matchAll(REF)].filter((m) => !m[1]).map((m) => m[2]))
}
