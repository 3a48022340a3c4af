// Splits a CloudTrail file, fed chunk by chunk, into the bytes of its records, so that a file of any size
// (a 2 GB delivery file, a gzip bomb of spaces) is read in bounded memory: only the record being read is
// held, never the file. Two ways to cut:
//
// - brackets: `{"Records":[…]}`, `{"Events":[…]}` (lookup-events), `{"QueryResultRows":[…]}` (Lake), a
//   JSON array, or one or more top-level objects (pretty or compact). Strings and nesting are tracked,
//   not validated: each record is validated when it is parsed, and a bad one is named by its line.
// - lines: JSON lines, one record a line; a bad line is named and skipped, the next line reads again.
//
// The line of each record's first byte is counted, so problems point at a place in the file.

/** Arrays whose elements are records, by the key that holds them. */
const ENVELOPE_KEYS = new Set(['Records', 'Events', 'QueryResultRows'])

export interface SplitSink {
  record(bytes: Buffer, line: number): void
  /** Something that is not a record at all (a bare number in an array, a record past the size cap, a truncated end). */
  problem(what: 'too large' | 'truncated' | 'not a CloudTrail record' | 'not JSON', line: number): void
}

const QUOTE = 0x22
const BACKSLASH = 0x5c
const NL = 0x0a

function isWs(c: number): boolean {
  return c === 0x20 || c === NL || c === 0x0d || c === 0x09
}

export class BracketSplitter {
  private depth = 0
  private line = 1
  private inString = false
  /** Backslashes just before the end of the previous chunk, inside a string (an odd count escapes the next byte). */
  private backslashes = 0
  /** Depth at which elements are records (1 inside a top-level array, 2 inside an envelope's array); 0: none. */
  private elemDepth = 0
  /** The record being read: its pieces so far, its first line, whether it is still kept. */
  private parts: Buffer[] = []
  private partBytes = 0
  private reading = false
  private keep = false
  private startLine = 0
  /** A top-level object is kept too: it is a record itself unless an envelope key turns up inside it. */
  private topObject = false
  private keyStart = -1
  /** A depth-1 string cut by a chunk boundary: its text so far (keys that matter are short). */
  private keyPrefix = ''
  private lastKey = ''
  private scalarNoted = false

  constructor(private readonly sink: SplitSink, private readonly maxRecord: number) {}

