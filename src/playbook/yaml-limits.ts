// Bounds on YAML input a person (or an attacker, through a ticket) hands to lockdown: size, encoding,
// nesting depth and aliases. The yaml parser, toJS, variable substitution and zod all recurse with the
// document's depth, and aliases multiply its size, so each bound is checked BEFORE that work starts and
// reported like any other problem: file:line:column, exit 2, never a RangeError or an out-of-memory.
import {isAlias, isNode, LineCounter, visit, type Document, type Node} from 'yaml'

import type {SourceIssue} from '../errors.js'

/** The largest playbook or scenario read. The shipped ones are a few KiB; 800k steps are not a playbook. */
export const MAX_YAML_BYTES = 1024 * 1024
/** Deeper than any playbook needs, far below what the recursive parser and validators survive. */
export const MAX_YAML_DEPTH = 64
/** Alias expansions toJS may perform (yaml counts nested expansions): a billion laughs stops here. */
export const MAX_ALIAS_COUNT = 100

const issueAt = (file: string, line: number, column: number, message: string): SourceIssue => ({file, line, column, path: '', message})

export function sizeIssue(file: string, bytes: number): SourceIssue {
  return issueAt(file, 1, 1, `the file is ${bytes} bytes, over the ${MAX_YAML_BYTES}-byte (1 MiB) limit; a playbook is a few KiB: split it`)
}

/** Strict UTF-8: a byte that is not UTF-8 is a problem at its position, not a silent U+FFFD. */
export function decodeUtf8(buf: Uint8Array, file: string): {text: string} | {issue: SourceIssue} {
  try {
    return {text: new TextDecoder('utf-8', {fatal: true}).decode(buf)}
  } catch {
    const bad = firstInvalidUtf8(buf)
    const before = Buffer.from(buf.subarray(0, bad)).toString('utf8')
    const lines = before.split('\n')
    const byte = buf[bad]?.toString(16).padStart(2, '0') ?? '??'
    return {issue: issueAt(file, lines.length, lines[lines.length - 1].length + 1, `byte 0x${byte} is not UTF-8; save the file as UTF-8`)}
  }
}

function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0
  while (i < b.length) {
    const c = b[i]
    const n = c < 0x80 ? 0 : c >= 0xc2 && c < 0xe0 ? 1 : c >= 0xe0 && c < 0xf0 ? 2 : c >= 0xf0 && c < 0xf5 ? 3 : -1
    if (n < 0) return i
    for (let k = 1; k <= n; k++) if (i + k >= b.length || (b[i + k] & 0xc0) !== 0x80) return i
    i += n + 1
  }
  return Math.max(0, b.length - 1)
}

/**
 * A conservative estimate of the nesting depth, from the text alone (the parser itself overflows the stack
 * on 2,000 levels): block levels are the stack of increasing indentations (plus compact `- ` entries),
 * flow levels are open `[` and `{` outside quotes, comments and block scalars. Returns the first place
 * the estimate passes MAX_YAML_DEPTH.
 */
export function depthIssue(text: string, file: string): SourceIssue | undefined {
  const lines = text.split(/\r?\n/)
  const indents: number[] = []
  let flow = 0
  let quote: '"' | "'" | undefined
  let blockScalarIndent: number | undefined
  for (let ln = 0; ln < lines.length; ln++) {
    const line = lines[ln]
    const indent = /^ */.exec(line)![0].length
    const blank = indent === line.length || line[indent] === '#'
    if (blockScalarIndent !== undefined) {
      if (blank || indent > blockScalarIndent) continue
      blockScalarIndent = undefined
    }
    let i = 0
    if (!quote && flow === 0 && !blank) {
      while (indents.length && indents[indents.length - 1] >= indent) indents.pop()
      indents.push(indent)
      i = indent
      // Compact nested entries on one line: `- - - x`, `- key: value`.
      while (/^[-?] /.test(line.slice(i))) {
        i += 2
        while (line[i] === ' ') i++
        indents.push(i)
      }
      if (indents.length > MAX_YAML_DEPTH) return tooDeep(file, ln, i)
    }
    for (; i < line.length; i++) {
      const ch = line[i]
      if (quote) {
        if (quote === '"' && ch === '\\') i++
        else if (ch === quote) {
          if (quote === "'" && line[i + 1] === "'") i++
          else quote = undefined
        }
        continue
      }
      const prev = i === 0 ? ' ' : line[i - 1]
      const tokenStart = /[\s[{,:]/.test(prev)
      if (ch === '#' && /\s/.test(prev)) break
      if ((ch === '"' || ch === "'") && tokenStart) quote = ch
      else if ((ch === '[' || ch === '{') && (flow > 0 || tokenStart)) {
        flow++
        if (indents.length + flow > MAX_YAML_DEPTH) return tooDeep(file, ln, i)
      } else if ((ch === ']' || ch === '}') && flow > 0) flow--
      else if ((ch === '|' || ch === '>') && flow === 0 && tokenStart && /^[|>][-+0-9]*\s*(#.*)?$/.test(line.slice(i))) {
        blockScalarIndent = indent
        break
      }
    }
  }
  return undefined
}

function tooDeep(file: string, line: number, col: number): SourceIssue {
  return issueAt(file, line + 1, col + 1, `nested more than ${MAX_YAML_DEPTH} levels deep; a playbook needs a few`)
}

/**
 * Aliases that cannot become plain data: one with no anchor before it, and one inside the node it names
 * (a recursive alias: toJS would build a cycle and every later walk would recurse forever).
 */
export function aliasIssues(doc: Document, lineCounter: LineCounter, file: string): SourceIssue[] {
  const out: SourceIssue[] = []
  const anchors = new Map<string, Node>()
  const at = (node: Node, message: string) => {
    const p = lineCounter.linePos(node.range?.[0] ?? 0)
    out.push(issueAt(file, p.line, p.col, message))
  }
  visit(doc, {
    Node(_key, node, path) {
      if (isAlias(node)) {
        const target = anchors.get(node.source)
        if (!target) at(node, `alias *${node.source} has no anchor &${node.source} before it`)
        else if (path.includes(target as never)) at(node, `alias *${node.source} is inside the node it refers to (a recursive alias)`)
        return
      }
      if (isNode(node) && node.anchor) anchors.set(node.anchor, node)
    },
  })
  return out
}

/** Where the first alias sits, to place "too many aliases" (toJS's own error has no position). */
export function firstAliasIssue(doc: Document, lineCounter: LineCounter, file: string, message: string): SourceIssue {
  let first: Node | undefined
  visit(doc, {
    Alias(_key, node) {
      first = node
      return visit.BREAK
    },
  })
  const p = lineCounter.linePos(first?.range?.[0] ?? 0)
  return issueAt(file, p.line, p.col, message)
}
