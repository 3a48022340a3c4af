// YAML with source positions: every later check (schema, variables, action params) reports
// file:line:column by asking the document where a path lives. Shared by playbooks and sim scenarios.
import {isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node, type Pair} from 'yaml'
import type {ZodError, ZodType} from 'zod'

import {InvalidInputError, type SourceIssue} from '../errors.js'
import {aliasIssues, depthIssue, firstAliasIssue, MAX_ALIAS_COUNT, MAX_YAML_BYTES, sizeIssue} from './yaml-limits.js'

export type PathKey = string | number

export interface YamlSource {
  file: string
  data: unknown
  /** Position of the value at `path`, or of the nearest ancestor that exists. */
  locate(path: readonly PathKey[], opts?: {key?: boolean}): {line: number; column: number}
  issue(path: readonly PathKey[], message: string, extra?: {stepId?: string; key?: boolean}): SourceIssue
}

export function formatPath(path: readonly PathKey[]): string {
  return path.reduce<string>((out, k) => (typeof k === 'number' ? `${out}[${k}]` : out ? `${out}.${k}` : k), '')
}

/** Parses YAML text; syntax errors become positioned InvalidInputErrors (all of them at once). */
export function parseYamlSource(text: string, file: string): YamlSource {
  const refuse = (issues: SourceIssue[]) => new InvalidInputError(`${file} is not valid YAML`, issues, {next: `fix the YAML syntax, then run: lockdown validate ${file}`})
  // Size and depth first: the parser recurses with depth and holds the whole tree.
  if (text.length > MAX_YAML_BYTES || Buffer.byteLength(text) > MAX_YAML_BYTES) throw refuse([sizeIssue(file, Buffer.byteLength(text))])
  const deep = depthIssue(text, file)
  if (deep) throw refuse([deep])
  const lineCounter = new LineCounter()
  const doc = parseDocument(text, {lineCounter, prettyErrors: false, uniqueKeys: true})
  const pos = (offset: number) => {
    const p = lineCounter.linePos(offset)
    return {line: p.line, column: p.col}
  }
  if (doc.errors.length) throw refuse(doc.errors.map((e) => ({...pos(e.pos[0]), file, path: '', message: e.message.split('\n')[0]})))
  const badAliases = aliasIssues(doc, lineCounter, file)
  if (badAliases.length) throw refuse(badAliases)
  let data: unknown
  try {
    data = doc.toJS({maxAliasCount: MAX_ALIAS_COUNT})
  } catch (error) {
    // yaml throws a ReferenceError without a position when aliases expand past the count (a billion laughs).
    if (!(error instanceof ReferenceError)) throw error
    throw refuse([firstAliasIssue(doc, lineCounter, file, `aliases expand to more than ${MAX_ALIAS_COUNT} copies (an alias bomb); write the values out`)])
  }
  const locate = (path: readonly PathKey[], opts: {key?: boolean} = {}) => {
    const {node, pair} = walk(doc, path)
    const target = opts.key && pair?.key && isNode(pair.key) ? pair.key : node
    const offset = target?.range?.[0] ?? 0
    return pos(offset)
  }
  return {
    file,
    data,
    locate,
    issue(path, message, extra = {}) {
      return {file, ...locate(path, {key: extra.key}), path: formatPath(path), stepId: extra.stepId, message}
    },
  }
}

function isNode(x: unknown): x is Node {
  return typeof x === 'object' && x !== null && 'range' in x
}

/** Walks as deep as the path exists; returns the deepest node reached and the pair holding it. */
function walk(doc: Document, path: readonly PathKey[]): {node?: Node; pair?: Pair} {
  let node: unknown = doc.contents
  let pair: Pair | undefined
  for (const key of path) {
    if (isMap(node)) {
      const found = node.items.find((it) => isPair(it) && isScalar(it.key) && String(it.key.value) === String(key))
      if (!found) break
      pair = found
      node = found.value ?? found.key
    } else if (isSeq(node) && typeof key === 'number' && node.items[key] !== undefined) {
      pair = undefined
      node = node.items[key]
    } else break
  }
  return {node: isNode(node) ? node : undefined, pair}
}

/** Turns zod issues into positioned issues. `prefix` is where the validated value sits in the document. */
export function zodIssues(
  src: YamlSource,
  error: ZodError,
  opts: {prefix?: readonly PathKey[]; stepId?: string; schema?: ZodType; stepIdOf?: (path: readonly PathKey[]) => string | undefined} = {},
): SourceIssue[] {
  const {prefix = [], schema, stepIdOf} = opts
  const out: SourceIssue[] = []
  for (const issue of error.issues) {
    const path = [...prefix, ...(issue.path as PathKey[])]
    const stepId = opts.stepId ?? stepIdOf?.(path)
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const hint = schema ? didYouMean(key, objectKeysAt(schema, issue.path as PathKey[])) : undefined
        out.push(src.issue([...path, key], `unknown field '${key}'${hint ? `; did you mean '${hint}'?` : ''}`, {stepId, key: true}))
      }
      continue
    }
    out.push(src.issue(path, describe(issue, src, path), {stepId}))
  }
  return out
}

// zod 4's unrecognized_keys issue does not list the allowed keys, so find the object schema at the
// issue's path (through optionals, defaults, pipes, arrays and unions) and read its shape.
export function objectKeysAt(schema: ZodType, path: readonly PathKey[]): string[] {
  const keys = new Set<string>()
  const visit = (s: unknown, rest: readonly PathKey[], depth: number): void => {
    const def = (s as {_zod?: {def?: Record<string, unknown>}})?._zod?.def
    if (!def || depth > 40) return
    switch (def.type) {
      case 'object': {
        const shape = def.shape as Record<string, unknown>
        if (rest.length === 0) Object.keys(shape).forEach((k) => keys.add(k))
        else if (shape[rest[0] as string]) visit(shape[rest[0] as string], rest.slice(1), depth + 1)
        return
      }
      case 'array':
        if (typeof rest[0] === 'number') visit(def.element, rest.slice(1), depth + 1)
        return
      case 'union':
        for (const o of def.options as unknown[]) visit(o, rest, depth + 1)
        return
      case 'pipe':
        return visit(def.in, rest, depth + 1)
      default:
        if (def.innerType) visit(def.innerType, rest, depth + 1)
    }
  }
  visit(schema, path, 0)
  return [...keys]
}

function describe(issue: ZodError['issues'][number], src: YamlSource, path: PathKey[]): string {
  const found = valueAt(src.data, path)
  if (found === undefined && issue.code === 'invalid_type') return `required field is missing (expected ${issue.expected})`
  const shown = found === undefined ? '' : `; found ${JSON.stringify(found)?.slice(0, 60)}`
  return `${issue.message}${shown}`
}

export function valueAt(data: unknown, path: readonly PathKey[]): unknown {
  let cur: unknown = data
  for (const k of path) {
    if (cur === null || typeof cur !== 'object') return undefined
    cur = (cur as Record<string, unknown>)[k as string]
  }
  return cur
}

/** The closest candidate within a small edit distance, for typo hints. */
export function didYouMean(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined
  let bestD = Math.max(2, Math.floor(word.length / 3)) + 1
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase())
    if (d < bestD) {
      best = c
      bestD = d
    }
  }
  return best
}

function editDistance(a: string, b: string): number {
  const row = Array.from({length: b.length + 1}, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]
    row[0] = i
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1))
      prev = tmp
    }
  }
  return row[b.length]
}
