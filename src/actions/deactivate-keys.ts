// deactivate-keys: set matched long-term access keys Inactive (reversible; never deleted). Acts on the
// matched key only, never on a user's other keys (Cloud Custodian's mistake). Deactivating a key does
// not end sessions already derived from it, and the plan says so.
import {z} from 'zod'

import {maskKeyId, nameFromArn} from '../aws/arn.js'
import {getAccessKeyLastUsed, listAccessKeys, listUsers, listUserTags, setAccessKeyStatus, tagUser, untagUser, type AccessKey, type IamUser, type KeyLastUsed} from '../aws/iam-users.js'
import {durationField, formatDuration, settleField} from '../playbook/time.js'
import {isAccessDenied, isNoSuchEntity} from '../aws/errors.js'
import {InvalidInputError} from '../errors.js'
import {matchesAnySelector, matchesTags, selectorList, tagFilter, unmatchedSelectors} from './lib/selectors.js'
import {pollUntil, settleSince} from './lib/poll.js'
import {checkKeyJournal, holdersOf, holdTag, withHolder, withoutHolder} from './keys/holders.js'
import type {Action, Applied, Change, Check, Ctx, Inspection, Residual, Skipped} from './types.js'

const ACCESS_KEY_ID = /^AKIA[A-Z0-9]{12,124}$/

const params = z
  .strictObject({
    /** Users by name, name glob, ARN (glob) or /path/ prefix. */
    users: selectorList.optional(),
    /** Users carrying all these tags (`*` = any value). */
    tags: tagFilter.optional(),
    /** Explicit long-term key ids. */
    keys: z.array(z.string().regex(ACCESS_KEY_ID, 'expected a long-term access key id (AKIA…)')).optional(),
    /** Only keys created longer ago than this. */
    olderThan: durationField.optional(),
    /** Only keys created within this long (backdoor keys an attacker just made). */
    newerThan: durationField.optional(),
    /** Only keys not used for this long (a never-used key counts from its creation). */
    unusedFor: durationField.optional(),
    /** IAM propagation time: verification waits this long after the write. */
    settle: settleField.prefault('2s'),
    /** Users (any selector form) or key ids to leave alone. */
    exclude: z.array(z.string()).default([]),
  })
  .refine((p) => p.users || p.tags || p.keys, {message: 'name the keys to deactivate: users, tags or keys (at least one)'})

type Params = z.output<typeof params>

interface Data {
  userName: string
  accessKeyId: string
  settleMs?: number
}

