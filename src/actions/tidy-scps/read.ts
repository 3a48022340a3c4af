// lockdown's revocation SCPs as they stand in the organization (names lockdown-revoke-org-<target>[-N]):
// each with the targets it is attached to, its parts (run, cutoff) and which parts deny nothing any more.
// `lockdown status` lists them; tidy-scps frees the SCP slots (five per target) the no-ops hold. Only the
// management account (or a delegated administrator) can read policies: anyone else gets a reason instead.
import {classifyAwsError} from '../../aws/errors.js'
import type {Clients} from '../../aws/clients.js'
import {SCP_NAME_PREFIX, isScpRevokeDocument, parseScpPolicyName, readScpParts} from '../../aws/policies/scp-revoke.js'
import {describeOrg, listScps, scpContent, scpTargets, type ScpSummary} from '../../aws/scp.js'
import {mapPool, READ_CONCURRENCY} from '../lib/pool.js'
import {scpPartIsNoOp} from '../revoke/lifetime.js'

export interface ScpStatus {
  id: string
  name: string
  arn: string
  /** Root, OU or account ids it is attached to (none: detached, still counting against nothing but the policy quota). */
  targets: string[]
  /** The latest cutoff of its parts. */
  cutoff: string
  parts: {run: string; cutoff: string; noOp: boolean}[]
  /** Every part denies nothing: detach and delete it (lockdown tidy --scps). */
  noOp: boolean
  /** The content as read, for tidy's journal. */
  content: string
  /** The description as read: undo of a tidy that deleted the SCP creates it again with it. */
  description: string
}

export interface ScpRead {
  scps: ScpStatus[]
  /** Why the SCPs were not read (not the management account, no organization), else absent. */
  unread?: string
}

export async function readLockdownScps(clients: Clients, now: number, opts: {signal?: AbortSignal} = {}): Promise<ScpRead> {
  let org: {id: string; managementAccount: string}
  let mine: ScpSummary[]
  try {
    org = await describeOrg(clients, opts)
    mine = (await listScps(clients, opts)).filter((p) => !p.awsManaged && p.name.startsWith(SCP_NAME_PREFIX) && parseScpPolicyName(p.name))
  } catch (error) {
    const e = classifyAwsError(error)
    if (e.kind === 'access-denied' || e.code === 'AWSOrganizationsNotInUseException') {
      return {scps: [], unread: `SCPs not read (${e.code}: ${e.message}); they are read from the organization's management account: run lockdown status there`}
    }
    throw error
  }
  const scps = await mapPool(mine, READ_CONCURRENCY, async (p): Promise<ScpStatus | undefined> => {
    const [content, targets] = await Promise.all([scpContent(clients, p.id, opts), scpTargets(clients, p.id, opts)])
    // A policy that only borrows lockdown's name is not lockdown's to judge or delete.
    if (!isScpRevokeDocument(content)) return undefined
    const parts = readScpParts([content]).map((part) => ({run: part.run, cutoff: part.before, noOp: scpPartIsNoOp(part, now)}))
    const cutoff = parts.map((x) => x.cutoff).reduce((a, b) => (Date.parse(a) >= Date.parse(b) ? a : b))
    const arn = `arn:aws:organizations::${org.managementAccount}:policy/${org.id}/service_control_policy/${p.id}`
    return {id: p.id, name: p.name, arn, targets: targets.sort(), cutoff, parts, noOp: parts.every((x) => x.noOp), content, description: p.description}
  })
  return {scps: scps.filter((s): s is ScpStatus => s !== undefined).sort((a, b) => a.name.localeCompare(b.name))}
}
