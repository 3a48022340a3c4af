// IAM policy documents as data, and the size AWS charges them: AWS counts characters of the policy
// without whitespace against the aggregate inline limit (10,240 for a role, 2,048 for a user).

export interface Statement {
  Sid?: string
  Effect: 'Allow' | 'Deny'
  Action: string | string[]
  Resource: string | string[]
  Condition?: Record<string, Record<string, string | string[] | boolean>>
  Principal?: unknown
}

export interface PolicyDocument {
  Version: '2012-10-17'
  Statement: Statement[]
}

export const INLINE_LIMIT = {role: 10_240, user: 2_048} as const

/** Characters AWS counts: the JSON with whitespace outside strings removed. */
export function policySize(doc: unknown): number {
  const text = typeof doc === 'string' ? doc : JSON.stringify(doc)
  let n = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]
    if (inString) {
      n++
      if (ch === '\\') {
        n++
        i++
      } else if (ch === '"') inString = false
    } else if (ch === '"') {
      inString = true
      n++
    } else if (!/\s/.test(ch)) n++
  }
  return n
}

/** Parses a policy document (already URL-decoded), normalising a single statement to a list. */
export function parsePolicy(text: string): PolicyDocument {
  const doc = JSON.parse(text) as {Statement: Statement | Statement[]}
  return {Version: '2012-10-17', Statement: Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement]}
}
