// The trail: every request, allowed or denied, kept in memory for LookupEvents and, when a directory is
// given, delivered as CloudTrail log files (gzipped `{"Records":[…]}` in the S3 key layout AWS uses).
import {randomBytes} from 'node:crypto'
import {mkdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {gzipSync} from 'node:zlib'

export interface StoredEvent {
  record: Record<string, unknown>
  /** The record as the JSON string LookupEvents returns in `CloudTrailEvent`; built on first lookup. */
  json?: string
  time: number
  region: string
  eventId: string
  eventName: string
  eventSource: string
  readOnly: boolean
  username?: string
  accessKeyId?: string
  resources: Array<{type: string; name: string}>
}

const MAX_EVENTS = 250_000

export function eventJson(e: StoredEvent): string {
  return (e.json ??= JSON.stringify(e.record))
}

export class Trail {
  readonly events: StoredEvent[] = []
  private pending = new Map<string, Record<string, unknown>[]>()
  private timer?: NodeJS.Timeout

  constructor(
    private readonly accountId: string,
    private readonly dir?: string,
    /** An organization trail: files go under AWSLogs/<org id>/<account>/, as AWS delivers them. */
    private readonly orgId?: string,
  ) {
    // AWS delivers about every 5 minutes; a drill wants files sooner.
    if (dir) this.timer = setInterval(() => this.flush(), 2000).unref()
  }

  add(e: StoredEvent): void {
    this.events.push(e)
    // A long-running `sim serve` under load must not grow without bound: keep the newest events, as
    // LookupEvents' 90-day window keeps only recent history.
    if (this.events.length > MAX_EVENTS) this.events.splice(0, MAX_EVENTS / 10)
    if (!this.dir) return
    const list = this.pending.get(e.region) ?? []
    list.push(e.record)
    this.pending.set(e.region, list)
    if (list.length >= 500) this.flush()
  }

  /** Write what is pending as one file per region. */
  flush(): string[] {
    if (!this.dir) return []
    const written: string[] = []
    for (const [region, records] of this.pending) {
      if (!records.length) continue
      const d = new Date()
      const p2 = (n: number) => String(n).padStart(2, '0')
      const [y, m, day] = [d.getUTCFullYear(), p2(d.getUTCMonth() + 1), p2(d.getUTCDate())]
      const folder = join(this.dir, 'AWSLogs', ...(this.orgId ? [this.orgId] : []), this.accountId, 'CloudTrail', region, String(y), m, day)
      mkdirSync(folder, {recursive: true})
      const stamp = `${y}${m}${day}T${p2(d.getUTCHours())}${p2(d.getUTCMinutes())}Z`
      const file = join(folder, `${this.accountId}_CloudTrail_${region}_${stamp}_${randomBytes(8).toString('hex').toUpperCase().slice(0, 16)}.json.gz`)
      writeFileSync(file, gzipSync(JSON.stringify({Records: records})))
      written.push(file)
    }
    this.pending.clear()
    return written
  }

  close(): void {
    if (this.timer) clearInterval(this.timer)
    this.flush()
  }
}
