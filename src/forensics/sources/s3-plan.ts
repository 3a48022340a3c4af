// Which prefixes of a CloudTrail bucket a question needs, found with delimiter listings and never by
// listing the bucket: `<prefix>/AWSLogs/<org id>/<account>/CloudTrail/<region>/<yyyy>/<mm>/<dd>/` for an
// organization trail, `<prefix>/AWSLogs/<account>/CloudTrail/…` for an account's own (both may share a
// bucket). Accounts and regions come from --accounts / --regions when given, else from one delimiter
// listing each level; years from one more, so an open-ended window costs no call per empty year.
// Whole months and years inside the window are listed as one prefix; the first day starts after the
// window's start (file names carry their delivery minute, in order).
import {InvalidInputError} from '../../errors.js'

/** CloudTrail delivers within minutes (AWS: about 5, not guaranteed); an event can sit in a file stamped this much later. */
export const DELIVERY_LAG_MS = 60 * 60_000

export interface S3Location {
  bucket: string
  /** '' or ending in '/'. */
  prefix: string
}

export function parseS3Url(url: string): S3Location {
  const m = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(url)
  if (!m) throw new InvalidInputError(`Not an S3 location: '${url}' (expected s3://bucket or s3://bucket/prefix)`, [], {next: 'lockdown trail chains --source s3 --path s3://my-trail-bucket/'})
  const rest = m[2] ?? ''
  return {bucket: m[1], prefix: rest === '' || rest.endsWith('/') ? rest : `${rest}/`}
}

export interface PlanInput {
  start: number
  end: number
  /** Only these accounts (12-digit ids); undefined: every account the bucket holds. */
  accounts?: string[]
  regions?: string[]
}

/** One prefix to list in full, with where listing may start and past which key it may stop. */
export interface ListPrefix {
  prefix: string
  account: string
  region: string
  startAfter?: string
  /** Keys after this one are delivered past the window (+ lag): paging stops there. */
  stopAfter?: string
}

export interface Plan {
  prefixes: ListPrefix[]
  /** Account ids found (or asked for), and whether under an organization id. */
  accounts: string[]
  orgs: string[]
}

/** Common prefixes directly under `prefix` (every page), as segment names without the slash. */
export type ListChildren = (prefix: string) => Promise<string[]>

const ACCOUNT = /^\d{12}$/
const ORG = /^o-[a-z0-9]{10,32}$/
const p2 = (n: number) => String(n).padStart(2, '0')
const dayOf = (ms: number) => {
  const d = new Date(ms)
  return {y: d.getUTCFullYear(), m: d.getUTCMonth() + 1, d: d.getUTCDate()}
}

/** `<acct>_CloudTrail_<region>_<yyyymmddThhmm>Z`: sorts before every file delivered in that minute or later. */
export function stampKey(dayPrefix: string, account: string, region: string, ms: number): string {
  const d = new Date(ms)
  return `${dayPrefix}${account}_CloudTrail_${region}_${d.getUTCFullYear()}${p2(d.getUTCMonth() + 1)}${p2(d.getUTCDate())}T${p2(d.getUTCHours())}${p2(d.getUTCMinutes())}Z`
}

/** The delivery minute in a CloudTrail file name, ms; undefined for a name without one. */
export function stampOf(key: string): number | undefined {
  const m = /_(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})Z_[^/]*$/.exec(key)
  return m ? Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5]) : undefined
}

/** Whether a listed key can hold events of [start, end]: delivered at or after start, and not long after end. */
export function keyInWindow(key: string, start: number, end: number): boolean {
  const t = stampOf(key)
  return t === undefined || (t + 60_000 > start && t <= end + DELIVERY_LAG_MS)
}

