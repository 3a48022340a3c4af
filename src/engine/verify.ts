// After apply: each action proves its changes hold (reading back, simulating the deny). A check that
// fails is exit 5: the changes are applied but containment is not proven.
import type {AnyAction, Applied, Check, Ctx} from '../actions/types.js'
import type {JournalStepPlan, JournalWriter} from './journal.js'
import {errorText} from './apply.js'

export async function verifySteps(input: {
  steps: JournalStepPlan[]
  applied(step: JournalStepPlan): Applied[]
  actionOf(step: JournalStepPlan): AnyAction
  ctxFor(step: JournalStepPlan): Ctx
  journal: JournalWriter
}): Promise<Check[]> {
  const all: Check[] = []
  for (const step of input.steps) {
    const action = input.actionOf(step)
    const applied = input.applied(step)
    if (!action.verify || applied.length === 0) continue
    const ctx = input.ctxFor(step)
    const checks: Check[] = []
    for (const a of applied) {
      try {
        checks.push(...(await action.verify(a, ctx)))
      } catch (error) {
        checks.push({target: a.target, name: 'verify', ok: false, detail: `could not verify: ${errorText(error)}`})
      }
    }
    input.journal.append({type: 'verified', step: step.id, at: new Date().toISOString(), checks})
    all.push(...checks)
  }
  return all
}
