// The meta-test: every registered action keeps its contract, so docs, schema and permissions derived
// from the registry are true.
import {readFileSync} from 'node:fs'
import {describe, expect, it} from 'vitest'
import {z} from 'zod'

import {ACTIONS} from '../../src/actions/index.js'
import {actionTableMarkdown} from '../../src/engine/catalog.js'
import {playbookJsonSchemaText} from '../../src/engine/json-schema.js'
import {validateSteps} from '../../src/engine/validate.js'
import {parsePlaybook} from '../../src/playbook/load.js'

describe.each(ACTIONS.map((a) => [a.name, a] as const))('action %s', (_name, action) => {
  it('has a kebab-case name, a one-line summary and IAM permissions', () => {
    expect(action.name).toMatch(/^[a-z]+(-[a-z]+)*$/)
    expect(action.summary.length).toBeGreaterThan(10)
    expect(action.summary).not.toContain('\n')
    expect(action.permissions.length).toBeGreaterThan(0)
    for (const p of action.permissions) expect(p).toMatch(/^[a-z0-9-]+:[A-Za-z0-9*]+$/)
  })

  it('rejects unknown parameters (strict schema)', () => {
    const step = parsePlaybook(`version: 1\nname: t\nincident: INC-TEST\nsteps:\n${action.example.replace(/^/gm, '  ')}\n`, 'x.yaml').playbook.steps[0]
    const r = action.params.safeParse({...step.with, surelyNotAParameter: 1})
    expect(r.success).toBe(false)
    expect(JSON.stringify(r.error?.issues)).toContain('surelyNotAParameter')
  })

  it('ships an example step that validates', () => {
    const loaded = parsePlaybook(`version: 1\nname: t\nincident: INC-TEST\nsteps:\n${action.example.replace(/^/gm, '  ')}\n`, 'x.yaml')
    const [valid] = validateSteps(loaded)
    expect(valid.action.name).toBe(action.name)
  })

  it('describes its parameters as JSON Schema', () => {
    const schema = z.toJSONSchema(action.params, {io: 'input', unrepresentable: 'any'}) as {additionalProperties?: boolean}
    expect(schema.additionalProperties).toBe(false)
  })
})

describe('generated files', () => {
  it('playbooks/playbook.schema.json is current (regenerate: lockdown schema --write playbooks/playbook.schema.json)', () => {
    expect(readFileSync('playbooks/playbook.schema.json', 'utf8')).toBe(playbookJsonSchemaText())
  })

  it('the README action table is current', () => {
    expect(readFileSync('README.md', 'utf8')).toContain(actionTableMarkdown())
  })
})
