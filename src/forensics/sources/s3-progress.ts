// Progress of an S3 read, on stderr: objects, bytes, events, rate and ETA. On a terminal one line is
// redrawn in place a few times a second; elsewhere (CI, a pipe) a plain line every few seconds, so a
// log shows the read advancing without a line per object.
import {sizeText} from '../athena/cost.js'

export type ProgressSink = (line: string, final?: boolean) => void

export class S3Progress {
  objects = 0
  bytes = 0
  events = 0
  private last = 0
  private readonly started = Date.now()

  constructor(
    private readonly totalObjects: number,
    private readonly totalBytes: number,
    private readonly sink: ProgressSink | undefined,
    private readonly tty: boolean,
    /** False while events are counted elsewhere (worker threads): shown on the last line only. */
    private readonly liveEvents = true,
  ) {}

  line(final = false): string {
    const secs = Math.max(0.001, (Date.now() - this.started) / 1000)
    const rate = this.bytes / secs
    const left = rate > 0 ? (this.totalBytes - this.bytes) / rate : 0
    const eta = this.objects < this.totalObjects ? `, ETA ${left < 90 ? `${Math.ceil(left)}s` : `${Math.ceil(left / 60)}m`}` : ''
    return `S3: ${this.objects.toLocaleString('en')}/${this.totalObjects.toLocaleString('en')} objects, ${sizeText(this.bytes)}/${sizeText(this.totalBytes)}, ${this.liveEvents || final ? `${this.events.toLocaleString('en')} events, ` : ''}${sizeText(Math.round(rate))}/s${this.liveEvents || final ? `, ${Math.round(this.events / secs).toLocaleString('en')} events/s` : ''}${eta}`
  }

  tick(): void {
    if (!this.sink) return
    const now = Date.now()
    if (now - this.last < (this.tty ? 200 : 5000)) return
    this.last = now
    this.sink(this.line())
  }

  done(): void {
    this.sink?.(this.line(true), true)
  }
}
