// A map for the few keys most sessions have: a session's event names, IPs, user-agent families, error
// codes. A 1M-event trail can hold 100k+ sessions, each with four or five of these, and a JS Map costs
// about 220 bytes before its first entry; most hold one to three. Keys and values sit in one flat array
// (key, value, key, value…), searched in order; past SMALL keys it becomes a Map, so a long-term key with
// hundreds of event names and millions of calls still finds each in constant time.
//
// Iteration is in insertion order, as a Map's; readers get a ReadonlyMap.

/** Past this many keys a linear search costs more than a Map's memory saves. */
const SMALL = 8

export class SmallMap<K, V> implements ReadonlyMap<K, V> {
  /** Keys at even indexes, their values after them; undefined once `map` took over. */
  private kv?: unknown[] = []
  private map?: Map<K, V>

  get size(): number {
    return this.map ? this.map.size : this.kv!.length / 2
  }

  private at(key: K): number {
    const kv = this.kv!
    for (let i = 0; i < kv.length; i += 2) if (kv[i] === key) return i
    return -1
  }

  get(key: K): V | undefined {
    if (this.map) return this.map.get(key)
    const i = this.at(key)
    return i < 0 ? undefined : (this.kv![i + 1] as V)
  }

  has(key: K): boolean {
    return this.map ? this.map.has(key) : this.at(key) >= 0
  }

  set(key: K, value: V): this {
    if (this.map) {
      this.map.set(key, value)
      return this
    }
    const i = this.at(key)
    if (i >= 0) this.kv![i + 1] = value
    // A new array of the exact length, not push: push grows the backing store by 16 slots or more,
    // which is more than most of these maps ever hold.
    else if (this.kv!.length < 2 * SMALL) this.kv = this.kv!.concat([key, value])
    else {
      this.map = new Map(this.entries())
      this.map.set(key, value)
      this.kv = undefined
    }
    return this
  }

  *entries(): MapIterator<[K, V]> {
    if (this.map) {
      yield* this.map.entries()
      return
    }
    const kv = this.kv!
    for (let i = 0; i < kv.length; i += 2) yield [kv[i] as K, kv[i + 1] as V]
  }

  *keys(): MapIterator<K> {
    for (const [k] of this.entries()) yield k
  }

  *values(): MapIterator<V> {
    for (const [, v] of this.entries()) yield v
  }

  [Symbol.iterator](): MapIterator<[K, V]> {
    return this.entries()
  }

  forEach(fn: (value: V, key: K, map: ReadonlyMap<K, V>) => void): void {
    for (const [k, v] of this.entries()) fn(v, k, this)
  }

  /** A SmallMap that crossed a worker boundary (structured clone keeps its fields, not its class). */
  static revive<K, V>(o: SmallMap<K, V>): SmallMap<K, V> {
    return Object.setPrototypeOf(o, SmallMap.prototype) as SmallMap<K, V>
  }
}
