// JSON Schemas of what each command prints under --json, generated from the TypeScript return type of its
// `run()` (and the error envelope's type), so the types stay the one source of truth: change a result type
// and `npm run docs`-style regeneration (`tsx scripts/result-schemas.ts`) rewrites schemas/results/; a test
// fails while the committed files are stale, and another checks every command's real output against them.
// This reads types with the TypeScript checker at build time; nothing here ships in dist/.
import {mkdirSync, readdirSync, readFileSync, statSync, writeFileSync} from 'node:fs'
import {join, relative} from 'node:path'
import {fileURLToPath} from 'node:url'
import ts from 'typescript'

type Json = Record<string, unknown>

const root = fileURLToPath(new URL('..', import.meta.url))
export const SCHEMA_DIR = join(root, 'schemas', 'results')

function commandFiles(dir = join(root, 'src', 'commands')): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f)
    return statSync(p).isDirectory() ? commandFiles(p) : p.endsWith('.ts') ? [p] : []
  })
}

/** `src/commands/breakglass/grant.ts` → `breakglass-grant` (the command `lockdown breakglass grant`). */
export function schemaName(file: string): string {
  return relative(join(root, 'src', 'commands'), file).replace(/\.ts$/, '').replaceAll('/', '-')
}

class SchemaWriter {
  readonly defs: Record<string, Json> = {}
  private readonly naming = new Map<ts.Type, string>()
  private readonly owners = new Map<string, ts.Type>()
  constructor(private readonly checker: ts.TypeChecker) {}

  schema(type: ts.Type): Json {
    const c = this.checker
    const f = type.flags
    if (f & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return {}
    if (f & ts.TypeFlags.StringLiteral) return {const: (type as ts.StringLiteralType).value}
    if (f & ts.TypeFlags.NumberLiteral) return {const: (type as ts.NumberLiteralType).value}
    if (f & ts.TypeFlags.BooleanLiteral) return {const: c.typeToString(type) === 'true'}
    if (f & ts.TypeFlags.StringLike) return {type: 'string'}
    if (f & ts.TypeFlags.NumberLike) return {type: 'number'}
    if (f & ts.TypeFlags.BooleanLike) return {type: 'boolean'}
    if (f & ts.TypeFlags.Null) return {type: 'null'}
    if (type.isUnion()) return this.union(type.types)
    if (c.isArrayType(type)) return {type: 'array', items: this.schema(c.getTypeArguments(type as ts.TypeReference)[0])}
    if (c.isTupleType(type)) {
      const items = c.getTypeArguments(type as ts.TypeReference).map((t) => this.schema(t))
      return {type: 'array', prefixItems: items, items: false}
    }
    const name = type.getSymbol()?.getName()
    // JSON.stringify writes a Date as its ISO string, and a Map or Set as {}.
    if (name === 'Date') return {type: 'string', format: 'date-time'}
    if (name === 'Map' || name === 'Set') return {type: 'object'}
    return this.named(type)
  }

  private union(types: readonly ts.Type[]): Json {
    const kept = types.filter((t) => !(t.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Void)))
    const bools = kept.filter((t) => t.flags & ts.TypeFlags.BooleanLiteral)
    const rest = kept.filter((t) => !(t.flags & ts.TypeFlags.BooleanLiteral))
    const parts = [...(bools.length === 2 ? [{type: 'boolean'}] : bools.map((t) => this.schema(t))), ...rest.map((t) => this.schema(t))]
    if (parts.length === 1) return parts[0]
    if (parts.every((p) => 'const' in p && typeof p.const === 'string')) return {type: 'string', enum: parts.map((p) => p.const)}
    return {anyOf: parts}
  }

  /** Object types go to $defs under their TypeScript name, so recursive and shared types are written once. */
  private named(type: ts.Type): Json {
    const known = this.naming.get(type)
    if (known) return {$ref: `#/$defs/${known}`}
    const text = this.checker.typeToString(type, undefined, ts.TypeFormatFlags.NoTruncation)
    const anonymous = text.startsWith('{')
    if (anonymous) return this.object(type)
    const base = text.replace(/[^A-Za-z0-9_]+/g, '_').replace(/^_+|_+$/g, '')
    let key = base
    for (let n = 2; this.owners.has(key); n++) key = `${base}_${n}`
    this.owners.set(key, type)
    this.naming.set(type, key)
    this.defs[key] = {}
    this.defs[key] = this.object(type)
    return {$ref: `#/$defs/${key}`}
  }

