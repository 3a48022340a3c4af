// A small JSON Schema checker for the subset scripts/result-schemas.ts writes (type, const, enum, anyOf,
// properties/required/additionalProperties, items/prefixItems, local $ref). Returns every violation with
// its path, so a failing test names the field that drifted from its type.
type Schema = Record<string, unknown>

export function violations(value: unknown, schema: Schema, root: Schema = schema, path = '$'): string[] {
  if (schema === (false as unknown)) return [`${path}: no value allowed`]
  if (typeof schema.$ref === 'string') {
    const name = schema.$ref.replace('#/$defs/', '')
    const target = (root.$defs as Record<string, Schema> | undefined)?.[name]
    return target ? violations(value, target, root, path) : [`${path}: unknown $ref ${schema.$ref}`]
  }
  if ('const' in schema && value !== schema.const) return [`${path}: expected ${JSON.stringify(schema.const)}, found ${JSON.stringify(value)}`]
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) return [`${path}: expected one of ${JSON.stringify(schema.enum)}, found ${JSON.stringify(value)}`]
  if (Array.isArray(schema.anyOf)) {
    const each = (schema.anyOf as Schema[]).map((s) => violations(value, s, root, path))
    return each.some((v) => v.length === 0) ? [] : [`${path}: matches none of anyOf (${each.map((v) => v[0]).join(' | ')})`]
  }
  const type = schema.type as string | undefined
  if (type && !isType(value, type)) return [`${path}: expected ${type}, found ${value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value}`]
  const out: string[] = []
  if (type === 'object' && value && typeof value === 'object') {
    const obj = value as Record<string, unknown>
    const props = (schema.properties ?? {}) as Record<string, Schema>
    for (const r of (schema.required ?? []) as string[]) if (!(r in obj)) out.push(`${path}.${r}: required`)
    for (const [k, v] of Object.entries(obj)) {
      if (props[k]) out.push(...violations(v, props[k], root, `${path}.${k}`))
      else if (schema.additionalProperties && typeof schema.additionalProperties === 'object') {
        out.push(...violations(v, schema.additionalProperties as Schema, root, `${path}.${k}`))
      }
    }
  }
  if (type === 'array' && Array.isArray(value)) {
    const prefix = (schema.prefixItems ?? []) as Schema[]
    value.forEach((v, i) => {
      const s = i < prefix.length ? prefix[i] : (schema.items as Schema | undefined)
      if (s !== undefined) out.push(...violations(v, s, root, `${path}[${i}]`))
    })
  }
  return out
}

function isType(value: unknown, type: string): boolean {
  if (type === 'object') return typeof value === 'object' && value !== null && !Array.isArray(value)
  if (type === 'array') return Array.isArray(value)
  if (type === 'null') return value === null
  if (type === 'integer') return Number.isInteger(value)
  return typeof value === type
}
