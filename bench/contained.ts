// A speed figure is a claim about a run that contained. A run that failed (a build missing, a flag
// refused, a target left) takes no time worth comparing: the line says why there is no ratio instead of
// printing a "1,324× faster" measured on an error message.
export interface RunOutcome {
  status: string
  failed: number
  checksFailed: number
}

/** The run ended done, with no failed target and no failed check. */
export const contained = (run: RunOutcome): boolean => run.status === 'done' && run.failed === 0 && run.checksFailed === 0

export function ifContained(run: RunOutcome, ratio: () => string): string {
  if (contained(run)) return ratio()
  return `no ratio: lockdown's run did not contain (${run.status.split('\n')[0]}; ${run.failed} failed targets, ${run.checksFailed} checks failed)`
}
