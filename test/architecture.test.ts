// The layers import downward only, and only src/aws talks to the AWS SDK (see README, "Layers").
import {readdirSync, readFileSync, statSync} from 'node:fs'
import {join, relative} from 'node:path'
import {expect, it} from 'vitest'

// Top to bottom. src/cli belongs to the commands layer; errors.ts and version.ts sit under everything.
const LAYERS = [['commands', 'cli'], ['drill'], ['engine'], ['actions'], ['forensics'], ['sim'], ['report'], ['aws'], ['playbook'], ['errors.ts', 'version.ts']]
const layerOf = (path: string) => LAYERS.findIndex((names) => names.includes(path.split('/')[0]))

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f)
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : []
  })
}

const sources = files('src').map((f) => relative('src', f))

it('imports only from its own layer or below', () => {
  const crossings: string[] = []
  for (const file of sources) {
    const mine = layerOf(file)
    for (const [, spec] of readFileSync(join('src', file), 'utf8').matchAll(/(?:from|import\()\s*'(\.{1,2}\/[^']+)'/g)) {
      const target = relative('src', join('src', file, '..', spec)).replace(/\.js$/, '.ts')
      const theirs = layerOf(target)
      if (theirs !== -1 && theirs < mine) crossings.push(`${file} -> ${target}`)
    }
  }
  expect(crossings).toEqual([])
})

it('builds AWS SDK calls only in src/aws', () => {
  const outside = sources.filter((f) => !f.startsWith('aws/') && /from '@aws-sdk\//.test(readFileSync(join('src', f), 'utf8')))
  expect(outside).toEqual([])
})

it('places every source file in a layer', () => {
  expect(sources.filter((f) => layerOf(f) === -1)).toEqual([])
})
