// Each bad playbook must be refused with the position, field and message a person needs to fix it.
import {describe, expect, it} from 'vitest'

import {stepIssues, validateSteps} from '../../src/engine/validate.js'
import {InvalidInputError} from '../../src/errors.js'
import {parsePlaybook} from '../../src/playbook/load.js'

const HEAD = 'version: 1\nname: t\n'
const STEP = (w: string) => `${HEAD}steps:\n  - id: k\n    action: deactivate-keys\n    with: ${w}\n`

function problems(text: string, set: Record<string, string> = {}) {
  try {
    validateSteps(parsePlaybook(text, 'pb.yaml', set, stepIssues))
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidInputError)
    return (error as InvalidInputError).issues
  }
  throw new Error('expected the playbook to be refused')
}

// [name, playbook text, expected line, column, field path, message fragment]
const CASES: [string, string, number, number, string, string][] = [
  ['wrong version', 'version: 2\nname: t\nsteps: [{id: a, action: deactivate-keys, with: {users: [x]}}]\n', 1, 10, 'version', 'expected 1'],
  ['missing name', 'version: 1\nsteps: [{id: a, action: deactivate-keys, with: {users: [x]}}]\n', 1, 1, 'name', 'required field is missing'],
  ['missing steps', `${HEAD}`, 1, 1, 'steps', 'required field is missing'],
  ['empty steps', `${HEAD}steps: []\n`, 3, 8, 'steps', 'at least one step'],
  ['top-level typo', `${HEAD}incidnet: X\nsteps: [{id: a, action: deactivate-keys, with: {users: [x]}}]\n`, 3, 1, 'incidnet', "did you mean 'incident'"],
  ['bad region', `${HEAD}regions: [us-east-1, moon]\nsteps: [{id: a, action: deactivate-keys, with: {users: [x]}}]\n`, 3, 22, 'regions[1]', 'expected a region like us-east-1'],
  ['bad account id', `${HEAD}accounts: ["1234"]\nsteps: [{id: a, action: deactivate-keys, with: {users: [x]}}]\n`, 3, 12, 'accounts[0]', ''],
  ['negative maxTargets', `${HEAD}guards:\n  maxTargets: -1\nsteps: [{id: a, action: deactivate-keys, with: {users: [x]}}]\n`, 4, 15, 'guards.maxTargets', 'expected number to be >0'],
  ['guards typo', `${HEAD}guards:\n  maxTarget: 3\nsteps: [{id: a, action: deactivate-keys, with: {users: [x]}}]\n`, 4, 3, 'guards.maxTarget', "did you mean 'maxTargets'"],
  ['bad incident id', `${HEAD}incident: "INC 1"\nsteps: [{id: a, action: deactivate-keys, with: {users: [x]}}]\n`, 3, 11, 'incident', 'expected an incident id'],
  ['step key typo', `${HEAD}steps:\n  - id: a\n    action: deactivate-keys\n    contineOnError: true\n    with: {users: [x]}\n`, 6, 5, 'steps[0].contineOnError', "did you mean 'continueOnError'"],
  ['bad step id', `${HEAD}steps:\n  - id: "a b"\n    action: deactivate-keys\n    with: {users: [x]}\n`, 4, 9, 'steps[0].id', 'expected a step id'],
  ['duplicate step id', `${HEAD}steps:\n  - id: a\n    action: deactivate-keys\n    with: {users: [x]}\n  - id: a\n    action: deactivate-keys\n    with: {users: [y]}\n`, 7, 9, 'steps[1].id', 'duplicate step id'],
  ['unknown action', `${HEAD}steps:\n  - id: a\n    action: deactivate-key\n    with: {users: [x]}\n`, 5, 13, 'steps[0].action', "did you mean 'deactivate-keys'"],
  ['unknown param', STEP('{users: [x], olderThen: 90d}'), 6, 24, 'steps[0].with.olderThen', "did you mean 'olderThan'"],
  ['bad duration', STEP('{users: [x], olderThan: 3 months}'), 6, 35, 'steps[0].with.olderThan', 'expected a duration like 90d'],
  ['duration not a string', STEP('{users: [x], unusedFor: 30}'), 6, 35, 'steps[0].with.unusedFor', 'expected string'],
  ['no selector', STEP('{olderThan: 90d}'), 6, 11, 'steps[0].with', 'users, tags or keys'],
  ['bad key id', STEP('{keys: [ASIAXXXXXXXXXXXXXXXX]}'), 6, 19, 'steps[0].with.keys[0]', 'long-term access key id'],
  ['users not a list', STEP('{users: ci-deploy}'), 6, 19, 'steps[0].with.users', 'expected array'],
  ['unknown variable', STEP('{users: ["${who}"]}'), 6, 20, 'steps[0].with.users[0]', "unknown variable '${who}'"],
  ['when not boolean', `${HEAD}steps:\n  - id: a\n    action: deactivate-keys\n    when: maybe\n    with: {users: [x]}\n`, 6, 11, 'steps[0].when', 'expected true or false'],
  ['yaml syntax', `${HEAD}steps:\n  - id: a\n   action: x\n`, 5, 1, '', ''],
  ['not a mapping', '- just\n- a list\n', 1, 1, '', 'expected a mapping'],
]

describe('playbook errors', () => {
  it.each(CASES)('%s', (_name, text, line, column, path, message) => {
    const issues = problems(text)
    const hit = issues.find((i) => i.path === path) ?? issues[0]
    expect({line: hit.line, column: hit.column, path: hit.path}).toEqual({line, column, path})
    expect(hit.message).toContain(message)
    expect(hit.file).toBe('pb.yaml')
  })

  it('reports several problems at once, in line order, with the step id', () => {
    const text = `version: 3\nname: t\nsteps:\n  - id: k\n    action: deactivate-keys\n    with: {users: [x], olderThen: 9d, exclude: 5}\n`
    const issues = problems(text)
    expect(issues.map((i) => i.path)).toEqual(['version', 'steps[0].with.olderThen', 'steps[0].with.exclude'])
    expect(issues.slice(1).every((i) => i.stepId === 'k')).toBe(true)
  })

  it('names the file and the next command in the error message', () => {
    try {
      parsePlaybook('version: 1\n', 'playbooks/x.yaml')
      throw new Error('not refused')
    } catch (error) {
      expect((error as InvalidInputError).exitCode).toBe(2)
      expect((error as Error).message).toMatch(/playbooks\/x\.yaml:1:1: name: required field is missing/)
      expect((error as InvalidInputError).next).toContain('lockdown validate playbooks/x.yaml')
    }
  })
})
