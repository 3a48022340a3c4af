// IAM writes under AWS's write limit, through the clients lockdown builds: every write lands (no
// throttling error reaches the caller), the whole batch takes about the time the limit allows (the writes
// are paced at the rate AWS grants, not backed off for seconds), and reads are not slowed by it.
import {CreateUserCommand, ListUsersCommand} from '@aws-sdk/client-iam'
import {describe, expect, it} from 'vitest'

import {makeClients} from '../../src/aws/clients.js'
import {mapPool} from '../../src/actions/lib/pool.js'
import {useSim} from '../support/sim.js'

const RATE = 50
const BURST = 5
const WRITES = 200
/** What the limit allows at best: the burst at once, the rest at RATE a second. */
const FLOOR_MS = ((WRITES - BURST) / RATE) * 1000

const sim = await useSim({scenario: 'playbooks/scenarios/empty-account.yaml', faults: {latencyMs: 20, iamWriteRate: RATE, iamWriteBurst: BURST}})

describe('IAM writes at the write limit', () => {
  it('all land, near the floor the limit sets, and reads keep their pace meanwhile', async () => {
    const clients = makeClients({endpoint: sim.endpoint, credentials: sim.rootCredentials, region: sim.region})
    try {
      const before = sim.records().length
      const start = performance.now()
      let writing = true
      const reads: number[] = []
      const reader = (async () => {
        while (writing) {
          const t = performance.now()
          await clients.iam.send(new ListUsersCommand({MaxItems: 1}))
          reads.push(performance.now() - t)
          await new Promise((r) => setTimeout(r, 100))
        }
      })()
      const outcomes = await mapPool(
        Array.from({length: WRITES}, (_, i) => `paced-${i}`),
        32,
        (UserName) => clients.iam.send(new CreateUserCommand({UserName})).then(() => 'ok', (e: Error) => e.name),
      )
      const elapsed = performance.now() - start
      writing = false
      await reader
      expect(outcomes.filter((o) => o !== 'ok')).toEqual([])
      // The SDK's backoff took ~3× the floor for this; paced writes keep AWS's bucket busy.
      expect(elapsed).toBeLessThan(FLOOR_MS * 1.5)
      const records = sim.records().slice(before) as {eventName: string; errorCode?: string}[]
      const throttled = records.filter((r) => r.eventName === 'CreateUser' && r.errorCode === 'Throttling').length
      // Paced, most writes land on their first try: a retry storm would be several throttles per write.
      expect(throttled).toBeLessThan(WRITES)
      // Reads are not held back by the write limit (no client-wide slow-down after a write throttle):
      // the typical read is a round trip, not a wait (the median: one can stall on a loaded machine).
      expect(reads.length).toBeGreaterThan(5)
      expect([...reads].sort((a, b) => a - b)[Math.floor(reads.length / 2)]).toBeLessThan(500)
    } finally {
      clients.destroy()
    }
  })
})
