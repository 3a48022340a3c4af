import {expect, it} from 'vitest'

import type {CallRecord} from '../../src/drill/attacker.js'
import {scoreCalls} from '../../src/drill/score.js'

const call = (at: number, as: string, ok: boolean): CallRecord => ({at, as, call: 'iam:GetUser', ok, error: ok ? undefined : 'AccessDenied'})

it('measures first denial, full containment and late successes from the attacker calls', () => {
  const calls = [call(900, 'a', true), call(1100, 'a', true), call(1300, 'a', false), call(1500, 'a', false), call(1100, 'b', true), call(1700, 'b', true), call(1900, 'b', false), call(2600, 'b', false)]
  const t = scoreCalls(calls, {respondStart: 1000, respondEnd: 1600}, ['a', 'b'], (c) => !c.ok)
  expect(t.firstDeniedMs).toBe(300)
  expect(t.containedMs).toBe(900) // b's last success was at 1700, refused from 1900 on
  expect(t.successesAfterResponse).toBe(1) // b at 1700
  expect(t.perIdentity.find((p) => p.id === 'a')).toMatchObject({calls: 3, ok: 1, refused: 2, containedMs: 300})
})

it('reports no containment when an identity is never refused', () => {
  const t = scoreCalls([call(1100, 'a', true), call(1300, 'a', true)], {respondStart: 1000, respondEnd: 1200}, ['a'], (c) => !c.ok)
  expect(t.containedMs).toBeNull()
  expect(t.firstDeniedMs).toBeNull()
  expect(t.successesAfterResponse).toBe(1)
})
