// Apply a journaled plan with a listr2 task list: per step, per target, bounded concurrency. Each
// change: intent line on disk -> action.apply -> applied/failed line. One failed target does not stop
// the others, and one failed step does not stop the next: each step's containment is attempted. Only a
// step that says stopOnError stops the run, and a step is not run when a step it dependsOn failed.
import {Listr, type ListrTask} from 'listr2'

import type {AnyAction, Applied, Change, Ctx} from '../actions/types.js'
import type {JournalStepPlan, JournalWriter} from './journal.js'
import {changeKey} from './run-state.js'

export interface ApplyInput {
  steps: JournalStepPlan[]
  actionOf(step: JournalStepPlan): AnyAction
  /** The step's context in one account (its clients, its caller). */
  ctxFor(step: JournalStepPlan, account: string): Ctx
  journal: JournalWriter
  /** Changes applied in parallel within a step, in each account. */
  concurrency: number
  /** The accounts to work, in order (a change's account is `accountOf(change)`). */
  accounts: string[]
  /** Accounts worked at once (concurrency.accounts). */
  accountConcurrency: number
  accountOf(change: JournalStepPlan['changes'][number]): string
  /** Changes already applied (resume): not applied twice. */
  done: Set<string>
  quiet: boolean
  /**
   * Called once an account's steps are all done (applied, failed or not run), in that account's slot:
   * its verification starts at once while other accounts still apply (their writes are throttled by
   * their own account, so nothing this account does waits on them). `outcome` holds what has applied so far.
   */
  afterAccount?(account: string, outcome: ApplyOutcome): Promise<void>
}

export interface Failure {
  step: string
  account: string
  index: number
  target: string
  error: string
}

export interface ApplyOutcome {
  applied: Map<string, Applied>
  failures: Failure[]
  /** Steps not started: a step they depend on failed, or a stopOnError step failed. */
  notRun: string[]
  /** Why each step in notRun was not run. */
  notRunWhy: Record<string, string>
}

export function listrOptions(quiet: boolean) {
  return {
    renderer: 'default' as const,
    fallbackRenderer: 'simple' as const,
    silentRendererCondition: quiet,
    exitOnError: false,
    // listr2's own SIGINT handler calls process.exit(127) mid-call, before the journal knows; the command
    // owns signals and aborts the run's AbortSignal instead.
    registerSignalListeners: false,
    rendererOptions: {collapseSubtasks: false},
  }
}

/**
 * Each account runs its own pipeline of steps (its own stopOnError and dependsOn): one account failing
 * never stops another. Accounts run `accountConcurrency` at a time; within an account a step's changes
 * run `concurrency` at a time, so each account's IAM write throttle is its own bound.
 */
