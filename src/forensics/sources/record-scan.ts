// Fast path for CloudTrail delivery files: the WebAssembly scanner (../wasm/cloudtrail-scan.c) walks the
// bytes once and says where each field the graph reads sits, naming repeated values (event names,
// regions, IPs, agents, a session's userIdentity) by a small id. This side decodes each distinct value
// once, parses each distinct userIdentity once, and parses requestParameters / responseElements /
// additionalEventData only for the event names normalizeRecord reads them for (readsDetail).
//
// JSON.parse built every nested object of every record, and on this project's 2-core machines that was
// most of a scan's time. The fast path decides speed, never results: the events equal
// normalizeRecord(JSON.parse(record)) (test/forensics/record-scan.test.ts checks every fixture and
// generated records), and on any error code the caller parses the file with JSON.parse, which also names
// the error.
import {actorOf, normalizeRecord, readsDetail, type Actor, type TrailEvent} from '../event.js'
import {WASM_BASE64} from '../wasm/cloudtrail-scan.wasm.js'

// Field order and row layout shared with cloudtrail-scan.c.
const [TIME, NAME, SOURCE, REGION, IP, AGENT, ERROR, ID, SHARED, ACCOUNT, IDENTITY, REQUEST, RESPONSE, EXTRA] = [
  0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13,
]
const NFIELDS = 14
const ROW = NFIELDS * 3
const NONE = 0xffffffff
const ERR_ROWS = -2
const ERR_TABLE = -3
const PAGE = 65536

// TypeScript declares WebAssembly in its DOM lib, which this Node project does not load: the part used here.
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object
  Instance: new (module: object, imports: object) => {exports: unknown}
}

interface ScanExports {
  memory: {buffer: ArrayBuffer; grow(pages: number): number}
  scan(input: number, length: number, rows: number, times: number, capacity: number): number
  reset(): void
  fits(length: number): number
  heap_base(): number
}

/** Compiled once per thread; each scanner has its own instance (memory and table of distinct values). */
let compiled: object | undefined

const align8 = (n: number) => (n + 7) & ~7

/** A JSON value's raw text decoded: a string without escapes is sliced, anything else goes through JSON.parse. */
function decode(raw: string): unknown {
  if (raw.charCodeAt(0) === 34 && !raw.includes('\\')) return raw.slice(1, -1)
  return JSON.parse(raw)
}

export class RecordScanner {
  private readonly wasm: ScanExports
  private bytes: Buffer
  /** Decoded value per distinct-value id, and the Actor per distinct userIdentity id. */
  private values: unknown[] = []
  private actors: Actor[] = []
  /** Where the current file's bytes sit in the module's memory: row offsets count from here. */
  private base = 0
  /** Of the last scan: records (objects) in it, and how many had no userIdentity. Fewer events than records: some were not read. */
  lastRecords = 0
  lastNoIdentity = 0

  constructor() {
    compiled ??= new WebAssembly.Module(Buffer.from(WASM_BASE64, 'base64'))
    this.wasm = new WebAssembly.Instance(compiled, {}).exports as ScanExports
    this.bytes = Buffer.from(this.wasm.memory.buffer)
  }

  /**
   * Events of a `{"Records":[…]}` file or a JSON array of records (UTF-8 bytes), in file order; records
   * that are not CloudTrail events are left out, as normalizeRecord does. Undefined for any other shape or
   * for invalid JSON: the caller parses those with JSON.parse.
   */
  scan(input: Uint8Array): TrailEvent[] | undefined {
    // Rows: a record takes 100 bytes or more in practice; a file of tiny records gets a second pass.
    let capacity = Math.ceil(input.length / 100) + 16
    let tableReset = false
    if (!this.wasm.fits(input.length)) this.resetTable()
    for (;;) {
      const base = (this.base = align8(this.wasm.heap_base()))
      const rowsAt = align8(base + input.length)
      const timesAt = align8(rowsAt + capacity * ROW * 4)
      // Past what the module's memory can grow to (a file of hundreds of MB), JSON.parse takes over.
      if (!this.reserve(timesAt + capacity * 8)) return undefined
      this.bytes.set(input, base)
      const rows = this.wasm.scan(base, input.length, rowsAt, timesAt, capacity)
      const most = Math.ceil(input.length / 3) + 16 // `{}` and a comma: no record is shorter
      if (rows === ERR_ROWS && capacity < most) {
        capacity = most
        continue
      }
      if (rows === ERR_TABLE && !tableReset) {
        // Only a file too big for fits() to vouch for gets here: start the table over and scan it again.
        this.resetTable()
        tableReset = true
        continue
      }
      if (rows < 0) return undefined
      this.lastRecords = rows
      return this.events(rows, rowsAt, timesAt)
    }
  }

