// SCPs never bind the management account: the same step revokes the matching roles there one by one,
// through revoke-sessions itself (its plan, apply, verify, inspect and undo; the per-run parts of
// aws/policies/revoke.ts), so both paths keep the same promises. Its changes are wrapped (data.kind
// 'mgmt-role') and shown as the management account's.
import type {RevokeData} from '../revoke-sessions.js'
import {revokeSessions} from '../revoke-sessions.js'
import {revokeParams, type RevokeParams} from '../revoke/params.js'
import type {Change, Ctx, StepPlan} from '../types.js'
import type {RevokeOrgParams} from './params.js'
import {principalPattern} from './params.js'

export interface MgmtData {
  kind: 'mgmt-role'
  revoke: RevokeData
}

/** A pattern that can name a principal of this account (its account part is `*` or this account). */
function forAccount(pattern: string, account: string): boolean {
  const m = /^arn:aws[a-z-]*:(?:iam|sts)::([^:]*):/.exec(pattern)
  return !m || m[1] === '*' || m[1] === account
}

export async function planManagement(p: RevokeOrgParams, ctx: Ctx, exempt: string[]): Promise<{plan: StepPlan<MgmtData>; notes: string[]}> {
  const here = ctx.account.id
  const roles = (p.roles ?? []).map(principalPattern).filter((r) => forAccount(r, here))
  const sessions: NonNullable<RevokeParams['sessions']> = []
  const notes: string[] = []
  for (const s of p.sessions ?? []) {
    if ('sourceIdentity' in s) sessions.push({sourceIdentity: s.sourceIdentity, roles: ['*']})
    else if (/^AROA[A-Z0-9]+:[\w+=,.@-]+$/.test(s.userId)) sessions.push({assumedRoleId: s.userId})
    else notes.push(`management account: session ${s.userId} (a pattern) has no per-role equivalent; name the session exactly to revoke it there`)
  }
  if (p.identityCenterUsers?.length) {
    notes.push(
      `management account: Identity Center users ${p.identityCenterUsers.join(', ')} are not bound by SCPs there, and their AWSReservedSSO_* roles are Identity Center's (lockdown does not edit them): remove their assignments to the management account (aws sso-admin delete-account-assignment --target-id ${here} …)`,
    )
  }
  if (!roles.length && !sessions.length) return {plan: {changes: [], skipped: [], notes: []}, notes}
  const params = revokeParams.parse({
    ...(roles.length ? {roles} : {}),
    ...(sessions.length ? {sessions} : {}),
    exclude: [...p.exclude.map(principalPattern), ...exempt],
    settle: '0s',
  }) as RevokeParams
  const plan = await revokeSessions.plan({...params, issuedBefore: p.issuedBefore, settle: p.settle}, ctx)
  const changes: Change<MgmtData>[] = plan.changes.map((c) => ({
    ...c,
    summary: `management account (SCPs do not apply there): ${c.summary}`,
    data: {kind: 'mgmt-role', revoke: c.data},
  }))
  const here_ = (n: string) => `management account: ${n}`
  return {plan: {...plan, changes, notes: plan.notes.map(here_), warnings: plan.warnings?.map(here_)}, notes}
}

export const unwrap = (c: Change<MgmtData>): Change<RevokeData> => ({...c, data: c.data.revoke})
