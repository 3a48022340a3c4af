// tidy-scps: free the SCP slots (at most five per root, OU or account) that lockdown's revocation SCPs
// hold once they deny nothing — every credential a part could deny has expired (src/actions/revoke/
// lifetime.ts). An SCP whose every part is a no-op is detached from its targets and deleted; one with live
// parts too loses only the no-op parts. Journaled like every action (each write has its intent first);
// undo puts back only parts that still deny nothing, so a forged journal cannot add a live deny.
import {z} from 'zod'

import {readScpParts} from '../aws/policies/scp-revoke.js'
import {scpWithRuns, scpWithoutRuns} from '../aws/policies/scp-tidy.js'
import {attachScp, createScp, deleteScp, detachScp, listScps, scpContent, scpTargets, updateScp} from '../aws/scp.js'
import {scpPartIsNoOp} from './revoke/lifetime.js'
import {checkTidyScpJournal, type tidyScpBefore, type tidyScpData} from './tidy-scps/journal-check.js'
import {readLockdownScps} from './tidy-scps/read.js'
import type {Action, Applied, Change, Ctx, Inspection} from './types.js'

const params = z.strictObject({})
type Data = z.output<typeof tidyScpData>
type Before = z.output<typeof tidyScpBefore>

/** For an SCP deleted by a tidy whose journal predates recording the description. */
const RESTORED = 'lockdown revoke-org: denies sessions issued before a cutoff (aws:TokenIssueTime); restored by lockdown undo of a tidy run'

/** The runs of `content` among `runs` whose parts deny nothing now. */
function noOpRuns(content: string, runs: string[], now: number): string[] {
  return readScpParts([content]).filter((p) => runs.includes(p.run) && scpPartIsNoOp(p, now)).map((p) => p.run)
}

async function byName(ctx: Ctx, name: string): Promise<string | undefined> {
  return (await listScps(ctx.clients, {signal: ctx.signal})).find((p) => p.name === name)?.id
}

export const tidyScps: Action<z.output<typeof params>, Data> = {
  name: 'tidy-scps',
  summary: "Detach and delete lockdown's revocation SCPs that deny nothing any more (or drop their expired parts), freeing SCP slots; undo puts them back",
  params,
  permissions: [
    'organizations:DescribeOrganization',
    'organizations:ListPolicies',
    'organizations:DescribePolicy',
    'organizations:ListTargetsForPolicy',
    'organizations:UpdatePolicy',
    'organizations:DetachPolicy',
    'organizations:DeletePolicy',
    'organizations:CreatePolicy',
    'organizations:AttachPolicy',
  ],
  example: `- id: tidy-scps
  action: tidy-scps
  with: {}`,

  async plan(_p, ctx) {
    const read = await readLockdownScps(ctx.clients, ctx.now().getTime(), {signal: ctx.signal})
    const changes: Change<Data>[] = []
    for (const s of read.scps) {
      const runs = s.parts.filter((p) => p.noOp).map((p) => p.run)
      if (!runs.length) continue
      const rest = scpWithoutRuns(s.content, runs)
      const where = s.targets.length ? `attached to ${s.targets.join(', ')}` : 'attached nowhere'
      changes.push({
        target: s.arn,
        principal: s.arn,
        summary: rest
          ? `remove ${runs.length} expired part(s) (run ${runs.join(', ')}) from SCP ${s.name} (${s.id}, ${where}); its other parts still deny`
          : `detach SCP ${s.name} (${s.id}) from ${s.targets.join(', ') || 'nothing'} and delete it: every part (run ${runs.join(', ')}) denies nothing any more, freeing a slot`,
        before: {content: s.content, targets: s.targets, description: s.description} satisfies Before,
        after: {content: rest ?? null, targets: rest ? s.targets : []},
        data: {policyId: s.id, name: s.name, runs, remove: rest ? 'parts' : 'all'},
      })
    }
    return {changes, skipped: [], notes: read.unread ? [read.unread] : []}
  },

  async apply(c, ctx): Promise<Applied<Data>> {
    const o = {signal: ctx.signal}
    const id = c.data.policyId
    // Read again: only parts still there and still no-ops go; an SCP someone changed keeps its live parts.
    const current = await scpContent(ctx.clients, id, o)
    const stale = noOpRuns(current, c.data.runs, ctx.now().getTime())
    const rest = scpWithoutRuns(current, stale)
    if (rest === undefined) {
      for (const t of await scpTargets(ctx.clients, id, o)) {
        await ctx.intend?.(`DetachPolicy ${c.data.name} (${id}) from ${t}`)
        await detachScp(ctx.clients, id, t, o)
      }
      await ctx.intend?.(`DeletePolicy ${c.data.name} (${id})`)
      await deleteScp(ctx.clients, id, o)
    } else if (rest !== current) {
      await ctx.intend?.(`UpdatePolicy ${c.data.name} (${id})`)
      await updateScp(ctx.clients, id, rest, o)
    }
    return {...c, appliedAt: new Date().toISOString(), result: {removed: stale, deleted: rest === undefined}}
  },

  async inspect(a, ctx): Promise<Inspection> {
    const id = await byName(ctx, a.data.name)
    if (!id) return a.data.remove === 'all' ? 'after' : {drift: `SCP ${a.data.name} is gone`}
    const present = readScpParts([await scpContent(ctx.clients, id, {signal: ctx.signal})]).filter((p) => a.data.runs.includes(p.run)).length
    return present === 0 ? 'after' : present === a.data.runs.length ? 'before' : 'partial'
  },

  checkJournal: checkTidyScpJournal,

  async undo(a, ctx) {
    const o = {signal: ctx.signal}
    const before = a.before as Before
    const back = noOpRuns(before.content, a.data.runs, ctx.now().getTime())
    if (!back.length) return
    let id = await byName(ctx, a.data.name)
    if (id) {
      const current = await scpContent(ctx.clients, id, o)
      await ctx.intend?.(`UpdatePolicy ${a.data.name} (${id})`)
      await updateScp(ctx.clients, id, scpWithRuns(current, before.content, back), o)
    } else {
      await ctx.intend?.(`CreatePolicy ${a.data.name}`)
      id = await createScp(ctx.clients, a.data.name, scpWithRuns(undefined, before.content, back), before.description ?? RESTORED, o)
    }
    const attached = new Set(await scpTargets(ctx.clients, id, o))
    for (const t of before.targets.filter((x) => !attached.has(x))) {
      await ctx.intend?.(`AttachPolicy ${a.data.name} (${id}) → ${t}`)
      await attachScp(ctx.clients, id, t, o)
    }
  },
}
