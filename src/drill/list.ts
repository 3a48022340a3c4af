// The shipped drills, one line each, from playbooks/drills/*.yaml.
import {readdir} from 'node:fs/promises'
import {join} from 'node:path'

import {loadDrill} from './schema.js'

export async function listDrills(dir: string): Promise<{file: string; name: string; description: string}[]> {
  const files = (await readdir(dir).catch(() => [] as string[])).filter((f) => f.endsWith('.yaml')).sort()
  const out = []
  for (const f of files) {
    const {drill} = await loadDrill(join(dir, f))
    out.push({file: join(dir, f), name: drill.name, description: drill.description})
  }
  return out
}
