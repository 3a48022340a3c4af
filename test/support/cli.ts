// Runs lockdown commands in-process, as the CLI would, capturing stdout, stderr and the exit code.
import {Config} from '@oclif/core'
import {fileURLToPath} from 'node:url'
import {format} from 'node:util'

import {main} from '../../src/cli/main.js'

const root = fileURLToPath(new URL('../..', import.meta.url))
let config: Config | undefined

export interface CliResult {
  code: number
  stdout: string
  stderr: string
  /** stdout parsed as JSON, when the command ran with --json. */
  json?: any // eslint-disable-line @typescript-eslint/no-explicit-any
}

export async function runCli(argv: string[], env: Record<string, string> = {}): Promise<CliResult> {
  config ??= await Config.load({root, devPlugins: false})
  const saved = {...process.env}
  Object.assign(process.env, env)
  let stdout = ''
  let stderr = ''
  const out = process.stdout.write.bind(process.stdout)
  const err = process.stderr.write.bind(process.stderr)
  const log = console.log
  const error = console.error
  // oclif prints through console.log/console.error; listr2 and prompts write to the streams.
  console.log = (...a: unknown[]) => void (stdout += `${format(...a)}\n`)
  console.error = (...a: unknown[]) => void (stderr += `${format(...a)}\n`)
  process.stdout.write = ((chunk: string | Uint8Array) => ((stdout += chunk.toString()), true)) as typeof process.stdout.write
  process.stderr.write = ((chunk: string | Uint8Array) => ((stderr += chunk.toString()), true)) as typeof process.stderr.write
  const before = process.exitCode
  process.exitCode = undefined
  let code = 0
  try {
    // The same entry as bin/run.js: errors outside a command get the same envelope.
    await main(argv, config)
    code = Number(process.exitCode ?? 0)
  } catch (error) {
    const e = error as {oclif?: {exit?: number}; exitCode?: number}
    code = e.oclif?.exit ?? e.exitCode ?? 1
    if (code === 1 && !(e.oclif?.exit === 1)) stderr += String((error as Error).stack)
  } finally {
    process.stdout.write = out
    process.stderr.write = err
    console.log = log
    console.error = error
    process.exitCode = before
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k]
    Object.assign(process.env, saved)
  }
  let json: unknown
  if (argv.includes('--json')) {
    try {
      json = JSON.parse(stdout)
    } catch {
      json = undefined
    }
  }
  return {code, stdout, stderr, json}
}
