import {expect, it} from 'vitest'

import {drill} from './helpers.js'

it('finds and disables the backdoor key the attacker created', async () => {
  const {code, card, failed, why} = await drill('playbooks/drills/persistence-backdoor-key.yaml', ['--ideal'])
  expect(failed, why).toEqual([])
  expect(code, why).toBe(0)
  expect(card.checks.find((c) => c.target === 'backdoor' && c.name === 'key is Inactive')?.ok).toBe(true)
  // Forensics asks LookupEvents for 29 event names at 2 requests/s (about 15 s) on top of the drill itself.
}, 90_000)
