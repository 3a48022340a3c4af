// revoke-sessions parameters: whom to revoke (roles, users, single sessions), from when, and how.
import {z} from 'zod'

import {settleField, timeField} from '../../playbook/time.js'
import {selectorList, tagFilter} from '../lib/selectors.js'

const sessionSelector = z.union([
  z.strictObject({role: z.string().min(1), sessionName: z.string().min(1)}),
  z.strictObject({assumedRoleId: z.string().regex(/^AROA[A-Z0-9]+:[\w+=,.@-]+$/, 'expected an assumed-role id like AROAEXAMPLE:session-name')}),
  z.strictObject({sourceIdentity: z.string().min(1), roles: selectorList.default(['*'])}),
])

export const revokeParams = z
  .strictObject({
    /** Roles by name, glob, ARN (glob) or /path/ prefix. */
    roles: selectorList.optional(),
    /** Roles carrying all these tags (`*` = any value). */
    roleTags: tagFilter.optional(),
    /** IAM users: ends their GetSessionToken / GetFederationToken credentials (keys are untouched). */
    users: selectorList.optional(),
    /** Single sessions: by role + session name, assumed-role id, or source identity. */
    sessions: z.array(sessionSelector).optional(),
    /** Principals (any selector form) never to touch. */
    exclude: selectorList.default([]),
    /** Also revoke every role the target roles' sessions can chain into, recursively. */
    followChains: z.boolean().default(false),
    maxChainDepth: z.number().int().min(1).max(10).default(5),
    /** Deny sessions issued before this: `now` (the moment of apply), an ISO time, or a duration ago. */
    issuedBefore: timeField.prefault('now'),
    /** `managed` writes one customer managed policy and attaches it, for principals whose inline budget is full. */
    policyMode: z.enum(['inline', 'managed']).default('inline'),
    /** IAM propagation time: verification waits this long after the write. */
    settle: settleField.prefault('2s'),
  })
  .refine((p) => p.roles || p.roleTags || p.users || p.sessions, {message: 'name what to revoke: roles, roleTags, users or sessions (at least one)'})

export type RevokeParams = z.output<typeof revokeParams>
