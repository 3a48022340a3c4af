// Apply a journaled plan with a listr2 task list: per step, per target, bounded concurrency. Each
// change: intent line on disk -> action.apply -> applied/failed line. One failed target does not stop
// the others, and one failed step does not stop the next: each step's containment is attempted. Only a
// step that says stopOnError stops the run, and a step is not run when a step it dependsOn failed.
import {Listr} from 'listr2'

import type {AnyAction, Applied, Change, Ctx} from '../actions/types.js'
import type {JournalStepPlan, JournalWriter} from './journal.js'
import {changeKey} from './run-state.js'

export interface ApplyInput {
  steps: JournalStepPlan[]
  actionOf(step: JournalStepPlan): AnyAction
  ctxFor(step: JournalStepPlan): Ctx
  journal: JournalWriter
  concurrency: number
  /** Changes already applied (resume): not applied twice. */
  done: Set<string>
  quiet: boolean
}

export interface Failure {
  step: string
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

export async function applySteps(input: ApplyInput): Promise<ApplyOutcome> {
  const outcome: ApplyOutcome = {applied: new Map(), failures: [], notRun: [], notRunWhy: {}}
  let stopped: string | undefined
  const failedSteps = new Set<string>()
  const blockedBy = (step: JournalStepPlan): string | undefined => {
    if (stopped) return `step '${stopped}' failed and says stopOnError`
    const deps = (step.dependsOn ?? []).filter((d) => failedSteps.has(d) || outcome.notRun.includes(d))
    return deps.length ? `depends on ${deps.map((d) => `'${d}'`).join(', ')}, which did not succeed` : undefined
  }
  const tasks = new Listr<unknown, 'default', 'simple'>(
    input.steps.map((step) => ({
      title: `${step.id} (${step.action}): ${step.changes.length} change${step.changes.length === 1 ? '' : 's'}`,
      skip: () => {
        if (input.ctxFor(step).signal.aborted) return 'interrupted'
        const why = blockedBy(step)
        if (!why) return false
        outcome.notRun.push(step.id)
        outcome.notRunWhy[step.id] = why
        return `not run: ${why}`
      },
      task: async (_ctx, task) => {
        const action = input.actionOf(step)
        const ctx = input.ctxFor(step)
        const failedBefore = outcome.failures.length
        const sub = task.newListr(
          step.changes.map((change, index) => ({
            title: change.summary,
            task: async (_c, t) => {
              if (input.done.has(changeKey(step.id, index))) return
              // Interrupted: start nothing new; the run reports what applied and how to resume.
              if (ctx.signal.aborted) return t.skip('interrupted')
              try {
                const applied = await applyOne(action, change as Change, index, step.id, ctx, input.journal)
                outcome.applied.set(changeKey(step.id, index), applied)
              } catch (error) {
                const message = errorText(error)
                input.journal.append({type: 'failed', step: step.id, index, at: new Date().toISOString(), error: message})
                outcome.failures.push({step: step.id, index, target: change.target, error: message})
                throw new Error(`${change.target}: ${message}`)
              }
            },
          })),
          {concurrent: input.concurrency, exitOnError: false},
        )
        await sub.run()
        const failed = outcome.failures.length - failedBefore
        if (failed) {
          failedSteps.add(step.id)
          // Older journals carry continueOnError only: false meant a failure stops the later steps.
          if (step.stopOnError ?? !step.continueOnError) stopped = step.id
          throw new Error(`${failed} of ${step.changes.length} changes failed`)
        }
      },
    })),
    {...listrOptions(input.quiet), concurrent: false},
  )
  await tasks.run()
  return outcome
}

async function applyOne(action: AnyAction, change: Change, index: number, stepId: string, ctx: Ctx, journal: JournalWriter): Promise<Applied> {
  if (!action.readOnly) journal.append({type: 'intent', step: stepId, index, target: change.target, before: change.before})
  // Each AWS write inside the apply gets its own line first: a change that fails half-way is undone too.
  const intend = (op: string) => void journal.append({type: 'write', step: stepId, index, op})
  const applied = await action.apply(change, {...ctx, intend})
  journal.append({type: 'applied', step: stepId, index, at: applied.appliedAt, result: applied.result})
  return applied
}

export function errorText(error: unknown): string {
  const e = error as {name?: string; message?: string}
  return e?.name && e.name !== 'Error' ? `${e.name}: ${e.message}` : String(e?.message ?? error)
}