export const deactivateKeys: Action<Params, Data> = {
  name: 'deactivate-keys',
  summary: 'Set matched long-term access keys Inactive (by user, tag, key id, age, last use); undo re-activates them',
  params,
  contains: 'keys',
  permissions: ['iam:ListUsers', 'iam:ListUserTags', 'iam:ListAccessKeys', 'iam:GetAccessKeyLastUsed', 'iam:UpdateAccessKey', 'iam:TagUser', 'iam:UntagUser'],
  example: `- id: keys
  action: deactivate-keys
  with:
    users: ["ci-*", "/contractors/"]
    olderThan: 90d
    unusedFor: 30d
    exclude: ["ci-release"]`,

  async plan(p, ctx) {
    const iam = ctx.clients.iam
    const now = ctx.now().getTime()
    const {users, excluded, warnings} = await candidateUsers(p, ctx)
    const changes: Change<Data>[] = []
    const skipped: Skipped[] = []
    const wantedKeys = p.keys ? new Set(p.keys) : undefined
    const seenKeys = new Set<string>()
    for (const user of users) {
      const keys = await listAccessKeys(iam, user.name, {signal: ctx.signal})
      // Keys another lockdown run deactivated: this run holds them too, so undoing that run leaves them off.
      const tags = keys.some((k) => k.status !== 'Active') ? await listUserTags(iam, user.name, {signal: ctx.signal}) : {}
      for (const key of keys) {
        if (wantedKeys && !wantedKeys.has(key.accessKeyId)) continue
        seenKeys.add(key.accessKeyId)
        const target = `${user.arn}/accesskey/${key.accessKeyId}`
        const label = `${user.name} ${maskKeyId(key.accessKeyId)}`
        // A key named by id is shown whatever filter leaves it alone: the person asked for that key.
        const named = wantedKeys !== undefined
        if (p.exclude.includes(key.accessKeyId)) {
          skipped.push({target, reason: `${label}: excluded by key id`})
          continue
        }
        if (key.status !== 'Active') {
          const holders = holdersOf(tags, key.accessKeyId)
          if (holders.length && !holders.includes(ctx.runId)) changes.push(holdChange(user, key, holders, target, p.settle))
          else skipped.push({target, reason: `${label}: already ${key.status}`})
          continue
        }
        const age = now - Date.parse(key.createDate)
        if (p.olderThan !== undefined && age < p.olderThan) {
          if (named) skipped.push({target, reason: `${label}: ${formatDuration(age)} old, not older than ${formatDuration(p.olderThan)}`})
          continue
        }
        if (p.newerThan !== undefined && age > p.newerThan) {
          if (named) skipped.push({target, reason: `${label}: ${formatDuration(age)} old, not newer than ${formatDuration(p.newerThan)}`})
          continue
        }
        const lastUsed = await getAccessKeyLastUsed(iam, key.accessKeyId, {signal: ctx.signal})
        const idle = now - Date.parse(lastUsed.lastUsedDate ?? key.createDate)
        if (p.unusedFor !== undefined && idle < p.unusedFor) {
          if (named) skipped.push({target, reason: `${label}: used ${formatDuration(idle)} ago, within unusedFor ${formatDuration(p.unusedFor)}`})
          continue
        }
        changes.push(keyChange(user, key, lastUsed, age, target, p.settle))
      }
    }
    const lost = (p.keys ?? []).filter((k) => !seenKeys.has(k) && !p.exclude.includes(k))
    if (lost.length) {
      const whose = p.users || p.tags ? ` among the keys of the selected users (${users.map((u) => u.name).join(', ') || 'none'})` : ' in this account'
      throw new InvalidInputError(`step '${ctx.step.id}': access key${lost.length === 1 ? '' : 's'} ${lost.map((k) => `'${k}'`).join(', ')} not found${whose}`, [], {
        next: `check the key id (aws iam list-access-keys --user-name NAME), fix the playbook or its --set, and plan again`,
      })
    }
    const residual: Residual[] = changes.length
      ? [
          {
            needs: 'sessions',
            principals: [...new Set(changes.map((c) => c.principal))],
            note: (users) =>
              'Deactivating a key does not end sessions already created from it (GetSessionToken/GetFederationToken ' +
              `credentials live until they expire): add a revoke-sessions step for users: [${users.map(nameFromArn).join(', ')}].`,
          },
        ]
      : []
    for (const u of excluded) skipped.push({target: u.arn, reason: `${u.name}: excluded by exclude`})
    return {changes, skipped, notes: [], warnings, residual}
  },

  async apply(c, ctx): Promise<Applied<Data>> {
    const {userName, accessKeyId} = c.data
    const iam = ctx.clients.iam
    // The mark first: a key lockdown deactivated always names the runs that hold it (the user's tag), so
    // undo of one run re-activates it only when no other run still holds it.
    // Containment comes first: a responder who may not tag users still deactivates the key; undo then
    // finds no mark and reports the key as drift (exit 6) instead of guessing whose it is.
    let holdRecorded = true
    try {
      const tags = await listUserTags(iam, userName, {signal: ctx.signal})
      await ctx.intend?.(`TagUser ${holdTag(accessKeyId)}`)
      await tagUser(iam, userName, {[holdTag(accessKeyId)]: withHolder(tags, accessKeyId, ctx.runId)}, {signal: ctx.signal})
    } catch (error) {
      if (!isAccessDenied(error)) throw error
      holdRecorded = false
      ctx.log(`may not tag user ${userName}: the key is deactivated without the record of which run holds it`)
    }
    await ctx.intend?.(`UpdateAccessKey ${accessKeyId} Inactive`)
    await setAccessKeyStatus(iam, userName, accessKeyId, 'Inactive', {signal: ctx.signal})
    return {...c, appliedAt: new Date().toISOString(), ...(holdRecorded ? {} : {result: {holdRecorded}})}
  },

  async inspect(a, ctx): Promise<Inspection> {
    const {userName, accessKeyId} = a.data
    const iam = ctx.clients.iam
    const key = (await listAccessKeys(iam, userName, {signal: ctx.signal})).find((k) => k.accessKeyId === accessKeyId)
    if (!key) return {drift: {status: 'deleted'}}
    const holders = holdersOf(await listUserTags(iam, userName, {signal: ctx.signal}), accessKeyId)
    // This run's mark is on the key: its part is there to undo (a half-applied change has the mark only).
    if (holders.includes(ctx.runId)) return key.status === 'Inactive' ? 'after' : 'partial'
    if (key.status === 'Active') return 'before'
    return {drift: {status: key.status, heldBy: holders}}
  },

  checkJournal: checkKeyJournal,

  async undo(a, ctx, opts) {
    const {userName, accessKeyId} = a.data
    const iam = ctx.clients.iam
    const tags = await listUserTags(iam, userName, {signal: ctx.signal})
    const others = holdersOf(tags, accessKeyId).filter((r) => r !== ctx.runId)
    if (others.length && !opts.force) {
      await ctx.intend?.(`TagUser ${holdTag(accessKeyId)}`)
      await tagUser(iam, userName, {[holdTag(accessKeyId)]: withoutHolder(tags, accessKeyId, ctx.runId)}, {signal: ctx.signal})
      return `key ${maskKeyId(accessKeyId)} of ${userName} kept Inactive: run(s) ${others.join(', ')} also deactivated it`
    }
    await ctx.intend?.(`UpdateAccessKey ${accessKeyId} Active`)
    await setAccessKeyStatus(iam, userName, accessKeyId, 'Active', {signal: ctx.signal})
    if (holdTag(accessKeyId) in tags) {
      await ctx.intend?.(`UntagUser ${holdTag(accessKeyId)}`)
      await untagUser(iam, userName, [holdTag(accessKeyId)], {signal: ctx.signal})
    }
  },

  async verify(a, ctx): Promise<Check[]> {
    const {value, ok} = await pollUntil(
      () => listAccessKeys(ctx.clients.iam, a.data.userName, {signal: ctx.signal}),
      (keys) => keys.find((k) => k.accessKeyId === a.data.accessKeyId)?.status === 'Inactive',
      {signal: ctx.signal},
    )
    const status = value.find((k) => k.accessKeyId === a.data.accessKeyId)?.status ?? 'missing'
    if (ok) await settleSince(a.appliedAt, a.data.settleMs ?? 0, ctx.signal)
    return [{target: a.target, name: 'key is Inactive', ok, detail: `ListAccessKeys shows ${status}`}]
  },

}

