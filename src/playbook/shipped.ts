// Playbooks and drills ship inside the package (playbooks/). An installed lockdown runs from any
// directory, so a name (`leaked-access-key`) or a package-relative path (`playbooks/drills/x.yaml`)
// that does not exist where the user stands is looked up among the shipped files.
import {existsSync} from 'node:fs'
import {isAbsolute, join} from 'node:path'
import {fileURLToPath} from 'node:url'

/** The package's playbooks/ folder: two levels up from src/playbook/ (tsx) and from dist/playbook/ (built). */
export const SHIPPED_DIR = fileURLToPath(new URL('../../playbooks', import.meta.url))
export const SHIPPED_DRILLS = join(SHIPPED_DIR, 'drills')
export const SHIPPED_SCHEMA = join(SHIPPED_DIR, 'playbook.schema.json')

/**
 * The file a playbook or drill argument names: the path itself when it exists (a local file always wins),
 * else the shipped file of that name, else the argument unchanged (so loading reports it as not found).
 */
export function resolvePlaybookFile(arg: string, kind: 'playbook' | 'drill' = 'playbook'): string {
  if (isAbsolute(arg) || existsSync(arg)) return arg
  const dir = kind === 'drill' ? SHIPPED_DRILLS : SHIPPED_DIR
  const candidates = /[\\/]/.test(arg) ? [join(SHIPPED_DIR, '..', arg)] : [join(dir, arg), join(dir, `${arg}.yaml`), join(dir, `${arg}.yml`)]
  return candidates.find((c) => existsSync(c)) ?? arg
}
