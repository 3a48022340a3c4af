// What an Athena scan costs and how big it is, for the report line and --max-scan: USD 5 per TB
// scanned (TB = 2^40 bytes), each query billed for at least 10 MB, rounded up to the megabyte.
import {InvalidInputError} from '../../errors.js'

export const USD_PER_TB = 5
const TB = 2 ** 40
const MB = 2 ** 20
const MIN_BILLED = 10 * MB

/** The bytes Athena bills for one query that scanned `bytes`. */
export const billedBytes = (bytes: number) => Math.max(MIN_BILLED, Math.ceil(bytes / MB) * MB)

/** `USD 0.000048 (USD 5/TB, at least 10 MB a query)` for the queries' scanned bytes. */
export function scanCost(bytesPerQuery: number[]): string {
  const usd = bytesPerQuery.reduce((n, b) => n + (billedBytes(b) / TB) * USD_PER_TB, 0)
  return `USD ${usd < 0.01 ? usd.toPrecision(2) : usd.toFixed(2)} (USD ${USD_PER_TB}/TB, at least 10 MB a query)`
}

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB', 'PB']

export function sizeText(bytes: number): string {
  let v = bytes
  let u = 0
  while (v >= 1024 && u < UNITS.length - 1) {
    v /= 1024
    u++
  }
  return `${u === 0 ? v : v.toFixed(v < 10 ? 1 : 0)} ${UNITS[u]}`
}

/** `500MB`, `2 GB`, `1TB`, `1048576` → bytes (binary units, as sizeText prints them). */
export function parseSize(text: string, flag: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(B|KB|MB|GB|TB|PB|KIB|MIB|GIB|TIB|PIB)?\s*$/i.exec(text)
  if (!m) throw new InvalidInputError(`${flag} takes a size such as 500MB, 2GB or 1TB, not '${text}'`, [], {next: `lockdown trail chains ${flag} 10GB …`})
  const unit = (m[2] ?? 'B').toUpperCase().replace('IB', 'B')
  return Math.round(Number(m[1]) * 1024 ** UNITS.indexOf(unit))
}
