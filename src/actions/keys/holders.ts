// Which lockdown runs hold a key Inactive, recorded where the account keeps it: a tag on the key's user,
// `lockdown:deactivated:<key id>` = the run ids, space-separated. Undo of one run removes its id and
// re-activates the key only when no other run holds it; `lockdown status` reads the same tag.
import {z} from 'zod'

import type {Change} from '../types.js'
import {arnName, checkChange} from '../lib/journal-check.js'

const TAG_PREFIX = 'lockdown:deactivated:'
/** AWS's limit on a tag value; the oldest holders give way when it is reached. */
const TAG_VALUE_MAX = 256

export const holdTag = (accessKeyId: string) => `${TAG_PREFIX}${accessKeyId}`

export function holdersOf(tags: Record<string, string>, accessKeyId: string): string[] {
  return (tags[holdTag(accessKeyId)] ?? '').split(' ').filter(Boolean)
}

/** Keys of the user that lockdown runs hold Inactive, with their holders. */
export function heldKeys(tags: Record<string, string>): {accessKeyId: string; runs: string[]}[] {
  return Object.keys(tags)
    .filter((k) => k.startsWith(TAG_PREFIX))
    .map((k) => ({accessKeyId: k.slice(TAG_PREFIX.length), runs: holdersOf(tags, k.slice(TAG_PREFIX.length))}))
}

export function withHolder(tags: Record<string, string>, accessKeyId: string, runId: string): string {
  const runs = [...holdersOf(tags, accessKeyId).filter((r) => r !== runId), runId]
  while (runs.join(' ').length > TAG_VALUE_MAX) runs.shift()
  return runs.join(' ')
}

export function withoutHolder(tags: Record<string, string>, accessKeyId: string, runId: string): string {
  return holdersOf(tags, accessKeyId)
    .filter((r) => r !== runId)
    .join(' ')
}

const data = z.looseObject({userName: z.string().regex(/^[\w+=,.@-]{1,64}$/), accessKeyId: z.string().regex(/^AKIA[A-Z0-9]{12,124}$/)})
const before = z.looseObject({status: z.enum(['Active', 'Inactive'])})

/** A journaled key change names its key in its `target` (`<user ARN>/accesskey/<key id>`) and in `data`. */
export function checkKeyJournal(c: Change<unknown>): string | undefined {
  return checkChange(c, {before, data}, (ch) => {
    const d = ch.data as z.output<typeof data>
    const [userArn, keyId] = ch.target.split('/accesskey/')
    if (keyId !== d.accessKeyId) return `target ${ch.target} does not name key ${d.accessKeyId} of data`
    if (!/^arn:aws[a-z-]*:iam::\d{12}:user\/.+$/.test(userArn) || arnName(userArn) !== d.userName || ch.principal !== userArn) return `target ${ch.target} is not a key of user ${d.userName}`
    return undefined
  })
}
