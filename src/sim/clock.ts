// The simulator's clock: the real clock plus an adjustable offset, so tests and drills can issue a session
// "in the past" (offset negative), then return to now and watch revocation cutoffs take effect.
export class Clock {
  private offsetMs = 0
  now(): number {
    return Date.now() + this.offsetMs
  }
  date(): Date {
    return new Date(this.now())
  }
  setOffset(ms: number): void {
    this.offsetMs = ms
  }
  get offset(): number {
    return this.offsetMs
  }
}

/** AWS renders most timestamps to the second (`2024-08-01T11:30:22Z`). */
export function isoSeconds(ms: number | Date): string {
  // slice, not a regex: this runs several times per request.
  return new Date(ms).toISOString().slice(0, 19) + 'Z'
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

/** CloudTrail writes dates inside responseElements as `Aug 1, 2024, 11:45:22 AM` (UTC). */
export function trailDate(ms: number | Date): string {
  const d = new Date(ms)
  const h = d.getUTCHours()
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}, ${d.getUTCFullYear()}, ${h % 12 || 12}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${h < 12 ? 'AM' : 'PM'}`
}
