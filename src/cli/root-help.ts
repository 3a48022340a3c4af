// `lockdown --version` and `lockdown --help` are what a responder types first, and loading oclif to print
// them cost more than all the rest of the start: bin/run.js prints them from this file instead, with
// the data the build wrote down (dist/root-help.json: oclif's own choice of topics, commands and
// summaries, see root-help-data.ts) laid out the way oclif's help formatter lays it out. Whenever this
// layout cannot promise oclif's exact output (a terminal, where oclif emboldens the headers; forced
// colours; WSL; text that wraps into oclif's multi-line form), it answers undefined and oclif runs.
// test/cli/root-help.test.ts compares both, byte for byte, at many widths.
import {existsSync, readFileSync} from 'node:fs'
import {arch, platform, release} from 'node:os'
import {join} from 'node:path'

export interface RootHelpData {
  /** package.json's name and version, the user agent's first part. */
  name: string
  version: string
  bin: string
  description: string
  topics: [name: string, summary: string | undefined][]
  commands: [id: string, summary: string | undefined][]
}

/** Written by `npm pack` (prepack, beside oclif.manifest.json); absent in a checkout. */
export const ROOT_HELP_FILE = join('dist', 'root-help.json')

/** What to print for `argv`, or undefined when oclif must answer. */
export function fastRootOutput(argv: string[], root: string, env: NodeJS.ProcessEnv = process.env, stdout: {isTTY?: boolean} = process.stdout): string | undefined {
  const version = argv[0] === '--version'
  if (!version && !(argv.length === 1 && argv[0] === '--help')) return undefined
  // Only an installed package has both, written by the same build; a checkout's dist/ may be stale.
  if (!existsSync(join(root, 'oclif.manifest.json')) || !existsSync(join(root, ROOT_HELP_FILE))) return undefined
  const data = JSON.parse(readFileSync(join(root, ROOT_HELP_FILE), 'utf8')) as RootHelpData
  const agent = userAgent(data)
  if (!agent) return undefined
  if (version) return `${agent}\n`
  // oclif colours headers when stdout is a terminal or colour is forced: that is its job then.
  if (stdout.isTTY || 'FORCE_COLOR' in env) return undefined
  const width = Number.parseInt(env.OCLIF_COLUMNS ?? '', 10) || 80
  return renderRootHelp(data, width, agent)
}

/** oclif's user agent (`aws-lockdown/0.1.0 linux-x64 node-v20.20.2`); undefined on WSL, which oclif detects its own way. */
function userAgent(d: RootHelpData): string | undefined {
  if (platform() === 'linux' && /microsoft/i.test(`${release()} ${readOr('/proc/version')}`)) return undefined
  return `${d.name}/${d.version} ${platform()}-${arch() === 'ia32' ? 'x86' : arch()} node-${process.version}`
}

function readOr(path: string): string {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    return ''
  }
}

/** oclif's root help (Help.showRootHelp) at `width` columns, without colour; undefined where it would differ. */
export function renderRootHelp(d: RootHelpData, width: number, agent: string): string | undefined {
  const texts = [d.description, ...d.topics.flat(), ...d.commands.flat()].filter((t): t is string => t !== undefined)
  // Templates (`<%= … %>`), several lines, wide characters: oclif renders those itself.
  if (texts.some((t) => t.includes('<%') || t.includes('\n') || !/^[\x20-\x7e\u00a0-\u2e7f]*$/.test(t))) return undefined
  const topics = list(d.topics, width)
  const commands = list(d.commands.filter(([id]) => id), width)
  if (topics === undefined || commands === undefined) return undefined
  const root = [d.description, section('VERSION', wrap(agent, width - 2)), section('USAGE', wrap(`$ ${d.bin} [COMMAND]`, width - 2))].join('\n\n')
  const out = [root, '']
  if (d.topics.length) out.push(section('TOPICS', topics), '')
  if (commands) out.push(section('COMMANDS', commands), '')
  return `${out.join('\n')}\n`
}

const indent = (text: string, n: number) => text.replace(/^(?!\s*$)/gm, ' '.repeat(n))
const section = (header: string, body: string) => `${header}\n${indent(body, 2)}`

/** HelpFormatter.renderList with indentation 2 and a newline spacer; undefined for its multi-line form. */
function list(rows: [string, string | undefined][], width: number): string | undefined {
  const maxLength = Math.max(0, ...rows.map(([left]) => left.length))
  const out: string[] = []
  for (const [left, right] of rows) {
    if (!right) {
      out.push(left.trim())
      continue
    }
    const [first, ...more] = wrap(right.trim(), width - (2 + maxLength + 2))
      .split('\n')
      .map((s) => s.trim())
    if (more.length > 4) return undefined
    out.push(`${left}${' '.repeat(maxLength - left.length + 2)}${first}${more.length ? `\n${indent(more.join('\n'), maxLength + 2)}` : ''}`)
  }
  return out.join('\n').trim()
}

/** wrap-ansi(text, columns, {hard: true}) for one line of plain text, as oclif's formatter calls it. */
export function wrap(text: string, columns: number): string {
  if (text.trim() === '') return ''
  const rows = ['']
  const last = () => rows.length - 1
  text.split(' ').forEach((word, index) => {
    rows[last()] = rows[last()]!.trimStart()
    let rowLength = rows[last()]!.length
    if (index !== 0 && rowLength > 0) {
      rows[last()] += ' '
      rowLength++
    }
    if (word.length > columns) {
      // A word longer than a line is cut, starting on this line when that saves a break.
      const remaining = columns - rowLength
      const breaksStartingThisLine = 1 + Math.floor((word.length - remaining - 1) / columns)
      const breaksStartingNextLine = Math.floor((word.length - 1) / columns)
      if (breaksStartingNextLine < breaksStartingThisLine) rows.push('')
      let visible = rows[last()]!.length
      for (let i = 0; i < word.length; i++) {
        if (visible + 1 <= columns) rows[last()] += word[i]
        else {
          rows.push(word[i]!)
          visible = 0
        }
        visible++
        if (visible === columns && i < word.length - 1) {
          rows.push('')
          visible = 0
        }
      }
      if (!visible && rows[last()]!.length > 0 && rows.length > 1) rows[rows.length - 2] += rows.pop()
      return
    }
    if (rowLength + word.length > columns && rowLength > 0 && word.length > 0) rows.push('')
    rows[last()] += word
  })
  return rows.map((r) => r.replace(/ +$/, '')).join('\n')
}
