// One Athena statement from start to its end state: start it, poll GetQueryExecution until it leaves
// QUEUED/RUNNING, stop it when the caller is interrupted. Shared by the forensic source and setup.
import {athenaQueryState, startAthenaQuery, stopAthenaQuery, type AthenaClient, type QueryState, type StartQuery} from '../../aws/athena.js'
import {realClock, type Clock} from '../sources/rate.js'

export interface Finished extends QueryState {
  id: string
  /** GetQueryExecution calls made while waiting. */
  polls: number
}

export interface RunOptions {
  pollMs?: number
  clock?: Clock
  signal?: AbortSignal
  /** Told the id as soon as Athena gives it (before the wait), so a report can name a query that failed. */
  started?: (id: string) => void
}

export async function runToEnd(client: AthenaClient, q: StartQuery, o: RunOptions = {}): Promise<Finished> {
  const clock = o.clock ?? realClock
  const id = await startAthenaQuery(client, q, o.signal)
  o.started?.(id)
  let polls = 0
  try {
    for (;;) {
      polls++
      const s = await athenaQueryState(client, id, o.signal)
      if (s.state !== 'QUEUED' && s.state !== 'RUNNING') return {...s, id, polls}
      // Athena answers small queries in about a second; polling faster only spends API calls.
      await clock.sleep(o.pollMs ?? 500, o.signal)
    }
  } catch (e) {
    // Interrupted: a query left running keeps scanning (and billing) after lockdown has gone.
    if (o.signal?.aborted) await stopAthenaQuery(client, id).catch(() => undefined)
    throw e
  }
}
