import {expect, it} from 'vitest'

import {drill} from './helpers.js'

it('locks the attacker out while the responder gets in through break-glass and works', async () => {
  const {code, card, failed, why} = await drill('playbooks/drills/break-glass-under-attack.yaml', ['--ideal'])
  expect(failed, why).toEqual([])
  expect(code, why).toBe(0)
  expect(card.checks.find((c) => c.target === 'responder')?.detail).toMatch(/as arn:aws:sts::111122223333:assumed-role\/lockdown-break-glass\//)
  // Forensics asks LookupEvents for 29 event names at 2 requests/s (about 15 s) on top of the drill itself.
}, 90_000)
