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

const accountSchema = z.union([
  z.literal('current'),
  z.string().regex(/^\d{12}$/, 'expected a 12-digit account id or "current"'),
  z.strictObject({organization: z.literal(true), ou: z.string().optional()}),
])

export const guardsSchema = z.strictObject({
  maxTargets: z.number().int().positive().default(50),
  protect: z.array(z.string()).default([]),
})

export const playbookSchema = z.strictObject({
  version: z.literal(1),
  name: z.string().min(1),
  description: z.string().optional(),
  incident: z.string().regex(/^[A-Za-z0-9._-]+$/, 'expected an incident id of letters, digits, . _ -').optional(),
  vars: z.record(z.string(), varSchema).default({}),
  accounts: z.array(accountSchema).min(1).default(['current']),
  regions: z.array(z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'expected a region like us-east-1')).min(1).default(['us-east-1']),
  guards: guardsSchema.default({maxTargets: 50, protect: []}),
  steps: z.array(stepSchema).min(1, 'a playbook needs at least one step'),
})

export type Playbook = z.output<typeof playbookSchema>
export type PlaybookStep = z.output<typeof stepSchema>
