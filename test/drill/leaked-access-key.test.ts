import {expect, it} from 'vitest'

import {drill} from './helpers.js'

it('deactivates only the leaked key and ends the session-token session it made', async () => {
  const {code, card, failed, why} = await drill('playbooks/drills/leaked-access-key.yaml', ['--ideal'])
  expect(failed, why).toEqual([])
  expect(code, why).toBe(0)
  expect(card.checks.find((c) => c.target === 'token')?.detail).toMatch(/refused with AccessDenied/)
  expect(card.checks.find((c) => c.target === 'leaked' && c.name === 'attacker identity refused')?.detail).toMatch(/InvalidClientTokenId/)
  // Forensics asks LookupEvents for 29 event names at 2 requests/s (about 15 s) on top of the drill itself.
}, 90_000)