function holdChange(user: IamUser, key: AccessKey, holders: string[], target: string, settleMs: number): Change<Data> {
  return {
    target,
    principal: user.arn,
    summary: `keep ${user.name} key ${maskKeyId(key.accessKeyId)} inactive (deactivated by run ${holders.join(', ')}; this run holds it too)`,
    before: {status: key.status, createDate: key.createDate, heldBy: holders},
    after: {status: 'Inactive'},
    data: {userName: user.name, accessKeyId: key.accessKeyId, settleMs},
  }
}

function keyChange(user: IamUser, key: AccessKey, lastUsed: KeyLastUsed, ageMs: number, target: string, settleMs: number): Change<Data> {
  const used = lastUsed.lastUsedDate
    ? `last used ${lastUsed.lastUsedDate.slice(0, 10)}${lastUsed.serviceName ? ` ${lastUsed.serviceName}` : ''}${lastUsed.region ? ` ${lastUsed.region}` : ''}`
    : 'never used'
  return {
    target,
    principal: user.arn,
    summary: `deactivate ${user.name} key ${maskKeyId(key.accessKeyId)} (age ${formatDuration(ageMs)}, ${used})`,
    before: {status: key.status, createDate: key.createDate, lastUsed},
    after: {status: 'Inactive'},
    data: {userName: user.name, accessKeyId: key.accessKeyId, settleMs},
  }
}

/** Users whose keys are considered: selected by users/tags, or owning an explicitly named key. */
async function candidateUsers(p: Params, ctx: Ctx): Promise<{users: IamUser[]; excluded: IamUser[]; warnings: string[]}> {
  const all = await listUsers(ctx.clients.iam, {signal: ctx.signal})
  const warnings = unmatchedSelectors('user', p.users, all, ctx.step.id, Boolean(ctx.scope))
  const picked = new Map<string, IamUser>()
  const excluded: IamUser[] = []
  for (const u of all) {
    if (matchesAnySelector(u, p.exclude)) {
      if (p.users && matchesAnySelector(u, p.users)) excluded.push(u)
      continue
    }
    if (p.users && !matchesAnySelector(u, p.users)) continue
    if (p.tags && !matchesTags(await listUserTags(ctx.clients.iam, u.name, {signal: ctx.signal}), p.tags)) continue
    if (p.users || p.tags) picked.set(u.name, u)
  }
  if (p.keys && !p.users && !p.tags) {
    // The owner of a key id comes from GetAccessKeyLastUsed, one call per key instead of listing every user's keys.
    for (const keyId of p.keys) {
      const owner = await keyOwner(keyId, ctx)
      const u = all.find((x) => x.name === owner)
      if (u && !matchesAnySelector(u, p.exclude)) picked.set(u.name, u)
    }
  }
  return {users: [...picked.values()], excluded, warnings}
}

/** The user a key id belongs to, or undefined when IAM has no such key (the plan then says so). */
async function keyOwner(keyId: string, ctx: Ctx): Promise<string | undefined> {
  try {
    return (await getAccessKeyLastUsed(ctx.clients.iam, keyId, {signal: ctx.signal})).userName
  } catch (error) {
    if (isNoSuchEntity(error)) return undefined
    throw error
  }
}
