// Expands `--path`: a file, a directory (walked recursively, as an S3 sync of AWSLogs/ lays it out) or a
// glob (`*`, `**`, `?`). Node 20 has no fs.glob, and the patterns we need are simple enough not to pull
// in a dependency for them.
import {readdir, stat} from 'node:fs/promises'
import {join, resolve, sep} from 'node:path'

import {InvalidInputError} from '../../errors.js'

const TRAIL_FILE = /\.(json|jsonl|ndjson)(\.gz)?$/i

function globToRegExp(glob: string): RegExp {
  let re = ''
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]
    if (c === '*' && glob[i + 1] === '*') {
      // `**/` matches zero or more directories.
      re += glob[i + 2] === '/' ? '(?:.*/)?' : '.*'
      i += glob[i + 2] === '/' ? 2 : 1
    } else if (c === '*') re += '[^/]*'
    else if (c === '?') re += '[^/]'
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&')
  }
  return new RegExp(`^${re}$`)
}

async function walk(dir: string, out: string[]): Promise<void> {
  const entries = await readdir(dir, {withFileTypes: true})
  for (const e of entries) {
    const p = join(dir, e.name)
    if (e.isDirectory()) await walk(p, out)
    else if (e.isFile()) out.push(p)
  }
}

/** The files a path or glob names, sorted (CloudTrail file names sort by delivery time). */
export async function expandTrailPaths(pattern: string): Promise<string[]> {
  const abs = resolve(pattern)
  const firstGlob = abs.search(/[*?]/)
  if (firstGlob < 0) {
    const st = await stat(abs).catch(() => undefined)
    if (!st) throw new InvalidInputError(`No such file or directory: ${pattern}`, [], {next: 'lockdown trail chains --source files --path <dir-or-glob>'})
    if (st.isFile()) return [abs]
    const all: string[] = []
    await walk(abs, all)
    return all.filter((f) => TRAIL_FILE.test(f)).sort()
  }
  const base = abs.slice(0, abs.lastIndexOf(sep, firstGlob)) || sep
  const re = globToRegExp(abs.split(sep).join('/'))
  const all: string[] = []
  await walk(base, all).catch(() => undefined)
  const files = all.filter((f) => re.test(f.split(sep).join('/'))).sort()
  if (files.length === 0) throw new InvalidInputError(`No files match ${pattern}`, [], {next: 'lockdown trail chains --source files --path <dir-or-glob>'})
  return files
}
