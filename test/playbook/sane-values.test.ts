// Values that parse but mean nothing sane (a settle of 270 million years, a revoke cutoff in the future,
// a forensics window that starts tomorrow, the year 9999) are refused at validation, positioned.
import {describe, expect, it} from 'vitest'

import {stepIssues, validateSteps} from '../../src/engine/validate.js'
import {InvalidInputError} from '../../src/errors.js'
import {parsePlaybook} from '../../src/playbook/load.js'

const step = (action: string, w: string) => `version: 1\nname: t\nsteps:\n  - id: s\n    action: ${action}\n    with: ${w}\n`
const future = new Date(Date.now() + 3 * 86_400_000).toISOString()

function firstIssue(text: string) {
  try {
    validateSteps(parsePlaybook(text, 'pb.yaml', {}, stepIssues))
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidInputError)
    return (error as InvalidInputError).issues[0]
  }
  return undefined
}

// [name, action, with, field, message fragment]
const REFUSED: [string, string, string, string, string][] = [
  ['settle of 99999999999d', 'deactivate-keys', '{users: [x], settle: 99999999999d}', 'steps[0].with.settle', 'at most 1h'],
  ['revoke settle of a day', 'revoke-sessions', '{roles: [app-*], settle: 1d}', 'steps[0].with.settle', 'at most 1h'],
  ['olderThan past 10 years', 'deactivate-keys', '{users: [x], olderThan: 5000d}', 'steps[0].with.olderThan', 'at most 3650d'],
  ['a duration of 400 digits', 'deactivate-keys', `{users: [x], unusedFor: ${'9'.repeat(400)}d}`, 'steps[0].with.unusedFor', 'expected a duration'],
  ['issuedBefore in the future', 'revoke-sessions', `{roles: [app-*], issuedBefore: "${future}"}`, 'steps[0].with.issuedBefore', 'in the future'],
  ['issuedBefore in year 9999', 'revoke-sessions', '{roles: [app-*], issuedBefore: "9999-01-01T00:00:00Z"}', 'steps[0].with.issuedBefore', 'between 2006 and 2100'],
  ['issuedBefore 99999999d ago', 'revoke-sessions', '{roles: [app-*], issuedBefore: 99999999d}', 'steps[0].with.issuedBefore', 'at most 3650d'],
  ['forensics since in the future', 'forensics', `{since: "${future}"}`, 'steps[0].with.since', 'in the future'],
  ['forensics since in year 0001', 'forensics', '{since: "0001-01-01"}', 'steps[0].with.since', 'between 2006 and 2100'],
  ['forensics since not a time', 'forensics', '{since: yesterday}', 'steps[0].with.since', "expected 'now', an ISO 8601 time"],
  ['forensics until in the future', 'forensics', `{since: 48h, until: "${future}"}`, 'steps[0].with.until', 'in the future'],
]

describe('values with no sane meaning', () => {
  it.each(REFUSED)('refuses %s at its line and column', (_n, action, w, path, message) => {
    const issue = firstIssue(step(action, w))
    expect(issue).toMatchObject({file: 'pb.yaml', line: 6, path})
    expect(issue!.column).toBeGreaterThan(11)
    expect(issue!.message).toContain(message)
  })

  it('keeps the sane ones: 90d, 2s settle, now, a past ISO time, 1h30m', () => {
    expect(firstIssue(step('deactivate-keys', '{users: [x], olderThan: 90d, unusedFor: 3650d, settle: 30s}'))).toBeUndefined()
    expect(firstIssue(step('revoke-sessions', '{roles: [app-*], issuedBefore: "2026-11-30T12:00:00Z", settle: 1h}'))).toBeUndefined()
    expect(firstIssue(step('forensics', '{since: 1h30m, until: now}'))).toBeUndefined()
  })
})
