// A seeded generator of hostile playbooks: mutations of the shipped ones as an attacker, a careless edit or
// a broken editor would make them. Deterministic (mulberry32 from one seed), so case #N is always the same
// bytes and a failure reproduces with its number.
import {readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'

export interface HostileCase {
  name: string
  bytes: Buffer
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

type Rand = () => number
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]
const int = (r: Rand, n: number) => Math.floor(r() * n)

const lines = (t: string) => t.split('\n')
/** Lines that carry content (not comments or blanks): where a mutation does damage. */
const contentLines = (t: string) => lines(t).map((l, i) => [l, i] as const).filter(([l]) => l.trim() && !l.trim().startsWith('#'))
const scalarLines = (t: string) => contentLines(t).filter(([l]) => /:\s+\S/.test(l))

function replaceValue(t: string, r: Rand, value: string): string {
  const ls = lines(t)
  const cands = scalarLines(t)
  if (!cands.length) return t
  const [l, i] = pick(r, cands)
  ls[i] = l.replace(/(:\s+).*$/, `$1${value}`)
  return ls.join('\n')
}

const TYPE_SWAPS = ['123', '-1', '0', '1e308', 'true', 'false', 'null', '~', '[]', '{}', '[1, 2]', '{a: 1}', '"text"', "''", '0x1F', '.nan', '!!binary aGVsbG8=', '2026-01-01']
const INJECTIONS = ['"${"', '"${}"', '"${x}"', '"${incident}${incident}"', '"$${literal}"', '"${__proto__}"', '"${constructor}"', '"${toString}"', '"${incident"', '"${${incident}}"', '"$$${incident}"', '"${ incident }"']
const TRAVERSALS = ['../../../../etc/cron.d/lockdown', '/etc/passwd', '~/.aws/credentials', '~root/x.md', 'reports/${incident}/../../../../tmp/x.md', '..', '/', 'reports/\u0000.md', 'C:\\\\Windows\\\\x.md', '//server/share/x.md', 'reports/../../x.md', './reports/ok.md']

const MUTATIONS: Record<string, (t: string, r: Rand) => string | Buffer> = {
  'delete a line': (t, r) => {
    const ls = lines(t)
    const [, i] = pick(r, contentLines(t))
    ls.splice(i, 1)
    return ls.join('\n')
  },
  'delete a character': (t, r) => {
    const [, i] = pick(r, contentLines(t))
    const start = lines(t).slice(0, i).join('\n').length + (i ? 1 : 0)
    const at = start + int(r, lines(t)[i].length)
    return t.slice(0, at) + t.slice(at + 1)
  },
  'swap a type': (t, r) => replaceValue(t, r, pick(r, TYPE_SWAPS)),
  'huge string': (t, r) => replaceValue(t, r, JSON.stringify('A'.repeat(100_000 + int(r, 800_000)))),
  'non-UTF-8 bytes': (t, r) => {
    const b = Buffer.from(t)
    const at = int(r, b.length)
    return Buffer.concat([b.subarray(0, at), Buffer.from(pick(r, [[0xff], [0xc3, 0x28], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xc0, 0xaf]])), b.subarray(at)])
  },
  'anchors and aliases': (t, r) =>
    replaceValue(
      t,
      r,
      pick(r, ['*nope', '&a [*a]', '&a {x: *a}', '&x "v"', '*incident', '&a [1, 2]']) ,
    ) + pick(r, ['', '\nextra: &b [*b]', `\nbomb:\n  a: &a ["x","x","x","x","x","x","x","x","x"]\n  b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n  c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n  d: [*c,*c,*c,*c,*c,*c,*c,*c,*c]`]),
  'deep nesting': (t, r) => {
    const d = 20 + int(r, 3000)
    return pick(r, [
      () => replaceValue(t, r, `${'['.repeat(d)}${']'.repeat(d)}`),
      () => replaceValue(t, r, `${'{a: '.repeat(d)}1${'}'.repeat(d)}`),
      () => `${t}\nx:\n${'- '.repeat(d)}x\n`,
      () => `${t}\nx:\n${Array.from({length: Math.min(d, 1200)}, (_, i) => `${' '.repeat(i + 1)}k${i}:`).join('\n')} 1\n`,
    ])()
  },
  'tabs': (t, r) => {
    const ls = lines(t)
    const [l, i] = pick(r, contentLines(t))
    ls[i] = pick(r, [l.replace(/^ +/, '\t'), l.replace(/: /, ':\t'), `\t${l}`, l.replace(/ /g, '\t')])
    return ls.join('\n')
  },
  'duplicate a key': (t, r) => {
    const ls = lines(t)
    const [l, i] = pick(r, scalarLines(t))
    ls.splice(i + 1, 0, l)
    return ls.join('\n')
  },
  '${} injection': (t, r) => replaceValue(t, r, pick(r, INJECTIONS)),
  'report: path traversal': (t, r) =>
    `${t.replace(/\n*$/, '')}\n  - id: exfil-${int(r, 1000)}\n    action: forensics\n    with:\n      since: 1h\n      report: ${JSON.stringify(pick(r, TRAVERSALS))}\n`,
  'garbage': (t, r) =>
    pick(r, [
      () => Buffer.alloc(int(r, 4096), int(r, 256)),
      () => Buffer.from(Array.from({length: 2000}, () => int(r, 256))),
      () => `${t}\u0000${t}`,
      () => `\ufeff${t}`,
      () => t.replace(/\n/g, '\r\n'),
      () => t.replace(/\n/g, '\r'),
      () => `${t}\n---\n${t}`,
      () => `%YAML 9.9\n${t}`,
      () => '',
      () => `${t}\n`.repeat(Math.ceil((1024 * 1024 + 1) / t.length)),
    ])(),
  'change the version or action': (t, r) => t.replace(/version: 1/, `version: ${pick(r, ['2', '"1"', '1.0', '-1'])}`).replace(/action: [a-z-]+/, `action: ${pick(r, ['revoke-session', 'rm -rf', '"__proto__"', 'constructor', 'deactivate-keys'])}`),
}

/** `n` hostile variants of each playbook in `dir`, spread over every mutation kind. */
export function hostilePlaybooks(dir: string, n: number, seed: number): HostileCase[] {
  const r = mulberry32(seed)
  const files = readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort()
  const kinds = Object.keys(MUTATIONS)
  const out: HostileCase[] = []
  for (const f of files) {
    const text = readFileSync(join(dir, f), 'utf8')
    for (let i = 0; i < n; i++) {
      const kind = kinds[i % kinds.length]
      // Most cases get one mutation; some stack a second, as real damage does.
      let m: string | Buffer = MUTATIONS[kind](text, r)
      const second = r() < 0.3 && typeof m === 'string' ? pick(r, kinds) : undefined
      if (second && typeof m === 'string') m = MUTATIONS[second](m, r)
      out.push({name: `${f} · ${kind}${second ? ` + ${second}` : ''}`, bytes: Buffer.isBuffer(m) ? m : Buffer.from(m)})
    }
  }
  return out
}