  /**
   * Lets go of the distinct values and actors seen so far (a worker calls it when it hands its results
   * over): the table holds one actor per session, so it grows with sessions, not with the file at hand.
   */
  forget(): void {
    this.resetTable()
  }

  /** Empties the table of distinct values; ids are numbered afresh, so their decoded values go too. */
  private resetTable(): void {
    this.wasm.reset()
    this.values = []
    this.actors = []
  }

  private reserve(bytes: number): boolean {
    const memory = this.wasm.memory
    if (memory.buffer.byteLength >= bytes) return true
    try {
      memory.grow(Math.ceil((bytes - memory.buffer.byteLength) / PAGE))
    } catch {
      return false // RangeError: past the 4 GB of a 32-bit module, or what the host allows
    }
    this.bytes = Buffer.from(memory.buffer)
    return true
  }

  private events(count: number, rowsAt: number, timesAt: number): TrailEvent[] {
    const buf = this.wasm.memory.buffer
    const row = new Uint32Array(buf, rowsAt, count * ROW)
    const times = new Float64Array(buf, timesAt, count)
    const out: TrailEvent[] = []
    this.lastNoIdentity = 0
    for (let k = 0; k < count; k++) {
      const b = k * ROW
      if (row[b + 2 * NFIELDS + IDENTITY] === NONE) this.lastNoIdentity++
      const name = this.distinct(row, b, NAME)
      const eventID = this.raw(row, b, ID)
      // The time parsed in the scanner is used as is, unless the event has no usable id: normalizeRecord
      // then builds one from the time's text.
      const time = row[b + 2 * NFIELDS + TIME] === 0 && typeof eventID === 'string' && eventID !== '' ? times[k] : this.raw(row, b, TIME)
      const detail = typeof name === 'string' && readsDetail(name)
      const r = {
        eventTime: time,
        eventName: name,
        eventSource: this.distinct(row, b, SOURCE),
        awsRegion: this.distinct(row, b, REGION),
        sourceIPAddress: this.distinct(row, b, IP),
        userAgent: this.distinct(row, b, AGENT),
        errorCode: this.distinct(row, b, ERROR),
        eventID,
        sharedEventID: this.raw(row, b, SHARED),
        recipientAccountId: this.distinct(row, b, ACCOUNT),
        requestParameters: detail ? this.raw(row, b, REQUEST) : undefined,
        responseElements: detail ? this.raw(row, b, RESPONSE) : undefined,
        additionalEventData: detail ? this.raw(row, b, EXTRA) : undefined,
      }
      const e = normalizeRecord(r, this.actor(row, b))
      if (e) out.push(e)
    }
    return out
  }

  /** A field decoded from its bytes in the current file (undefined when absent). */
  private raw(row: Uint32Array, b: number, f: number): unknown {
    const start = row[b + 2 * f]
    if (start === NONE) return undefined
    return decode(this.bytes.toString('utf8', this.base + start, this.base + row[b + 2 * f + 1]))
  }

  /** A repetitive field: decoded the first time its id is seen, then reused (the same string object). */
  private distinct(row: Uint32Array, b: number, f: number): unknown {
    const id = row[b + 2 * NFIELDS + f]
    if (id === NONE) return undefined
    let v = this.values[id]
    if (v === undefined) {
      v = this.raw(row, b, f)
      this.values[id] = v
    }
    return v
  }

  /** The Actor of the record's userIdentity, made once per distinct userIdentity text. */
  private actor(row: Uint32Array, b: number): Actor {
    const id = row[b + 2 * NFIELDS + IDENTITY]
    if (id === NONE) return actorOf(undefined)
    let a = this.actors[id]
    if (a === undefined) {
      a = actorOf(this.raw(row, b, IDENTITY))
      this.actors[id] = a
    }
    return a
  }
}
