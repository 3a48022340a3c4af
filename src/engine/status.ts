// `lockdown status`: what lockdown has done, read from the account itself — not from a journal — so a
// responder taking over a shift with an empty laptop sees it: every principal carrying a lockdown
// revocation (its parts: run, cutoff, single sessions), keys lockdown holds Inactive (the user's
// `lockdown:deactivated:<key>` tag), and break-glass grants with their expiry. A revocation part is a
// no-op once every credential it could deny has expired: role sessions last at most 12 h, a user's
// GetSessionToken/GetFederationToken credentials at most 36 h; `lockdown tidy` removes those. In the
// management account it also lists lockdown's revocation SCPs (revoke-org) and which of them hold an SCP
// slot for nothing (`lockdown tidy --scps`).
import {describeGrant, findGrants, type GrantView} from '../actions/break-glass-revoke.js'
import {heldKeys} from '../actions/keys/holders.js'
import {getInlinePolicy} from '../aws/iam-policies.js'
import {listRoles} from '../aws/iam-roles.js'
import {listAccessKeys, listUsers, listUserTags} from '../aws/iam-users.js'
import type {AwsOptions} from '../aws/clients.js'
import {BREAK_GLASS_TAGS} from '../aws/policies/break-glass.js'
import {REVOKE_POLICY_NAME, readRevokeParts, type RevokePart} from '../aws/policies/revoke.js'
import type {PrincipalKind} from '../aws/iam-policies.js'
import {partIsNoOp} from '../actions/revoke/lifetime.js'
import {readLockdownScps, type ScpStatus} from '../actions/tidy-scps/read.js'
import {openSession, type EngineSession} from './session.js'

export interface RevocationStatus {
  kind: PrincipalKind
  name: string
  arn: string
  parts: (RevokePart & {noOp: boolean})[]
  /** Every part is a no-op: no credential the policy could deny is still alive. */
  noOp: boolean
}

export interface StatusResult {
  account: string
  at: string
  revocations: RevocationStatus[]
  keys: {user: string; accessKeyId: string; status: string; runs: string[]}[]
  grants: GrantView[]
  /** lockdown's revocation SCPs (revoke-org) with their targets, cutoffs and no-op parts; read in the management account. */
  scps: Omit<ScpStatus, 'content'>[]
  /** Why `scps` is empty without having been read (not the management account, no organization). */
  scpsUnread?: string
}

export async function accountStatus(opts: {aws: AwsOptions; incident?: string; signal?: AbortSignal}): Promise<StatusResult> {
  const session = await openSession({aws: opts.aws, runId: 'status', signal: opts.signal})
  try {
    return await readStatus(session, opts.incident)
  } finally {
    session.close()
  }
}

export async function readStatus(session: Pick<EngineSession, 'clients' | 'signal' | 'caller' | 'now'>, incident?: string): Promise<StatusResult> {
  const iam = session.clients.iam
  const signal = session.signal
  const now = session.now().getTime()
  const revocations: RevocationStatus[] = []
  const principals = [
    ...(await listRoles(iam, {signal})).map((r) => ({kind: 'role' as const, name: r.name, arn: r.arn})),
    ...(await listUsers(iam, {signal})).map((u) => ({kind: 'user' as const, name: u.name, arn: u.arn})),
  ]
  const keys: StatusResult['keys'] = []
  for (const p of principals) {
    const doc = await getInlinePolicy(iam, {kind: p.kind, name: p.name}, REVOKE_POLICY_NAME, {signal})
    if (doc) {
      const parts = readRevokeParts(doc).map((part) => ({...part, noOp: partIsNoOp(part, p.kind, now)}))
      if (parts.length) revocations.push({...p, parts, noOp: parts.every((x) => x.noOp)})
    }
    if (p.kind === 'user') {
      const held = heldKeys(await listUserTags(iam, p.name, {signal}))
      if (held.length) {
        const status = new Map((await listAccessKeys(iam, p.name, {signal})).map((k) => [k.accessKeyId, k.status]))
        for (const h of held) keys.push({user: p.name, accessKeyId: h.accessKeyId, status: status.get(h.accessKeyId) ?? 'deleted', runs: h.runs})
      }
    }
  }
  const grants = (await findGrants(session))
    .filter((r) => !incident || r.tags[BREAK_GLASS_TAGS.incident] === incident)
    .map((r) => describeGrant(r, now))
  const read = await readLockdownScps(session.clients, now, {signal})
  const scps = read.scps.map(({content: _content, ...rest}) => rest)
  return {account: session.caller.account, at: new Date(now).toISOString(), revocations, keys, grants, scps, ...(read.unread ? {scpsUnread: read.unread} : {})}
}
