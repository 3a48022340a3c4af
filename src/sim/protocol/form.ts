// AWS Query input: a flat form (`Tags.member.1.Key=team`) turned back into the nested shape the SDK
// serialized, so operation handlers read `p.Tags[0].Key` as the model names it.
export type Params = Record<string, any>

export function parseQueryForm(body: string): {action: string; version: string; params: Params} {
  const form = new URLSearchParams(body)
  const root: Params = {}
  let action = ''
  let version = ''
  for (const [key, value] of form) {
    if (key === 'Action') action = value
    else if (key === 'Version') version = value
    else setPath(root, key.split('.'), value)
  }
  return {action, version, params: collapse(root) as Params}
}

function setPath(obj: Params, parts: string[], value: string): void {
  let cur = obj
  for (let i = 0; i < parts.length - 1; i++) {
    const k = parts[i]!
    cur[k] ??= {}
    cur = cur[k]
  }
  cur[parts[parts.length - 1]!] = value
}

/** `{member: {1: a, 2: b}}` (or `{entry: …}`) becomes `[a, b]`, recursively. */
function collapse(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v
  const o = v as Params
  const keys = Object.keys(o)
  if (keys.length === 1 && (keys[0] === 'member' || keys[0] === 'entry') && typeof o[keys[0]] === 'object') {
    const m = o[keys[0]!] as Params
    return Object.keys(m)
      .sort((a, b) => Number(a) - Number(b))
      .map((k) => collapse(m[k]))
  }
  // An empty list is sent as `Tags=` (no members): keep it an empty array.
  const out: Params = {}
  for (const k of keys) out[k] = collapse(o[k])
  return out
}
