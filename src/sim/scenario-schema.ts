// The scenario file: what a simulated account starts with. Strict (unknown keys are errors), so a typo in
// a drill's account does not silently seed something else.
import {z} from 'zod'

const name = z.string().regex(/^[\w+=,.@-]{1,64}$/, 'must be 1-64 characters of letters, digits and +=,.@_-')
const path = z.string().regex(/^\/([\x21-\x7e]*\/)?$/, 'must begin and end with /')
/** A policy document: a YAML mapping or the JSON text. */
const doc = z.union([z.string(), z.record(z.string(), z.unknown())])
const tags = z.record(z.string(), z.string())
/** An ISO timestamp or an offset from now such as `-400d`, `-90m`, `-2h`. */
export const when = z.union([z.string().regex(/^-?\d+(ms|s|m|h|d)$/, 'must be an ISO time or an offset like -400d'), z.iso.datetime({offset: true}), z.date()])

const accessKey = z.strictObject({
  id: z.string().regex(/^AKIA[A-Z0-9]{16}$/, 'must be AKIA followed by 16 upper-case letters or digits').optional(),
  secret: z.string().min(16, 'must be at least 16 characters').optional(),
  status: z.enum(['Active', 'Inactive']).default('Active'),
  createdAt: when.optional(),
  lastUsed: z.strictObject({at: when, service: z.string().default('iam'), region: z.string().default('us-east-1')}).optional(),
})

const mfa = z.strictObject({
  name,
  seed: z.string().regex(/^[A-Z2-7]{16,}$/, 'must be Base32 (A-Z, 2-7), at least 16 characters').optional(),
})

const user = z.strictObject({
  name,
  path: path.default('/'),
  createdAt: when.optional(),
  tags: tags.default({}),
  inlinePolicies: z.record(z.string(), doc).default({}),
  managedPolicies: z.array(z.string()).default([]),
  accessKeys: z.array(accessKey).max(2, 'AWS allows at most 2 access keys per user').default([]),
  mfa: mfa.optional(),
})

const role = z.strictObject({
  name,
  path: path.default('/'),
  description: z.string().optional(),
  createdAt: when.optional(),
  trust: doc,
  maxSessionDuration: z.number().int().min(3600).max(43200).default(3600),
  tags: tags.default({}),
  inlinePolicies: z.record(z.string(), doc).default({}),
  managedPolicies: z.array(z.string()).default([]),
})

const policy = z.strictObject({name, path: path.default('/'), description: z.string().optional(), document: doc})

const accountId = z.string().regex(/^\d{12}$/, 'must be 12 digits')
const rootKeyId = z.string().regex(/^AKIA[A-Z0-9]{16}$/, 'must be AKIA followed by 16 upper-case letters or digits')

/** A member account: its place in the organization, and its own IAM state in the same shapes as the top level. */
const memberAccount = z.strictObject({
  id: accountId,
  name: z.string().min(1).max(50).optional(),
  email: z.email().optional(),
  /** The OU's name (or id) the account sits in; default the root. */
  ou: z.string().optional(),
  state: z.enum(['ACTIVE', 'SUSPENDED', 'PENDING_CLOSURE', 'CLOSED']).default('ACTIVE'),
  /** Invited accounts joined on their own: Organizations created no OrganizationAccountAccessRole in them. */
  invited: z.boolean().default(false),
  joinedAt: when.optional(),
  tags: tags.default({}),
  rootAccessKeyId: rootKeyId.optional(),
  rootSecretAccessKey: z.string().min(16).optional(),
  policies: z.array(policy).default([]),
  users: z.array(user).default([]),
  roles: z.array(role).default([]),
})

const orgUnit = z.strictObject({
  name: z.string().regex(/^[\s\S]{1,128}$/, 'must be 1-128 characters'),
  /** Another OU's name (or id); default the root. */
  parent: z.string().optional(),
  id: z.string().regex(/^ou-[0-9a-z]{4,32}-[0-9a-z]{8,32}$/, 'must be ou-<4-32 lowercase letters or digits>-<8-32 lowercase letters or digits>').optional(),
  tags: tags.default({}),
})

/** `organization:` makes the top-level account the management account of an organization with these members. */
export const organizationSchema = z.strictObject({
  id: z.string().regex(/^o-[a-z0-9]{10,32}$/, 'must be o- followed by 10-32 lowercase letters or digits').default('o-a1b2c3d4e5'),
  ous: z.array(orgUnit).default([]),
  accounts: z.array(memberAccount).default([]),
  /** Member accounts registered as delegated administrators: they may call the Organizations read API. */
  delegatedAdministrators: z.array(accountId).default([]),
  /** Policy types enabled on the root: SCPs by default (FullAWSAccess attached everywhere); [] to have none. */
  policyTypes: z.array(z.literal('SERVICE_CONTROL_POLICY')).default(['SERVICE_CONTROL_POLICY']),
  /** Service control policies, attached (besides FullAWSAccess) to `targets`: 'root', OU names or ids, account ids. */
  policies: z
    .array(
      z.strictObject({
        name: z.string().regex(/^[\s\S]{1,128}$/, 'must be 1-128 characters'),
        description: z.string().max(512).default(''),
        content: doc,
        targets: z.array(z.string()).default([]),
        tags: tags.default({}),
      }),
    )
    .default([]),
})

export const scenarioSchema = z.strictObject({
  version: z.literal(1).default(1),
  name: z.string().optional(),
  description: z.string().optional(),
  account: z
    .strictObject({
      id: accountId.default('111122223333'),
      alias: z.string().optional(),
      rootAccessKeyId: rootKeyId.optional(),
      rootSecretAccessKey: z.string().min(16).optional(),
    })
    .default({id: '111122223333'}),
  /** The sim clock's offset from real time at start: ms, or `-2h`. */
  clockOffset: z.union([z.number().int(), z.string().regex(/^-?\d+(ms|s|m|h|d)$/, 'must be ms or an offset like -2h')]).default(0),
  policies: z.array(policy).default([]),
  users: z.array(user).default([]),
  roles: z.array(role).default([]),
  /**
   * Absent: the account is the management account of an organization of one (what the simulator always
   * answered). `false`: not in an organization (Organizations answers AWSOrganizationsNotInUseException).
   */
  organization: z.union([z.literal(false), organizationSchema]).optional(),
})

export type MemberAccountScenario = z.output<typeof memberAccount>
export type OrganizationScenario = z.output<typeof organizationSchema>
export type Scenario = z.input<typeof scenarioSchema>
export type ParsedScenario = z.output<typeof scenarioSchema>

export function parseOffset(v: string | number): number {
  if (typeof v === 'number') return v
  const m = /^(-?\d+)(ms|s|m|h|d)$/.exec(v)!
  const unit = {ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000}[m[2] as 'ms']
  return Number(m[1]) * unit
}

export function parseWhen(v: string | Date | undefined, now: number): number {
  if (v === undefined) return now
  if (v instanceof Date) return v.getTime()
  if (/^-?\d+(ms|s|m|h|d)$/.test(v)) return now + parseOffset(v)
  return Date.parse(v)
}
