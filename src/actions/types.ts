// The contract every playbook action implements (see DESIGN.md, "The action interface").
// An action owns its parameters (a strict zod schema), the IAM permissions it needs, a plan that only
// reads, an idempotent apply of one planned change, and optionally verify and undo.
import type {ZodType} from 'zod'

import type {AccessHow} from '../aws/access.js'
import type {Clients} from '../aws/clients.js'
import type {Grant, GrantScope} from '../forensics/sources/registry.js'

// A least-privilege statement and where it applies: the forensic sources define the shape (they know their ARNs).
export type {Grant, GrantScope}

/** Who is running lockdown, from sts:GetCallerIdentity. Guards keep the tool from locking out its caller. */
export interface Caller {
  account: string
  /** The caller's ARN as STS reports it (an assumed-role ARN for a role session). */
  arn: string
  userId: string
  /** The IAM principal behind the caller: the user ARN, or the role ARN for a role session. */
  principalArn: string
  /** The access key the caller signs with, when known (long-term keys; never a secret). */
  accessKeyId?: string
}

/**
 * The account a step works in (step × account × change): its clients, who lockdown is there (the caller
 * itself, or the access role's session), and how it was reached. ARNs are built from `id`, never from
 * the caller's account.
 */
export interface AccountCtx {
  id: string
  clients: Clients
  caller: Caller
  access: AccessHow
}

/** One account of a run's scope, as a run-wide step (`scope: 'run'`) sees it: entered, or why not. */
export interface RunAccount {
  id: string
  name?: string
  /** Absent when the account was not entered. */
  clients?: Clients
  /** Why it was not entered or was skipped (AssumeRole denied, SUSPENDED, excluded). */
  unreachable?: string
}

export interface Ctx {
  /** The account's clients (= account.clients). */
  clients: Clients
  account: AccountCtx
  /** A `scope: 'run'` step over several accounts: every account of the run's scope. Absent otherwise. */
  accounts?: RunAccount[]
  signal: AbortSignal
  runId: string
  incident?: string
  /** The person running lockdown (in their own account); `account.caller` is who lockdown is in this account. */
  caller: Caller
  /** The engine's clock; the moment of apply for `issuedBefore: now`. */
  now(): Date
  /** ARN globs no action may touch (guards.protect). */
  protect: string[]
  /**
   * Principals lockdown must not cut off, known when this step is planned: its access path (access:) and
   * the protects of the steps planned before it (break-glass responders and roles). The engine already
   * moves changes to them out of every plan; an action whose one change covers many principals (an SCP)
   * writes them into its document as exemptions.
   */
  protects?: {arn: string; reason: string}[]
  /** The step being planned or applied. */
  step: {id: string; allowSelf: boolean}
  /** The run's accounts and playbook, when it spans several (residual notes name what is outside). */
  scope?: {accounts: string[]; file: string}
  /**
   * Roles this step selects in the run's other accounts (followChains across accounts): a role here whose
   * trust names one of them, or its account's root, is reached from it. `via` is its chain so far.
   */
  chainFrom?: {arn: string; name: string; via: string[]}[]
  /** Progress text for the task list (never a secret). */
  log(message: string): void
  /**
   * Journals a sub-intent before one AWS write inside apply/undo (`CreateRole`, `AttachRolePolicy …`):
   * a change that fails or dies half-way is then known to have touched AWS and is undone too.
   * Await it: the line is on disk when it resolves (the journal's fsyncs are shared by the changes in
   * flight). Absent while planning.
   */
  intend?(write: string): void | Promise<void>
}

/**
 * What the account says about one planned change, read now: as the run left it (`after`), partly so
 * (`partial`: this run's mark is there but not every write landed — a failed or killed apply), as the
 * run found it (`before`), or neither (`drift`: another run or a person changed it since; the value says
 * how it stands now). Undo reverts `after` and `partial`; --resume marks `after` applied instead of
 * sending it again. Undo and --resume judge by this, not only by the journal.
 */
export type Inspection = 'after' | 'partial' | 'before' | {drift: unknown}

/** One change to one target, produced by plan() and the only input apply() accepts. */
export interface Change<C = unknown> {
  /** ARN of the thing changed (an access key is addressed as its user ARN + `/accesskey/<id>`). */
  target: string
  /** The IAM principal the change affects, for the maxTargets and self guards. */
  principal: string
  /** One human line: what will change. */
  summary: string
  before: unknown
  after: unknown
  /** What apply needs; JSON-serialisable, it is written to the journal. */
  data: C
  /** The account the change is in: set by the engine (absent in journals before organization scope = the run's caller account). */
  account?: string
}

