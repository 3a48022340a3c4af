// Tag, Untag and List…Tags for users and roles: one definition, as AWS's operations are one shape for both.
import type {Op, OpContext, OpTable} from '../ops.js'
import type {Params} from '../protocol/form.js'
import {applyTags, paginate, removeTags, tagsOf} from './shapes.js'

type Tagged = {tags: ReturnType<typeof applyTags>}

export function tagOps(kind: 'User' | 'Role', find: (p: Params, c: OpContext) => Tagged, resource: Op['resource'], resources: Op['resources']): OpTable {
  return {
    [`Tag${kind}`]: {
      readOnly: false,
      resource,
      resources,
      handle(p, c) {
        const t = find(p, c)
        t.tags = applyTags(t.tags, tagsOf(p))
        return undefined
      },
    },
    [`Untag${kind}`]: {
      readOnly: false,
      resource,
      resources,
      handle(p, c) {
        const t = find(p, c)
        t.tags = removeTags(t.tags, p.TagKeys)
        return undefined
      },
    },
    [`List${kind}Tags`]: {
      readOnly: true,
      resource,
      handle: (p, c) => paginate(find(p, c).tags, p, 'Tags'),
    },
  }
}
