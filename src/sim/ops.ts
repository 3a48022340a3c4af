// The contract every simulated operation implements, and the context a handler runs in.
import type {Params} from './protocol/form.js'
import type {Caller} from './identity.js'
import type {SimCore} from './core.js'

export interface OpContext {
  sim: SimCore
  caller: Caller
  region: string
  requestId: string
  /** The sim clock at the start of the request. */
  now: number
}

export type Result = Record<string, unknown> | undefined

export interface Op {
  /** CloudTrail readOnly, and exempt from IAM write throttling. */
  readOnly: boolean
  /** Authorized without policy evaluation (sts:GetCallerIdentity; STS calls that evaluate their own way). */
  noAuth?: boolean
  /** The resource ARN the action is authorized on ('*' when the action has no resource). */
  resource?(p: Params, ctx: OpContext): string
  handle(p: Params, ctx: OpContext): Result | Promise<Result>
  /** CloudTrail `responseElements` for this call; default: the result without secrets for writes, null for reads. */
  responseElements?(result: Result, p: Params): unknown
  /** Resources LookupEvents reports (and filters on) for this event. */
  resources?(p: Params, result: Result, ctx: OpContext): Array<{type: string; name: string}>
  /** Another account this call reaches into, whose trail gets a copy of the record (cross-account AssumeRole). */
  alsoLoggedIn?(p: Params, ctx: OpContext): string | undefined
}

export type OpTable = Record<string, Op>