  push(chunk: Buffer): void {
    let start = this.reading ? 0 : -1
    const n = chunk.length
    let i = 0
    while (i < n) {
      if (this.inString) {
        const q = chunk.indexOf(QUOTE, i)
        if (q < 0) {
          this.backslashes = trailingBackslashes(chunk, i, n, this.backslashes)
          if (this.keyStart >= 0) {
            this.keyPrefix += n - this.keyStart < 40 ? chunk.toString('latin1', this.keyStart, n) : '\u0000'
            this.keyStart = 0
          }
          i = n
          break
        }
        let bs = 0
        for (let k = q - 1; k >= i && chunk[k] === BACKSLASH; k--) bs++
        if (bs === q - i) bs += this.backslashes
        this.backslashes = 0
        if (bs % 2 === 1) {
          i = q + 1
          continue
        }
        this.inString = false
        if (this.keyStart >= 0) {
          this.lastKey = q - this.keyStart < 40 ? this.keyPrefix + chunk.toString('latin1', this.keyStart, q) : ''
          this.keyStart = -1
          this.keyPrefix = ''
        }
        i = q + 1
        continue
      }
      const c = chunk[i]
      if (c === NL) this.line++
      else if (isWs(c)) {
        // nothing: whitespace between tokens is skipped, however much there is
      } else if (c === QUOTE) {
        this.inString = true
        this.backslashes = 0
        if (this.depth === 1 && !this.elemDepth) {
          this.keyStart = i + 1
          this.keyPrefix = ''
        }
        else if (this.depth === this.elemDepth) this.noteScalar()
      } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
        if (this.depth === 0) {
          this.elemDepth = c === 0x5b ? 1 : 0
          this.topObject = c === 0x7b
          if (this.topObject) start = this.begin(i)
        } else if (this.depth === 1 && this.topObject && c === 0x5b && ENVELOPE_KEYS.has(this.lastKey) && !this.elemDepth) {
          // An envelope after all: its array's elements are the records, not the object around them.
          this.elemDepth = 2
          this.drop()
          start = -1
        } else if (this.depth === this.elemDepth) {
          start = this.begin(i)
        }
        this.depth++
        this.scalarNoted = false
      } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
        this.depth--
        if (this.depth < 0) {
          this.sink.problem('not JSON', this.line)
          this.depth = 0
        } else if (this.reading && (this.depth === this.elemDepth || (this.depth === 0 && this.topObject && !this.elemDepth))) {
          this.finish(chunk, start, i + 1)
          start = -1
        }
        if (this.elemDepth && this.depth < this.elemDepth) this.elemDepth = this.depth === 0 ? 0 : this.elemDepth === 2 && this.depth === 1 ? 0 : this.elemDepth
        if (this.depth === 0) this.topObject = false
      } else if (c === 0x2c /* , */) {
        this.scalarNoted = false
      } else if (this.depth === this.elemDepth || this.depth === 0) {
        this.noteScalar()
      }
      i++
    }
    if (this.reading && start >= 0) this.hold(chunk.subarray(start))
  }

  end(): void {
    if (this.reading || this.depth > 0 || this.inString) this.sink.problem('truncated', this.reading ? this.startLine : this.line)
    this.drop()
  }

  private noteScalar(): void {
    if (this.scalarNoted) return
    this.scalarNoted = true
    this.sink.problem(this.depth === 0 ? 'not JSON' : 'not a CloudTrail record', this.line)
  }

  private begin(i: number): number {
    this.reading = true
    this.keep = true
    this.parts = []
    this.partBytes = 0
    this.startLine = this.line
    return i
  }

  private hold(piece: Buffer): void {
    if (!this.keep) return
    this.partBytes += piece.length
    if (this.partBytes > this.maxRecord) {
      // Past any real record's size: stop holding it (memory stays bounded), keep walking to its end.
      this.keep = false
      this.parts = []
      if (!this.topObject || this.elemDepth) this.sink.problem('too large', this.startLine)
      return
    }
    // Copied: a slice would pin the whole chunk it came from.
    this.parts.push(Buffer.from(piece))
  }

  private finish(chunk: Buffer, start: number, end: number): void {
    if (start >= 0) this.hold(chunk.subarray(start, end))
    if (this.keep) this.sink.record(this.parts.length === 1 ? this.parts[0] : Buffer.concat(this.parts), this.startLine)
    this.drop()
  }

  private drop(): void {
    this.reading = false
    this.keep = false
    this.parts = []
    this.partBytes = 0
  }
}

function trailingBackslashes(chunk: Buffer, from: number, n: number, carried: number): number {
  let bs = 0
  for (let k = n - 1; k >= from && chunk[k] === BACKSLASH; k--) bs++
  return bs === n - from ? bs + carried : bs
}

/** JSON lines: each line a record; blank lines skipped; a line past the cap is named and skipped. */
export class LineSplitter {
  private parts: Buffer[] = []
  private partBytes = 0
  private line = 0
  private tooLong = false

  constructor(private readonly sink: SplitSink, private readonly maxRecord: number) {}

  push(chunk: Buffer): void {
    let from = 0
    for (;;) {
      const nl = chunk.indexOf(NL, from)
      if (nl < 0) {
        this.hold(chunk.subarray(from))
        return
      }
      this.hold(chunk.subarray(from, nl))
      this.emit()
      from = nl + 1
    }
  }

  end(): void {
    if (this.partBytes || this.tooLong) this.emit()
  }

  private hold(piece: Buffer): void {
    if (this.tooLong || piece.length === 0) return
    this.partBytes += piece.length
    if (this.partBytes > this.maxRecord) {
      this.tooLong = true
      this.parts = []
      return
    }
    this.parts.push(Buffer.from(piece))
  }

  private emit(): void {
    this.line++
    if (this.tooLong) this.sink.problem('too large', this.line)
    else if (this.parts.length) {
      const bytes = this.parts.length === 1 ? this.parts[0] : Buffer.concat(this.parts)
      let k = 0
      while (k < bytes.length && isWs(bytes[k])) k++
      if (k < bytes.length) this.sink.record(bytes, this.line)
    }
    this.parts = []
    this.partBytes = 0
    this.tooLong = false
  }
}
