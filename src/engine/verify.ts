// After apply: each action proves its changes hold (reading back, simulating the deny). A check that
// fails is exit 5: the changes are applied but containment is not proven. Changes are verified in
// parallel, bounded like apply: each proof is a few reads that mostly wait on IAM (and on its settle
// time), so 1,000 principals one at a time would take longer than applying them did.
import {mapPool} from '../actions/lib/pool.js'
import type {AnyAction, Applied, Check, Ctx} from '../actions/types.js'
import type {JournalStepPlan, JournalWriter} from './journal.js'
import {errorText} from './apply.js'

export async function verifySteps(input: {
  steps: JournalStepPlan[]
  applied(step: JournalStepPlan): Applied[]
  actionOf(step: JournalStepPlan): AnyAction
  ctxFor(step: JournalStepPlan): Ctx
  journal: JournalWriter
  /** Changes verified at once within a step (the run's apply concurrency). */
  concurrency: number
  /** The account verified (a run over several accounts verifies each as soon as its own apply ends, one call per account). */
  account?: string
}): Promise<(Check & {account?: string})[]> {
  const all: Check[] = []
  for (const step of input.steps) {
    const action = input.actionOf(step)
    const applied = input.applied(step)
    if (!action.verify || applied.length === 0) continue
    const ctx = input.ctxFor(step)
    const verify = action.verify.bind(action)
    const perChange = await mapPool(applied, input.concurrency, async (a): Promise<Check[]> => {
      try {
        return await verify(a, ctx)
      } catch (error) {
        return [{target: a.target, name: 'verify', ok: false, detail: `could not verify: ${errorText(error)}`}]
      }
    })
    // In plan order, whatever order the proofs finished in.
    const checks = perChange.flat()
    input.journal.append({type: 'verified', step: step.id, ...(input.account ? {account: input.account} : {}), at: new Date().toISOString(), checks})
    all.push(...checks.map((c) => (input.account ? {...c, account: input.account} : c)))
  }
  return all
}