/** Something plan() considered and deliberately left alone, shown in the plan with its reason. */
export interface Skipped {
  target: string
  reason: string
  /** The account, in a run over several (set by the engine). */
  account?: string
}

export interface StepPlan<C = unknown> {
  changes: Change<C>[]
  skipped: Skipped[]
  /** Things a person should know that the action cannot fix (residual risk, notes). */
  notes: string[]
  /** Input that selected nothing (a glob matching no principal): shown in the plan and in --json. */
  warnings?: string[]
  /** Risks another step of the same playbook may already cover: the engine keeps only what no step covers. */
  residual?: Residual[]
  /** Principals no other step of the same run may touch (break-glass responders and their role). */
  protects?: {arn: string; reason: string}[]
}

/** What a change does for its principal, so a residual-risk note can ask whether another step covers it. */
export type Containment = 'sessions' | 'keys'

/**
 * A residual risk on principals (ARNs) that a step of kind `needs` would contain: shown only for the
 * principals no step of the playbook covers, as `note(uncovered)`.
 */
export interface Residual {
  needs: Containment
  principals: string[]
  note(uncovered: string[]): string
}

export interface Applied<C = unknown> extends Change<C> {
  appliedAt: string
  /** What apply actually wrote, when it differs from the planned `after` (e.g. the cutoff of `now`). */
  result?: unknown
}

export interface Check {
  target: string
  name: string
  ok: boolean
  detail: string
}

export interface Action<P = unknown, C = unknown> {
  /** The `action:` key in YAML. */
  name: string
  /** One line, shown by `lockdown actions`. */
  summary: string
  /** Strict schema; the only validation of `with:`. */
  params: ZodType<P>
  /** IAM actions it needs; feeds `lockdown permissions`. */
  permissions: string[]
  /**
   * What these parameters need, when that depends on them (forensics: the source it reads): statements
   * scoped to the resources the parameters name. Absent: `permissions` on every resource. The permissions
   * command, the preflight simulation and the access-role policy all read it (engine/permissions.ts).
   */
  permissionsFor?(p: P, where?: GrantScope): Grant[]
  /** A YAML step (a list item) that validates; tested. */
  example: string
  /** What this action's changes contain for their principal (for residual-risk notes across steps). */
  contains?: Containment
  /** Whether, with these parameters, the step follows role chains into other accounts of the run (ctx.chainFrom). */
  chainsAcross?(p: P): boolean
  /** Read-only actions (forensics) make no changes: the engine skips journal intents for them. */
  readOnly?: boolean
  /**
   * 'run': planned and applied once for the whole run, not once per account, with `ctx.accounts` = every
   * account of the run's scope (entered ones with clients, the others with the reason): forensics, whose
   * chains cross accounts and whose report is one file. Default 'account' (DESIGN.md: the unit of execution is step × account × change).
   */
  scope?: 'account' | 'run'
  /**
   * Local files the step would write, by `with:` field (`${incident}` and `${runId}` still in them):
   * validation keeps each inside the working directory or --reports-dir.
   */
  writes?(p: P): {field: string; path: string}[]
  plan(p: P, ctx: Ctx): Promise<StepPlan<C>>
  apply(c: Change<C>, ctx: Ctx): Promise<Applied<C>>
  verify?(a: Applied<C>, ctx: Ctx): Promise<Check[]>
  /** Reads the account for one change (see Inspection). Undo and --resume call it before any write. */
  inspect?(c: Applied<C>, ctx: Ctx): Promise<Inspection>
  /**
   * Checks a journaled change (its `target`, `before`, `data`) is one this action could have planned,
   * before undo acts on it: the journal's hash chain has no secret, so a forged line must not make undo
   * write what the run never read. Returns what is wrong, or undefined.
   */
  checkJournal?(c: Change<unknown>): string | undefined
  /** Reverts this run's part of an `after` change; returns a note when it deliberately kept something. */
  undo?(a: Applied<C>, ctx: Ctx, opts: {force: boolean}): Promise<string | void>
}

/** Erases the parameter and data types for the registry. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyAction = Action<any, any>
