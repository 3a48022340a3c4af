// Journal validation shared by the actions: a journaled change is parsed with the action's own schemas
// for `before` and `data` before undo acts on it. The journal's sha256 chain has no secret (anyone who
// can write the file can recompute it), so this — and undo judging by the account — is what keeps a
// forged line from making undo write what the run never read.
import type {ZodType} from 'zod'

import type {Change} from '../types.js'

export function checkChange(c: Change<unknown>, schemas: {before: ZodType; data: ZodType}, consistent: (c: Change<unknown>) => string | undefined): string | undefined {
  for (const field of ['before', 'data'] as const) {
    const r = schemas[field].safeParse(c[field])
    if (!r.success) {
      const issue = r.error.issues[0]
      return `${field}${issue.path.length ? `.${issue.path.join('.')}` : ''}: ${issue.message}`
    }
  }
  return consistent(c)
}

/** The last segment of an IAM ARN's resource path (`arn:aws:iam::1:role/a/b` → `b`). */
export function arnName(arn: string): string {
  return arn.split(':').slice(5).join(':').split('/').pop() ?? ''
}
