// Faults a drill can turn on, each independently: IAM write throttling (token bucket), injected 5xx,
// added latency, eventual consistency of policy changes, and CloudTrail LookupEvents' 2 requests/s limit.
import {InvalidInputError} from '../errors.js'

export interface Faults {
  /** Added to every response, ms. */
  latencyMs: number
  /** Fraction (0..1) of requests answered with a 500 ServiceFailure / InternalFailure. */
  errorRate: number
  /** IAM write operations per second before `Throttling` (0 = unlimited), with a burst of `iamWriteBurst`. */
  iamWriteRate: number
  iamWriteBurst: number
  /** A policy change takes effect for authorization only after this many ms (reads show it at once). */
  consistencyDelayMs: number
  /** LookupEvents requests per second per region (AWS: 2). 0 = unlimited. */
  lookupEventsRate: number
  /** Organizations requests per second per account before `TooManyRequestsException` (0 = unlimited). */
  organizationsRate: number
  /** The next N Organizations requests answer `TooManyRequestsException` (counts down; deterministic for retry tests). */
  organizationsThrottle: number
  /** AssumeRole into a role of these accounts answers AccessDenied (the account is unreachable). */
  denyAssumeRoleInto: string[]
  /** AssumeRole into a role of these accounts answers 500 InternalFailure. */
  failAssumeRoleInto: string[]
}

export const DEFAULT_FAULTS: Faults = {
  latencyMs: 0,
  errorRate: 0,
  iamWriteRate: 0,
  iamWriteBurst: 10,
  consistencyDelayMs: 0,
  lookupEventsRate: 2,
  organizationsRate: 0,
  organizationsThrottle: 0,
  denyAssumeRoleInto: [],
  failAssumeRoleInto: [],
}

type ListFault = 'denyAssumeRoleInto' | 'failAssumeRoleInto'
const LIST_FAULTS: ListFault[] = ['denyAssumeRoleInto', 'failAssumeRoleInto']

/**
 * `latency=50,errorRate=0.1,iamWriteRate=5,consistency=2000,lookupEventsRate=0` → Faults. The account lists
 * take ids joined by `+`: `denyAssumeRoleInto=333344445555+444455556666`.
 */
export function parseFaults(spec: string): Partial<Faults> {
  const alias: Record<string, keyof Faults> = {latency: 'latencyMs', consistency: 'consistencyDelayMs', writeRate: 'iamWriteRate', burst: 'iamWriteBurst'}
  const out: Partial<Faults> = {}
  for (const part of spec.split(',').filter(Boolean)) {
    const [k, v] = part.split('=')
    const key = (alias[k!.trim()] ?? k!.trim()) as keyof Faults
    if ((LIST_FAULTS as string[]).includes(key)) {
      const ids = (v ?? '').split('+').map((x) => x.trim())
      if (!ids.every((id) => /^\d{12}$/.test(id))) {
        throw new InvalidInputError(`Invalid --faults entry '${part}'. Expected ${key}=<12-digit account id>[+<id>…].`, [], {next: 'lockdown sim serve --help'})
      }
      out[key as ListFault] = ids
      continue
    }
    const n = Number(v)
    if (!(key in DEFAULT_FAULTS) || v === undefined || !Number.isFinite(n) || n < 0) {
      throw new InvalidInputError(`Invalid --faults entry '${part}'. Expected key=number with key one of: ${Object.keys(DEFAULT_FAULTS).join(', ')}.`, [], {next: 'lockdown sim serve --help'})
    }
    ;(out as Record<string, number>)[key] = n
  }
  return out
}

/** A token bucket: `rate` tokens a second, at most `burst` saved up. */
export class TokenBucket {
  private tokens: number
  private last = Date.now()
  constructor(
    private readonly rate: () => number,
    private readonly burst: () => number,
  ) {
    this.tokens = burst()
  }
  take(): boolean {
    const rate = this.rate()
    if (rate <= 0) return true
    const now = Date.now()
    this.tokens = Math.min(this.burst(), this.tokens + ((now - this.last) / 1000) * rate)
    this.last = now
    if (this.tokens < 1) return false
    this.tokens -= 1
    return true
  }
}
