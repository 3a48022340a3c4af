// Event ids already counted, so a record delivered twice (the same eventID in two files: real in grycap,
// and what S3 re-deliveries and overlapping exports produce) counts once. Millions of events: each id is
// kept as a 64-bit hash in an open-addressing table of plain integers (16 bytes an event at most), not as
// a string in a Set (about 80). Two ids share a hash with odds of about n²/2⁶⁴: 1 in a million at 5M events.

/** Two independent 32-bit hashes of a string (FNV-1a and a multiply-xorshift), as [hi, lo]. */
export function idHash(s: string): [number, number] {
  let a = 0x811c9dc5
  let b = 0x9747b28c ^ s.length
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    a = Math.imul(a ^ c, 0x01000193)
    b = Math.imul(b ^ c, 0x5bd1e995)
    b ^= b >>> 15
  }
  a ^= a >>> 16
  a = Math.imul(a, 0x85ebca6b)
  a ^= a >>> 13
  b ^= b >>> 13
  b = Math.imul(b, 0xc2b2ae35)
  b ^= b >>> 16
  // (0, 0) marks an empty slot: no hash may be it.
  return [a >>> 0, (b | 1) >>> 0]
}

export class SeenIds {
  private table = new Uint32Array(2 * 4096)
  private size = 0

  get count(): number {
    return this.size
  }

  /** Records the hash; false when it was already there. */
  add(hi: number, lo: number): boolean {
    if ((this.size + 1) * 2 > this.table.length / 2) this.grow()
    return this.insert(this.table, hi, lo)
  }

  private insert(t: Uint32Array, hi: number, lo: number): boolean {
    const mask = t.length / 2 - 1
    for (let i = (hi ^ Math.imul(lo, 0x9e3779b1)) & mask; ; i = (i + 1) & mask) {
      const h = t[2 * i]
      const l = t[2 * i + 1]
      if (h === 0 && l === 0) {
        t[2 * i] = hi
        t[2 * i + 1] = lo
        if (t === this.table) this.size++
        return true
      }
      if (h === hi && l === lo) return false
    }
  }

  private grow(): void {
    const old = this.table
    const next = new Uint32Array(old.length * 2)
    for (let i = 0; i < old.length; i += 2) if (old[i] !== 0 || old[i + 1] !== 0) this.insert(next, old[i], old[i + 1])
    this.table = next
  }

  /** For each (hi, lo) pair in order: 1 when it was seen before (a repeat to drop), else 0 (and it is recorded). */
  claim(pairs: Uint32Array): Uint8Array {
    const out = new Uint8Array(pairs.length / 2)
    for (let k = 0; k < out.length; k++) out[k] = this.add(pairs[2 * k], pairs[2 * k + 1]) ? 0 : 1
    return out
  }
}
