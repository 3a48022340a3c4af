// Test helper: rewrite a run journal as a forger would — edit its entries, then recompute the sha256
// chain (the chain has no secret). Returns a function that puts the original file back.
import {createHash} from 'node:crypto'
import {readFileSync, writeFileSync} from 'node:fs'

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Entry = Record<string, any>

export function rechain(path: string, edit: (entries: Entry[]) => Entry[]): () => void {
  const original = readFileSync(path, 'utf8')
  const entries = original
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const e = JSON.parse(l) as Entry
      delete e.seq
      delete e.prev
      return e
    })
  let prev: string | null = null
  const out: string[] = []
  for (const [seq, e] of edit(entries).entries()) {
    const text: string = JSON.stringify({seq, prev, ...e})
    out.push(text)
    prev = createHash('sha256').update(text).digest('hex')
  }
  writeFileSync(path, out.join('\n') + '\n')
  return () => writeFileSync(path, original)
}
