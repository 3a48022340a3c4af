// RFC 6238 TOTP (HMAC-SHA1, 30 s steps, 6 digits) over a Base32 seed, as AWS virtual MFA devices use.
import {createHmac} from 'node:crypto'

const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'

export function base32Decode(s: string): Buffer {
  const clean = s.replace(/=+$/, '').toUpperCase()
  let bits = 0
  let value = 0
  const out: number[] = []
  for (const ch of clean) {
    const idx = B32.indexOf(ch)
    if (idx < 0) throw new Error(`invalid base32 character ${ch}`)
    value = (value << 5) | idx
    bits += 5
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff)
      bits -= 8
    }
  }
  return Buffer.from(out)
}

/** The code for a given 30-second step counter. */
export function totpAt(seed: string, step: number): string {
  const counter = Buffer.alloc(8)
  counter.writeBigUInt64BE(BigInt(step))
  const h = createHmac('sha1', base32Decode(seed)).update(counter).digest()
  const off = h[h.length - 1]! & 0xf
  const n = ((h[off]! & 0x7f) << 24) | (h[off + 1]! << 16) | (h[off + 2]! << 8) | h[off + 3]!
  return String(n % 1_000_000).padStart(6, '0')
}

export const stepOf = (ms: number) => Math.floor(ms / 30_000)

export function totp(seed: string, ms: number): string {
  return totpAt(seed, stepOf(ms))
}

/** A single code is accepted within ±1 step of now (clock skew), as AWS does. */
export function verifyTotp(seed: string, code: string, ms: number): boolean {
  const s = stepOf(ms)
  return [s - 1, s, s + 1].some((k) => totpAt(seed, k) === code)
}

/** EnableMFADevice wants two consecutive codes; accept pairs ending at most a few steps back. */
export function verifyConsecutive(seed: string, c1: string, c2: string, ms: number): boolean {
  const s = stepOf(ms)
  for (let k = s - 4; k <= s + 1; k++) if (totpAt(seed, k) === c1 && totpAt(seed, k + 1) === c2) return true
  return false
}
