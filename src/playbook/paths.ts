// Where a playbook may make lockdown write a file (the forensics step's `report:`): inside the working
// directory or the --reports-dir the person running it named. A playbook from a ticket must not be able
// to write ~/.aws/config, ../../etc/cron.d/x or /tmp/anything through a report path.
import {existsSync, realpathSync} from 'node:fs'
import {dirname, isAbsolute, relative, resolve} from 'node:path'

/** The real path of `p`, following symlinks in the part of it that exists (a `reports` link to /etc counts as /etc). */
function realish(p: string): string {
  let head = p
  const tail: string[] = []
  while (!existsSync(head)) {
    const up = dirname(head)
    if (up === head) break
    tail.unshift(head.slice(up.length).replace(/^[/\\]/, ''))
    head = up
  }
  let real = head
  try {
    real = realpathSync(head)
  } catch {
    // unreadable: compare the path as written
  }
  return resolve(real, ...tail)
}

function inside(child: string, root: string): boolean {
  const rel = relative(root, child)
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel))
}

/** Why `file` may not be written, or undefined when it resolves inside the working directory or `reportsDir`. */
export function writePathProblem(file: string, opts: {reportsDir?: string; cwd?: string} = {}): string | undefined {
  const cwd = opts.cwd ?? process.cwd()
  const where = `the working directory${opts.reportsDir ? ` or --reports-dir ${opts.reportsDir}` : ''}`
  if (file.includes('\0')) return 'a file path cannot contain a NUL character'
  if (file.startsWith('~')) return `'~' is not expanded here; write a path inside ${where}`
  const target = realish(resolve(cwd, file))
  const roots = [cwd, ...(opts.reportsDir ? [resolve(cwd, opts.reportsDir)] : [])].map(realish)
  if (roots.some((r) => inside(target, r) && target !== r)) return undefined
  return `${file} resolves to ${target}, outside ${where}; write it there, or pass --reports-dir DIR to allow another directory`
}
