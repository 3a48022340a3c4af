// lockdown's SCPs at one target as they stand (named lockdown-revoke-org-<target>[-N], attached or not),
// and the writes that bring them to a wanted list of documents: update in place, create and attach what
// is missing, detach and delete what is left over. Each write is journaled first (ctx.intend, awaited).
import {parseScpPolicyName, readScpParts, scpPolicyName, type ScpPart} from '../../aws/policies/scp-revoke.js'
import {attachScp, createScp, deleteScp, detachScp, listScps, scpContent, scpsForTarget, updateScp, type ScpSummary} from '../../aws/scp.js'
import type {Clients} from '../../aws/clients.js'
import {mapPool, READ_CONCURRENCY} from '../lib/pool.js'
import type {Ctx} from '../types.js'

export interface LockdownScp {
  id: string
  name: string
  index: number
  content: string
  attached: boolean
}

export interface TargetState {
  /** lockdown's SCPs for this target, by index. */
  mine: LockdownScp[]
  /** The other SCPs attached to the target (FullAWSAccess, the organization's own). */
  others: ScpSummary[]
}

/** Reads lockdown's SCPs for `targetId` (`scpEnabled` false: nothing can be attached yet). */
export async function readTarget(clients: Clients, targetId: string, opts: {signal?: AbortSignal; scpEnabled?: boolean} = {}): Promise<TargetState> {
  const [all, attached] = await Promise.all([listScps(clients, opts), opts.scpEnabled === false ? Promise.resolve([]) : scpsForTarget(clients, targetId, opts)])
  const named = all.flatMap((p) => {
    const n = parseScpPolicyName(p.name)
    return n && n.targetId === targetId ? [{...p, index: n.index}] : []
  })
  const ids = new Set(attached.map((a) => a.id))
  const contents = await mapPool(named, READ_CONCURRENCY, (p) => scpContent(clients, p.id, opts))
  const mine = named.map((p, i) => ({id: p.id, name: p.name, index: p.index, content: contents[i]!, attached: ids.has(p.id)})).sort((a, b) => a.index - b.index)
  const own = new Set(mine.map((m) => m.id))
  return {mine, others: attached.filter((a) => !own.has(a.id))}
}

export function partsOf(state: TargetState): ScpPart[] {
  return readScpParts(state.mine.map((m) => m.content))
}

/** Brings the target's lockdown SCPs to `docs` (an empty list: detach and delete them all). */
export async function reconcile(state: TargetState, docs: string[], targetId: string, ctx: Ctx, description: string): Promise<void> {
  const o = {signal: ctx.signal}
  for (const [i, content] of docs.entries()) {
    const name = scpPolicyName(targetId, i)
    const cur = state.mine.find((m) => m.index === i)
    let id = cur?.id
    if (!cur) {
      await ctx.intend?.(`CreatePolicy ${name}`)
      id = await createScp(ctx.clients, name, content, description, o)
    } else if (cur.content !== content) {
      await ctx.intend?.(`UpdatePolicy ${name} (${cur.id})`)
      await updateScp(ctx.clients, cur.id, content, o)
    }
    if (!cur?.attached) {
      await ctx.intend?.(`AttachPolicy ${name} → ${targetId}`)
      await attachScp(ctx.clients, id!, targetId, o)
    }
  }
  for (const extra of state.mine.filter((m) => m.index >= docs.length)) {
    if (extra.attached) {
      await ctx.intend?.(`DetachPolicy ${extra.name} (${extra.id}) from ${targetId}`)
      await detachScp(ctx.clients, extra.id, targetId, o)
    }
    await ctx.intend?.(`DeletePolicy ${extra.name} (${extra.id})`)
    await deleteScp(ctx.clients, extra.id, o)
  }
}