  private object(type: ts.Type): Json {
    const c = this.checker
    const properties: Record<string, Json> = {}
    const required: string[] = []
    for (const p of c.getPropertiesOfType(type)) {
      const decl = p.valueDeclaration ?? p.declarations?.[0]
      const t = decl ? c.getTypeOfSymbolAtLocation(p, decl) : c.getTypeOfSymbol(p)
      if (c.getSignaturesOfType(t, ts.SignatureKind.Call).length) continue // methods are not data
      properties[p.getName()] = this.schema(t)
      const optional = p.flags & ts.SymbolFlags.Optional || (t.isUnion() && t.types.some((u) => u.flags & ts.TypeFlags.Undefined))
      if (!optional) required.push(p.getName())
    }
    const index = c.getIndexInfoOfType(type, ts.IndexKind.String)
    return {
      type: 'object',
      properties,
      ...(required.length ? {required} : {}),
      ...(index ? {additionalProperties: this.schema(index.type)} : {}),
    }
  }
}

function document(title: string, writer: SchemaWriter, body: Json): Json {
  const defs = writer.defs
  return {$schema: 'https://json-schema.org/draft/2020-12/schema', title, ...body, ...(Object.keys(defs).length ? {$defs: defs} : {})}
}

/** Every command's --json success schema (keyed by schemaName), plus `error`: the one failure envelope. */
export function resultSchemas(): Record<string, Json> {
  const files = commandFiles()
  const envelope = join(root, 'src', 'cli', 'error-envelope.ts')
  const program = ts.createProgram([...files, envelope], {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    skipLibCheck: true,
    noEmit: true,
    types: ['node'],
  })
  const checker = program.getTypeChecker()
  const out: Record<string, Json> = {}
  for (const file of files.sort()) {
    const source = program.getSourceFile(file)!
    const cls = source.statements.find(
      (s): s is ts.ClassDeclaration => ts.isClassDeclaration(s) && (ts.getCombinedModifierFlags(s) & ts.ModifierFlags.Default) !== 0,
    )
    const run = cls?.members.find((m): m is ts.MethodDeclaration => ts.isMethodDeclaration(m) && m.name.getText(source) === 'run')
    if (!run) continue
    // A command that prints its JSON before returning (sim serve keeps serving) names it `JsonOutput`.
    const declared = source.statements.find(
      (s): s is ts.InterfaceDeclaration | ts.TypeAliasDeclaration => (ts.isInterfaceDeclaration(s) || ts.isTypeAliasDeclaration(s)) && s.name.text === 'JsonOutput',
    )
    const sig = checker.getSignatureFromDeclaration(run)!
    const returned = declared
      ? checker.getTypeAtLocation(declared.name)
      : (checker.getAwaitedType(checker.getReturnTypeOfSignature(sig)) ?? checker.getReturnTypeOfSignature(sig))
    const writer = new SchemaWriter(checker)
    const name = schemaName(file)
    out[name] = document(`lockdown ${name.replaceAll('-', ' ')} --json`, writer, writer.schema(returned))
  }
  const envSource = program.getSourceFile(envelope)!
  const decl = envSource.statements.find((s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === 'ErrorEnvelope')!
  const writer = new SchemaWriter(checker)
  out.error = document('lockdown --json failure (every command)', writer, writer.schema(checker.getTypeAtLocation(decl)))
  return out
}

export function schemaText(schema: Json): string {
  return `${JSON.stringify(schema, null, 2)}\n`
}

export function readCommitted(name: string): Json {
  return JSON.parse(readFileSync(join(SCHEMA_DIR, `${name}.schema.json`), 'utf8')) as Json
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  mkdirSync(SCHEMA_DIR, {recursive: true})
  for (const [name, schema] of Object.entries(resultSchemas())) writeFileSync(join(SCHEMA_DIR, `${name}.schema.json`), schemaText(schema))
  console.log(`wrote ${SCHEMA_DIR}`)
}
