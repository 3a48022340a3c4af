// Who an organization-wide deny must never reach, written into the SCP as `ArnNotLike aws:PrincipalArn`:
// lockdown's access role and path (access:), the caller, break-glass roles and responders of the same
// run (the protects of the steps planned before this one), guards.protect and the step's exclude. The
// engine moves per-principal changes to these out of a plan; one SCP covers every principal at once, so
// the document itself has to carry them.
import type {Ctx} from '../types.js'
import {principalPattern} from './params.js'

export interface Exemption {
  pattern: string
  reason: string
}

/** A role ARN of one account, read as the same role in every account (break-glass creates it in each). */
function anyAccount(arn: string): string {
  return arn.replace(/^(arn:aws[a-z-]*:iam::)\d{12}(:role\/)/, '$1*$2')
}

/** The IAM principal behind an STS ARN: an assumed-role session is bound by its role's ARN. */
function principalArn(arn: string): string {
  const m = /^arn:(aws[a-z-]*):sts::(\d{12}):assumed-role\/([^/]+)\/.+$/.exec(arn)
  return m ? `arn:${m[1]}:iam::${m[2]}:role/*${m[3]}` : arn
}

export function exemptions(exclude: string[], ctx: Ctx): Exemption[] {
  const out = new Map<string, string>()
  const add = (pattern: string, reason: string) => {
    if (!out.has(pattern)) out.set(pattern, reason)
  }
  for (const p of ctx.protects ?? []) add(p.arn.includes(':role/') ? anyAccount(p.arn) : p.arn, p.reason)
  add(principalArn(ctx.caller.principalArn), 'the caller (the person running lockdown)')
  if (ctx.account.caller.principalArn !== ctx.caller.principalArn) add(principalArn(ctx.account.caller.principalArn), 'lockdown in this account')
  for (const g of ctx.protect) if (g.startsWith('arn:') || !g.includes(':')) add(principalPattern(g), 'guards.protect')
  for (const e of exclude) add(principalPattern(e), 'exclude')
  return [...out].map(([pattern, reason]) => ({pattern, reason}))
}
