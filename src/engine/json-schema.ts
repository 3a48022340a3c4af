// The playbook JSON Schema, generated from the envelope and each action's params, so editors
// (yaml-language-server) check `with:` per action. Written to playbooks/playbook.schema.json; a test
// keeps that file current.
import {z} from 'zod'

import {ACTIONS} from '../actions/index.js'
import {playbookSchema} from '../playbook/schema.js'

type Json = Record<string, unknown>

function toSchema(s: z.ZodType): Json {
  // io: 'input' describes what a person writes (e.g. "90d"), not what the transform produces.
  const out = z.toJSONSchema(s, {io: 'input', unrepresentable: 'any'}) as Json
  delete out.$schema
  return out
}

export function playbookJsonSchema(): Json {
  const root = toSchema(playbookSchema)
  const steps = (root.properties as Json).steps as Json
  const item = steps.items as Json
  ;(item.properties as Json).action = {type: 'string', enum: ACTIONS.map((a) => a.name), description: 'The action to run (lockdown actions).'}
  item.allOf = ACTIONS.map((a) => ({
    if: {properties: {action: {const: a.name}}, required: ['action']},
    then: {properties: {with: {...toSchema(a.params), description: a.summary}}},
  }))
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'https://github.com/lockdown/lockdown/playbooks/playbook.schema.json',
    title: 'lockdown playbook',
    ...root,
  }
}

export function playbookJsonSchemaText(): string {
  return `${JSON.stringify(playbookJsonSchema(), null, 2)}\n`
}