/** The year/month/day prefixes under a region's prefix that cover [start, end + lag], months and years whole where they fit. */
export function datePrefixes(regionPrefix: string, years: number[], start: number, end: number): {prefix: string; first: boolean; last: boolean}[] {
  const from = dayOf(Math.max(start, Date.UTC(1970, 0, 1)))
  const to = dayOf(end + DELIVERY_LAG_MS)
  const key = (y: number, m: number, d: number) => y * 10000 + m * 100 + d
  const lo = key(from.y, from.m, from.d)
  const hi = key(to.y, to.m, to.d)
  const out: {prefix: string; first: boolean; last: boolean}[] = []
  for (const y of years.filter((y) => y >= from.y && y <= to.y).sort((a, b) => a - b)) {
    if (key(y, 1, 1) > lo && key(y, 12, 31) < hi) {
      out.push({prefix: `${regionPrefix}${y}/`, first: false, last: false})
      continue
    }
    for (let m = 1; m <= 12; m++) {
      const days = new Date(Date.UTC(y, m, 0)).getUTCDate()
      if (key(y, m, days) < lo || key(y, m, 1) > hi) continue
      if (key(y, m, 1) > lo && key(y, m, days) < hi) {
        out.push({prefix: `${regionPrefix}${y}/${p2(m)}/`, first: false, last: false})
        continue
      }
      for (let d = 1; d <= days; d++) {
        const k = key(y, m, d)
        if (k >= lo && k <= hi) out.push({prefix: `${regionPrefix}${y}/${p2(m)}/${p2(d)}/`, first: k === lo, last: k === hi})
      }
    }
  }
  return out
}

/** Where the account folders are: the organization ids and the account roots under `AWSLogs/`. */
async function accountRoots(base: string, rest: string[], input: PlanInput, children: ListChildren): Promise<{roots: {account: string; root: string}[]; orgs: string[]; rest: string[]}> {
  const direct: string[] = []
  let orgs: string[] = []
  if (rest[0] && ORG.test(rest[0])) orgs = [rest.shift()!]
  else if (rest[0] && ACCOUNT.test(rest[0])) direct.push(rest.shift()!)
  else {
    for (const c of await children(base)) {
      if (ORG.test(c)) orgs.push(c)
      else if (ACCOUNT.test(c)) direct.push(c)
    }
  }
  const wanted = (a: string) => !input.accounts || input.accounts.includes(a)
  const roots = direct.filter(wanted).map((account) => ({account, root: `${base}${account}/`}))
  for (const org of orgs) {
    const orgBase = `${base}${org}/`
    // Accounts asked for by id need no listing: their folder is where the layout puts it.
    const accounts = direct.length === 0 && rest.length === 0 && input.accounts ? input.accounts : (await children(orgBase)).filter((c) => ACCOUNT.test(c)).filter(wanted)
    for (const account of accounts) roots.push({account, root: `${orgBase}${account}/`})
  }
  return {roots, orgs, rest}
}

export async function planPrefixes(loc: S3Location, input: PlanInput, children: ListChildren): Promise<Plan> {
  const at = loc.prefix.lastIndexOf('AWSLogs/')
  const base = at < 0 ? `${loc.prefix}AWSLogs/` : loc.prefix.slice(0, at + 'AWSLogs/'.length)
  const given = at < 0 ? [] : loc.prefix.slice(base.length).split('/').filter(Boolean)
  const {roots, orgs, rest} = await accountRoots(base, given, input, children)
  // A prefix that already names CloudTrail/<region> fixes the region.
  const fixedRegion = rest[0] === 'CloudTrail' && rest[1] ? [rest[1]] : undefined
  const prefixes: ListPrefix[] = []
  for (const {account, root} of roots) {
    const trail = `${root}CloudTrail/`
    const regions = fixedRegion ?? input.regions ?? (await children(trail))
    for (const region of regions) {
      const regionPrefix = `${trail}${region}/`
      const years = (await children(regionPrefix)).map(Number).filter((y) => Number.isInteger(y) && y > 1999)
      for (const d of datePrefixes(regionPrefix, years, input.start, input.end)) {
        // A prefix the user gave that is deeper than this one (a day, a file) narrows it; one beside it drops it.
        if (!d.prefix.startsWith(loc.prefix) && !loc.prefix.startsWith(d.prefix)) continue
        const prefix = loc.prefix.startsWith(d.prefix) ? loc.prefix : d.prefix
        prefixes.push({
          prefix,
          account,
          region,
          ...(d.first ? {startAfter: stampKey(d.prefix, account, region, input.start)} : {}),
          ...(d.last ? {stopAfter: stampKey(d.prefix, account, region, input.end + DELIVERY_LAG_MS + 60_000)} : {}),
        })
      }
    }
  }
  return {prefixes, accounts: [...new Set(roots.map((r) => r.account))], orgs}
}
