// `lockdown validate FILE...` without oclif. Loading oclif (its config, manifest, plugins and some 150
// CommonJS modules) was a third of validate's start-up, and validate needs none of it: no AWS, no prompts,
// two flags. bin/run.js calls this first; it answers only the command lines it reads exactly as oclif's
// parser would, and returns false for everything else (help, other flags, `--`, a positional after --set,
// which oclif's repeatable flag swallows as another value) so oclif answers those. Output, exit codes and
// the --json envelope come from the same functions the oclif command uses (validate-files.ts,
// error-envelope.ts); test/cli/validate-fast.test.ts and test/package/install.test.ts compare both paths
// byte for byte.
import {errorEnvelope, errorLines, toLockdownError} from './error-envelope.js'
import {validateFiles} from './validate-files.js'

interface Parsed {
  args: string[]
  set: string[]
  reportsDir?: string
  json: boolean
}

/** argv (after `validate`) as oclif would parse it, or undefined when only oclif can say what it means. */
export function parseFastValidate(argv: readonly string[], env: NodeJS.ProcessEnv = process.env, stdout: {isTTY?: boolean} = process.stdout): Parsed | undefined {
  // oclif's debug output, LOCKDOWN_CONTENT_TYPE=json (oclif's other way to ask for JSON), a stack under DEBUG.
  if (env.DEBUG !== undefined || env.LOCKDOWN_DEBUG !== undefined || env.LOCKDOWN_CONTENT_TYPE !== undefined) return undefined
  const p: Parsed = {args: [], set: [], json: false}
  let sawSet = false
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!
    if (!a.startsWith('-')) {
      // After --set, oclif takes every further word as one more --set value (a repeatable flag is greedy).
      if (sawSet) return undefined
      p.args.push(a)
      continue
    }
    if (a === '--json') {
      if (p.json) return undefined
      p.json = true
      continue
    }
    const m = /^--(set|reports-dir)(?:=(.*))?$/.exec(a)
    if (!m) return undefined // --help, -h, --, base flags, typos: oclif parses and answers them
    const value = m[2] ?? argv[++i]
    if (value === undefined || value === '' || value.startsWith('-')) return undefined
    if (m[1] === 'set') {
      sawSet = true
      p.set.push(value)
    } else {
      if (p.reportsDir !== undefined) return undefined // oclif: "can only be specified once"
      p.reportsDir = value
    }
  }
  if (!p.args.length) return undefined // oclif names the missing argument
  // oclif colours JSON on a terminal (or FORCE_COLOR) when a theme is configured: leave that to it.
  if (p.json && (stdout.isTTY || 'FORCE_COLOR' in env)) return undefined
  return p
}

let epipeIgnored = false
/** As oclif's Command module does on load: a closed pipe (`lockdown validate … | head -1`) is not a crash. */
function ignoreEpipe(): void {
  if (epipeIgnored) return
  epipeIgnored = true
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err?.code !== 'EPIPE') throw err
  })
}

/** Runs `lockdown validate` for argv (after `validate`) when parseFastValidate reads it; false: run oclif. */
export async function fastValidate(argv: readonly string[]): Promise<boolean> {
  const p = parseFastValidate(argv)
  if (!p) return false
  const ctx = {command: 'validate'}
  ignoreEpipe()
  // What oclif's Command prints through: console.log / console.error (ux.stdout / ux.stderr).
  try {
    const result = await validateFiles({args: p.args, set: p.set, reportsDir: p.reportsDir, say: (text) => p.json || console.log(text)})
    if (p.json) console.log(JSON.stringify(result, null, 2))
  } catch (error) {
    // BaseCommand.catch, without oclif.
    const e = toLockdownError(error, ctx)
    process.exitCode = e.exitCode
    if (p.json) console.log(JSON.stringify(errorEnvelope(e, ctx), null, 2))
    else for (const line of errorLines(e, ctx)) console.error(line)
  }
  return true
}
