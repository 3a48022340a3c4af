// The README's first command: a leaked key chained through two roles, contained under realistic faults.
import {readFileSync} from 'node:fs'
import {expect, it} from 'vitest'

import {drill} from './helpers.js'

it('contains the role chain under realistic faults and proves it from the attacker side', async () => {
  const {code, card, failed, why} = await drill('playbooks/drills/compromised-role-chain.yaml')
  expect(failed, why).toEqual([])
  expect(code, why).toBe(0)
  expect(card.faults).toMatchObject({consistencyDelayMs: 400, iamWriteRate: 25})
  expect(card.timing.firstDeniedMs).toBeGreaterThan(0)
  expect(card.timing.containedMs).toBeGreaterThanOrEqual(card.timing.firstDeniedMs!)
  expect(card.timing.successesAfterResponse).toBe(0)
  const chain = card.checks.find((c) => c.name === 'report shows the attacker chain')!
  expect(chain.detail).toMatch(/^AKIASIMCIDEPLOY00001 → arn:aws:iam::111122223333:role\/app-web → arn:aws:iam::111122223333:role\/app-data/)
  const scorecard = card.reports.find((r) => r.endsWith('-scorecard.md'))!
  expect(readFileSync(scorecard, 'utf8')).toMatch(/# Drill scorecard: compromised-role-chain — PASSED/)
  expect(readFileSync(card.reports.find((r) => r.endsWith('-forensics.html'))!, 'utf8')).toContain('<svg')
  // Forensics asks LookupEvents for 29 event names at 2 requests/s (about 15 s) on top of the drill itself.
}, 90_000)