export async function applySteps(input: ApplyInput): Promise<ApplyOutcome> {
  const outcome: ApplyOutcome = {applied: new Map(), failures: [], notRun: [], notRunWhy: {}}
  const single = input.accounts.length === 1
  const stepTasks = (account: string) => {
    let stopped: string | undefined
    const failedSteps = new Set<string>()
    const notRun = new Set<string>()
    const label = (id: string) => (single ? id : `${account}: ${id}`)
    const blockedBy = (step: JournalStepPlan): string | undefined => {
      if (stopped) return `step '${stopped}' failed and says stopOnError`
      const deps = (step.dependsOn ?? []).filter((d) => failedSteps.has(d) || notRun.has(d))
      return deps.length ? `depends on ${deps.map((d) => `'${d}'`).join(', ')}, which did not succeed` : undefined
    }
    return input.steps.map((step) => {
      const mine = step.changes.flatMap((change, index) => (input.accountOf(change) === account ? [{change, index}] : []))
      return {
        title: `${step.id} (${step.action}): ${mine.length} change${mine.length === 1 ? '' : 's'}`,
        skip: () => {
          if (input.ctxFor(step, account).signal.aborted) return 'interrupted'
          const why = blockedBy(step)
          if (!why) return false
          notRun.add(step.id)
          outcome.notRun.push(label(step.id))
          outcome.notRunWhy[label(step.id)] = why
          return `not run: ${why}`
        },
        task: async (_ctx: unknown, task: {newListr: (t: ListrTask[], o: object) => Listr}) => {
          const action = input.actionOf(step)
          const ctx = input.ctxFor(step, account)
          const failedBefore = outcome.failures.filter((f) => f.account === account).length
          const sub = task.newListr(
            mine.map(({change, index}) => ({
              title: change.summary,
              task: async (_c: unknown, t: {skip: (m: string) => void}) => {
                if (input.done.has(changeKey(step.id, index))) return
                // While AWS throttles this account's writes, fewer changes at once than --concurrency may
                // reach the granted rate sooner (WriteAdmission); a read-only step has no writes to pace.
                const leave = action.readOnly ? () => undefined : await ctx.clients.writeAdmission.enter(ctx.signal)
                try {
                  // Interrupted: start nothing new; the run reports what applied and how to resume.
                  if (ctx.signal.aborted) return t.skip('interrupted')
                  const applied = await applyOne(action, change as Change, index, step.id, account, ctx, input.journal)
                  outcome.applied.set(changeKey(step.id, index), applied)
                } catch (error) {
                  const message = errorText(error)
                  input.journal.append({type: 'failed', step: step.id, index, account, at: new Date().toISOString(), error: message})
                  outcome.failures.push({step: step.id, account, index, target: change.target, error: message})
                  throw new Error(`${change.target}: ${message}`)
                } finally {
                  leave()
                }
              },
            })),
            {concurrent: input.concurrency, exitOnError: false},
          )
          await sub.run()
          const failed = outcome.failures.filter((f) => f.account === account).length - failedBefore
          if (failed) {
            failedSteps.add(step.id)
            // Older journals carry continueOnError only: false meant a failure stops the later steps.
            if (step.stopOnError ?? !step.continueOnError) stopped = step.id
            throw new Error(`${failed} of ${mine.length} changes failed`)
          }
        },
      }
    })
  }
  const tasks = single
    ? new Listr<unknown, 'default', 'simple'>(stepTasks(input.accounts[0]) as ListrTask[], {...listrOptions(input.quiet), concurrent: false})
    : new Listr<unknown, 'default', 'simple'>(
        input.accounts.map((account) => ({
          title: `account ${account}`,
          task: async (_c: unknown, t: {newListr: (t: ListrTask[], o: object) => Listr}) => {
            try {
              await t.newListr(stepTasks(account) as ListrTask[], {concurrent: false, exitOnError: false}).run()
            } finally {
              // Still this account's slot of concurrency.accounts: verifying it is working it.
              await input.afterAccount?.(account, outcome)
            }
          },
        })) as ListrTask[],
        {...listrOptions(input.quiet), concurrent: input.accountConcurrency},
      )
  await tasks.run()
  if (single) await input.afterAccount?.(input.accounts[0], outcome)
  return outcome
}

async function applyOne(action: AnyAction, change: Change, index: number, stepId: string, account: string, ctx: Ctx, journal: JournalWriter): Promise<Applied> {
  if (!action.readOnly) await journal.appendDurable({type: 'intent', step: stepId, index, account, target: change.target, before: change.before})
  // Each AWS write inside the apply gets its own line first: a change that fails half-way is undone too.
  const intend = async (op: string) => void (await journal.appendDurable({type: 'write', step: stepId, index, op}))
  const applied = await action.apply(change, {...ctx, intend})
  await journal.appendDurable({type: 'applied', step: stepId, index, account, at: applied.appliedAt, result: applied.result})
  return applied
}

export function errorText(error: unknown): string {
  const e = error as {name?: string; message?: string}
  return e?.name && e.name !== 'Error' ? `${e.name}: ${e.message}` : String(e?.message ?? error)
}
