// The playbook envelope. Each step's `with:` is validated by its action's own schema (engine/validate.ts),
// so this layer knows nothing about actions.
import {z} from 'zod'

export const STEP_ID = /^[a-z0-9][a-z0-9_-]*$/i

export const stepSchema = z.strictObject({
  id: z.string().regex(STEP_ID, 'expected a step id of letters, digits, - and _'),
  action: z.string().min(1),
  with: z.record(z.string(), z.unknown()).default({}),
  /** Run the step only when this (after ${var} substitution) is true/yes/1. */
  when: z.union([z.string(), z.boolean()]).optional(),
  /**
   * Steps are independent: a failed step does not keep the others from containing their targets. A step
   * that only makes sense after others succeeded names them here; it is not run when one of them failed.
   */
  dependsOn: z.array(z.string().regex(STEP_ID, 'expected a step id')).default([]),
  /** Stop the run after this step when any of its changes fails (later steps are not run). */
  stopOnError: z.boolean().default(false),
  /** Before steps were independent; `continueOnError: false` still means stopOnError. */
  continueOnError: z.boolean().optional(),
  /** Let this step act on the caller's own principal and key (normally excluded). */
  allowSelf: z.boolean().default(false),
})

const scalar = z.union([z.string(), z.number(), z.boolean()])

/** A variable: its default, or a declaration. Incident playbooks declare `required: true` and ship no default. */
const varSchema = z.union([
  scalar,
  z.strictObject({
    /** A run without `--set NAME=VALUE` for it is refused (exit 2). */
    required: z.boolean().default(false),
    /** What the value is, shown when it is missing. */
    description: z.string().optional(),
    default: scalar.optional(),
  }),
])

const ACCOUNT_ID = /^\d{12}$/

/** `{organization: true, ous, tags, exclude}`: the organization's ACTIVE accounts that match (entries union). */
export const orgSelectionSchema = z.strictObject({
  organization: z.literal(true),
  /** OU ids (ou-…, or the root r-…) or OU names: every account beneath them, at any depth. */
  ous: z.array(z.string().min(1)).optional(),
  /** Account tags that must all match. */
  tags: z.record(z.string(), z.string()).optional(),
  exclude: z.array(z.string().regex(ACCOUNT_ID, 'expected a 12-digit account id')).optional(),
})

const accountSchema = z.union([
  z.literal('current'),
  z.string().regex(ACCOUNT_ID, 'expected a 12-digit account id or "current"'),
  orgSelectionSchema,
])

/** How lockdown enters accounts other than the caller's: AssumeRole of `role` (through `via` first). */
export const accessSchema = z.strictObject({
  role: z.string().regex(/^[\w+=,.@/-]{1,512}$/, 'expected a role name (or path/name)').default('OrganizationAccountAccessRole'),
  externalId: z.string().regex(/^[\w+=,.@:/-]{2,1224}$/, 'expected an ExternalId of 2-1224 characters').optional(),
  via: z.array(z.string().regex(/^arn:aws[\w-]*:iam::\d{12}:role\/.+$/, 'expected a role ARN (arn:aws:iam::ACCOUNT:role/NAME)')).optional(),
})

export const guardsSchema = z.strictObject({
  /** Principals the whole run may touch, across every account. */
  maxTargets: z.number().int().positive().default(50),
  /** Principals the run may touch in any one account. */
  maxTargetsPerAccount: z.number().int().positive().optional(),
  protect: z.array(z.string()).default([]),
})

export const playbookSchema = z.strictObject({
  version: z.literal(1),
  name: z.string().min(1),
  description: z.string().optional(),
  incident: z.string().regex(/^[A-Za-z0-9._-]+$/, 'expected an incident id of letters, digits, . _ -').optional(),
  vars: z.record(z.string(), varSchema).default({}),
  accounts: z.array(accountSchema).min(1).default(['current']),
  access: accessSchema.default({role: 'OrganizationAccountAccessRole'}),
  /** Accounts worked at once (plan, apply, verify); each account's IAM calls keep their own bounds. */
  concurrency: z.strictObject({accounts: z.number().int().min(1).max(64).default(8)}).default({accounts: 8}),
  regions: z.array(z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'expected a region like us-east-1')).min(1).default(['us-east-1']),
  guards: guardsSchema.default({maxTargets: 50, protect: []}),
  steps: z.array(stepSchema).min(1, 'a playbook needs at least one step'),
})

export type Playbook = z.output<typeof playbookSchema>
export type PlaybookStep = z.output<typeof stepSchema>
