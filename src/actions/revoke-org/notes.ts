// What an organization-wide SCP does not end, said in the plan: accounts of the run outside every target,
// service-linked roles (SCPs never bind them), roles under an IAM path a bare name does not reach
// (ArnLike reads the whole ARN), and what Identity Center keeps alive (the portal session).
import {globMatch} from '../../aws/arn.js'
import {listRoles, type IamRole} from '../../aws/iam-roles.js'
import type {ScpSpec} from '../../aws/policies/scp-revoke.js'
import {mapPool} from '../lib/pool.js'
import type {Ctx} from '../types.js'
import {arnLike} from './params.js'

const few = (xs: string[], n = 5) => (xs.length > n ? `${xs.slice(0, n).join(', ')} and ${xs.length - n} more` : xs.join(', '))

export async function scopeNotes(spec: ScpSpec, x: {ctx: Ctx; covered: Set<string>; management: string}): Promise<string[]> {
  const notes: string[] = []
  const members = (x.ctx.accounts ?? []).filter((a) => a.id !== x.management)
  const outside = members.filter((a) => !x.covered.has(a.id)).map((a) => a.id)
  if (outside.length) notes.push(`accounts ${outside.join(', ')} are in the run but under none of targets: the SCP does not reach them; add their OU or the root to targets`)
  if (!spec.roles.length) return notes
  const entered = members.filter((a) => a.clients && x.covered.has(a.id))
  const roles = await mapPool(entered, 4, (a) => listRoles(a.clients!.iam, {signal: x.ctx.signal}).catch(() => [] as IamRole[]))
  const serviceLinked: string[] = []
  const pathed: string[] = []
  for (const list of roles) {
    for (const r of list) {
      const named = spec.roles.some((p) => arnLike(p, r.arn))
      const meant = named || spec.roles.some((p) => globMatch(p, r.arn))
      if (!meant || spec.exempt.some((e) => arnLike(e, r.arn))) continue
      if (r.path.startsWith('/aws-service-role/')) serviceLinked.push(r.arn)
      else if (!named) pathed.push(r.arn)
    }
  }
  if (serviceLinked.length) {
    notes.push(`residual risk: service-linked roles are never bound by SCPs (and IAM refuses changes to them): ${few(serviceLinked)}; their sessions are AWS services acting for you: contain the service (or the resources it manages) if one is abused`)
  }
  if (pathed.length) {
    notes.push(`roles under an IAM path are not named by the patterns (ArnLike matches the whole ARN, path included): ${few(pathed)}; write arn:aws:iam::*:role/*/<name> in roles: to include them`)
  }
  return notes
}

export function identityCenterNotes(users: string[]): string[] {
  if (!users.length) return []
  return [
    `Identity Center users ${users.join(', ')}: the SCP denies their permission-set sessions issued before the cutoff in the member accounts; it does not end their AWS access portal session, from which they can get new credentials: an Identity Center administrator deletes it in the console (Users → the user → Active sessions → Delete session), and CLI sessions started from the portal can keep working for up to an hour after that`,
    `next for ${users.join(', ')}: remove their account assignments (aws sso-admin list-account-assignments-for-principal / delete-account-assignment), then disable the user in the identity source (your IdP, or the Identity Center directory: Users → Disable user access)`,
  ]
}
