// The trail commands' `--source` and the flags each source reads, made from the source registry: a new
// source shows up in `--help` and parses its flags without touching the commands.
import {Flags, type Interfaces} from '@oclif/core'

import {SOURCES, sourceFlags} from '../forensics/sources/registry.js'

export function sourceFlagDefs(): Record<string, Interfaces.OptionFlag<unknown>> {
  const defs: Record<string, Interfaces.OptionFlag<unknown>> = {}
  for (const [name, f] of Object.entries(sourceFlags())) {
    const description = f.sources.length > 1 ? `${f.description} (--source ${f.sources.join(', ')})` : f.description
    defs[name] = (f.type === 'integer' ? Flags.integer({description, min: 0}) : f.list ? Flags.string({description, delimiter: ',', multiple: true}) : Flags.string({description})) as Interfaces.OptionFlag<unknown>
  }
  return defs
}

export const sourceFlag = Flags.string({
  description: `Where events come from. Default: files with --path, s3 with --path s3://…, lake with --lake, else lookup.\n${SOURCES.map((s) => `  ${s.kind}: ${s.summary}`).join('\n')}`,
  options: SOURCES.map((s) => s.kind),
})

/** Progress of a long read (s3) on stderr: one line redrawn on a terminal, plain lines elsewhere (CI logs). */
export function progressOnStderr(): {progress: (line: string, final?: boolean) => void; tty: boolean} {
  const tty = Boolean(process.stderr.isTTY)
  return {
    tty,
    progress: (line, final) => process.stderr.write(tty ? `\r\u001B[2K${line}${final ? '\n' : ''}` : `${line}\n`),
  }
}
