// A response that revokes only the first role of a chain must fail its drill, with exit 5, naming what
// survived: the chained session and the leaked key.
import {expect, it} from 'vitest'

import {drill} from './helpers.js'

it('catches a weak response: exit 5, the chained session and the key still work', async () => {
  const {code, card, failed} = await drill('playbooks/drills/weak/chain-first-role-only.yaml', ['--ideal'])
  expect(code).toBe(5)
  expect(card.passed).toBe(false)
  expect(failed).toEqual(
    expect.arrayContaining([
      'attacker identity refused (data)',
      'attacker identity refused (leaked)',
      'key is Inactive (leaked)',
      'no attacker call succeeded after the response finished (attacker)',
    ]),
  )
  expect(failed).not.toContain('attacker identity refused (web)')
  expect(card.timing.successesAfterResponse).toBeGreaterThan(0)
  // Forensics asks LookupEvents for 29 event names at 2 requests/s (about 15 s) on top of the drill itself.
}, 90_000)
