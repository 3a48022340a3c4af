// ListObjectsV2 over a directory: the trail delivery directory IS the bucket (a key is the path under
// it, `/`-separated). Keys come out in S3's order (binary, ascending) without reading the whole tree: a
// directory is sorted as `name/` so its keys sort where S3 puts them, a directory outside the prefix
// or wholly before the start is never opened, and one that rolls up into a common prefix is named,
// not walked. That is what makes a pruned listing of a 90-day bucket cheap here, as it is in S3.
import type {Dirent} from 'node:fs'
import {readdir, stat} from 'node:fs/promises'
import {join} from 'node:path'

export interface ListArgs {
  prefix: string
  delimiter?: string
  /** Exclusive: only keys (and common prefixes) after this one. */
  after: string
  maxKeys: number
}

export interface ObjectEntry {
  key: string
  size: number
  mtime: number
}

export interface ListResult {
  contents: ObjectEntry[]
  prefixes: string[]
  truncated: boolean
  /** The last key or common prefix returned: where the next page starts. */
  last?: string
}

type Item = {key: string; file?: string; prefix?: boolean}

async function sorted(dir: string): Promise<Dirent[]> {
  const entries = await readdir(dir, {withFileTypes: true}).catch(() => [] as Dirent[])
  const name = (e: Dirent) => (e.isDirectory() ? `${e.name}/` : e.name)
  return entries.filter((e) => e.isDirectory() || e.isFile()).sort((a, b) => (name(a) < name(b) ? -1 : name(a) > name(b) ? 1 : 0))
}

/** The common prefix a key (or every key under a directory key `d/`) rolls up into, if any. */
function rollUp(key: string, a: ListArgs): string | undefined {
  if (!a.delimiter || !key.startsWith(a.prefix)) return undefined
  const i = key.indexOf(a.delimiter, a.prefix.length)
  return i < 0 ? undefined : key.slice(0, i + a.delimiter.length)
}

async function* walk(root: string, rel: string, a: ListArgs): AsyncGenerator<Item> {
  for (const e of await sorted(join(root, rel))) {
    if (e.isDirectory()) {
      const d = `${rel}${e.name}/`
      // Outside the prefix, or every key under it sorts at or before the start: never opened.
      if (!d.startsWith(a.prefix) && !a.prefix.startsWith(d)) continue
      if (d <= a.after && !a.after.startsWith(d)) continue
      const cp = d.startsWith(a.prefix) ? rollUp(d, a) : undefined
      if (cp) {
        if (cp > a.after) yield {key: cp, prefix: true}
        continue
      }
      yield* walk(root, d, a)
    } else {
      const key = `${rel}${e.name}`
      if (!key.startsWith(a.prefix)) continue
      const cp = rollUp(key, a)
      if (cp) {
        if (cp > a.after) yield {key: cp, prefix: true}
      } else if (key > a.after) yield {key, file: join(root, rel, e.name)}
    }
  }
}

export async function listDir(root: string, a: ListArgs): Promise<ListResult> {
  const out: ListResult = {contents: [], prefixes: [], truncated: false}
  if (a.maxKeys <= 0) return out
  let count = 0
  for await (const item of walk(root, '', a)) {
    // Keys under one common prefix arrive together: it is one entry.
    if (item.prefix && item.key === out.last) continue
    if (count === a.maxKeys) {
      out.truncated = true
      break
    }
    count++
    out.last = item.key
    if (item.prefix) out.prefixes.push(item.key)
    else {
      const st = await stat(item.file!).catch(() => undefined)
      if (st) out.contents.push({key: item.key, size: st.size, mtime: st.mtimeMs})
    }
  }
  return out
}
