// The action registry described for people and docs: `lockdown actions` and the README table.
import {z} from 'zod'

import {ACTIONS} from '../actions/index.js'

export interface ActionInfo {
  name: string
  summary: string
  parameters: {name: string; required: boolean; description?: string}[]
  permissions: string[]
  example: string
}

export function actionCatalog(): ActionInfo[] {
  return ACTIONS.map((a) => {
    const schema = z.toJSONSchema(a.params, {io: 'input', unrepresentable: 'any'}) as {properties?: Record<string, {description?: string}>; required?: string[]}
    return {
      name: a.name,
      summary: a.summary,
      parameters: Object.entries(schema.properties ?? {}).map(([name, s]) => ({name, required: (schema.required ?? []).includes(name), description: s.description})),
      permissions: a.permissions,
      example: a.example,
    }
  })
}

/** The README's action table; a test keeps the README in sync with it. */
export function actionTableMarkdown(): string {
  const rows = actionCatalog().map(
    (a) => `| \`${a.name}\` | ${a.summary} | ${a.parameters.map((p) => `\`${p.name}\``).join(', ')} | ${a.permissions.map((p) => `\`${p}\``).join(', ')} |`,
  )
  return ['| action | what it does | `with:` parameters | IAM permissions |', '|---|---|---|---|', ...rows].join('\n')
}
