import {describe, expect, it} from 'vitest'

import {parsePlaybook} from '../../src/playbook/load.js'
import {parseDuration, parseTimeSpec, resolveTime} from '../../src/playbook/time.js'

const PB = `version: 1
name: "contain \${incident}"
incident: INC-7
vars: {who: ci-deploy, limit: 3, note: "\${notavar}"}
guards:
  maxTargets: \${limit}
steps:
  - id: keys
    action: deactivate-keys
    with:
      users: ["\${who}", "literal-$\${who}"]
      exclude: ["\${incident}-keep"]
`

describe('variables', () => {
  it('substitutes vars, incident and --set, keeping a whole-value variable typed', () => {
    const {playbook} = parsePlaybook(PB, 'pb.yaml')
    expect(playbook.name).toBe('contain INC-7')
    expect(playbook.guards.maxTargets).toBe(3)
    expect(playbook.steps[0].with).toEqual({users: ['ci-deploy', 'literal-${who}'], exclude: ['INC-7-keep']})
    // The vars block itself is not substituted: it holds the values.
    expect(playbook.vars.note).toBe('${notavar}')
  })

  it('lets --set override vars and the incident', () => {
    const {playbook} = parsePlaybook(PB, 'pb.yaml', {who: 'alice', incident: 'INC-9'})
    expect(playbook.incident).toBe('INC-9')
    expect(playbook.name).toBe('contain INC-9')
    expect((playbook.steps[0].with as {users: string[]}).users[0]).toBe('alice')
  })
})

describe('durations and times', () => {
  it('parses the units playbooks use', () => {
    expect(parseDuration('90d')).toBe(90 * 86_400_000)
    expect(parseDuration('4h')).toBe(4 * 3_600_000)
    expect(parseDuration('15m')).toBe(15 * 60_000)
    expect(parseDuration('2w')).toBe(14 * 86_400_000)
    expect(parseDuration('3 months')).toBeUndefined()
    expect(parseDuration('-4h')).toBeUndefined()
  })

  it('resolves now, ISO times and durations ago against a given clock', () => {
    const now = new Date('2026-11-26T10:00:00Z')
    expect(resolveTime(parseTimeSpec('now')!, now)).toEqual(now)
    expect(resolveTime(parseTimeSpec('48h')!, now).toISOString()).toBe('2026-11-24T10:00:00.000Z')
    expect(resolveTime(parseTimeSpec('2026-11-01T00:00:00+02:00')!, now).toISOString()).toBe('2026-10-31T22:00:00.000Z')
    expect(parseTimeSpec('yesterday')).toBeUndefined()
  })
})
