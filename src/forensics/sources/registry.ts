// The forensic source registry, like the action registry: every place CloudTrail events can come from,
// each one entry (`{kind, flags, open()}`) that lives in its source's own file. From it come the trail
// commands' `--source` choices and flags, the default source when none is named, and the IAM actions
// each source needs. Adding a source = one file + one line here.
import type {Clients} from '../../aws/clients.js'
import {InvalidInputError} from '../../errors.js'
import {athenaSource} from './athena.js'
import {filesSource} from './files.js'
import {lakeSource} from './lake.js'
import {lookupSource} from './lookup.js'
import {s3Source} from './s3.js'
import type {TrailSource} from './types.js'

/** A flag a source reads, described without oclif (commands turn it into an oclif flag). */
export interface SourceFlag {
  description: string
  type?: 'string' | 'integer'
  /** Comma-separated and repeatable (`--regions a,b --regions c`). */
  list?: boolean
}

/** Flag values by flag name, as the command parsed them (`regions: ['us-east-1']`, `'max-bytes': '5GB'`). */
export type SourceValues = Record<string, unknown>

/** What a source may use when it opens: clients are built only when called (files never resolve credentials). */
export interface SourceEnv {
  clients(): Clients
  /** Progress lines (stderr in the CLI); absent: silent. */
  progress?: (line: string, final?: boolean) => void
  /** Whether progress may redraw one line (a TTY) or must print plain lines (CI, pipes). */
  tty?: boolean
}

/** One statement of a least-privilege policy: IAM actions on ARN patterns (`['*']` when nothing narrower is known). */
export interface Grant {
  actions: string[]
  resources: string[]
  /** What the policy cannot say (a KMS key only the bucket knows): shown beside it. */
  note?: string
}

/** Where the read runs, when known (the preflight knows; `lockdown permissions` does not): ARNs' region and account. */
export interface GrantScope {
  region?: string
  account?: string
  /** A member account lockdown enters through the access role (not the caller's own): what the access role needs there. */
  member?: boolean
}

export interface SourceDef {
  /** The `--source` word. */
  kind: string
  /** One line for `--help`: what it reads and when to use it. */
  summary: string
  /** The flags it reads; a flag several sources share (regions) is one flag. */
  flags: Record<string, SourceFlag>
  /** IAM actions it calls; feeds `lockdown permissions` for a forensics step with this source. */
  permissions: string[]
  /**
   * What reading with these values needs, scoped to the resources they name (the bucket, the table, the
   * workgroup); `*` where a value is not known. Absent: `permissions` on every resource.
   */
  grants?(v: SourceValues, where?: GrantScope): Grant[]
  /** Chosen without `--source` when these values point at it (`--path ./AWSLogs` → files). */
  impliedBy?(v: SourceValues): boolean
  /**
   * No `--since`/`--until`: read everything the input holds (files: an analyst handed last year's logs
   * wants all of them) instead of the 48h back from now that indexed sources default to.
   */
  wholeByDefault?(v: SourceValues): boolean
  /** Reads `--accounts` itself (the accounts a bucket holds) instead of LookupEvents entering each account. */
  readsAccounts?: boolean
  open(v: SourceValues, env: SourceEnv): TrailSource
}

/** In the order `--help` lists them; the first whose impliedBy matches is the default, else lookup. */
export const SOURCES: SourceDef[] = [lookupSource, lakeSource, s3Source, filesSource, athenaSource]

export const DEFAULT_SOURCE = 'lookup'

export function findSource(kind: string): SourceDef | undefined {
  return SOURCES.find((s) => s.kind === kind)
}

/** `--source`, or the source the other flags imply, or LookupEvents. */
export function chooseSource(kind: string | undefined, v: SourceValues): SourceDef {
  if (kind !== undefined) {
    const def = findSource(kind)
    if (!def) throw new InvalidInputError(`Unknown --source ${kind}: expected one of ${SOURCES.map((s) => s.kind).join(', ')}`, [], {next: 'lockdown trail chains --help'})
    return def
  }
  return SOURCES.find((s) => s.impliedBy?.(v)) ?? findSource(DEFAULT_SOURCE)!
}

/** Every source's flags, one entry per name; a shared flag's description says which sources read it. */
export function sourceFlags(): Record<string, SourceFlag & {sources: string[]}> {
  const out: Record<string, SourceFlag & {sources: string[]}> = {}
  for (const s of SOURCES) {
    for (const [name, f] of Object.entries(s.flags)) {
      const seen = out[name]
      if (seen) seen.sources.push(s.kind)
      else out[name] = {...f, sources: [s.kind]}
    }
  }
  return out
}

/** The IAM actions a forensics read with this source needs (`lockdown permissions`). */
export function sourcePermissions(kind: string | undefined): string[] {
  return (findSource(kind ?? DEFAULT_SOURCE) ?? findSource(DEFAULT_SOURCE)!).permissions
}
