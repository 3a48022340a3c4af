// Loading a scenario: YAML with source positions, the strict schema, then cross-checks (policy references,
// duplicate names, policy documents). Every problem is reported at once, each with file:line:column.
import {readFileSync} from 'node:fs'

import {LineCounter, isMap, isNode, isScalar, parseDocument} from 'yaml'
import type {z} from 'zod'

import {InvalidInputError, type SourceIssue} from '../errors.js'
import {AwsError} from './errors.js'
import {checkPolicyDocument} from './iam/shapes.js'
import {type OrganizationScenario, type ParsedScenario, type Scenario, scenarioSchema} from './scenario-schema.js'
import {AWS_MANAGED} from './aws-managed.js'
import {MAX_SCPS_PER_TARGET, checkScpContent} from './org/policy-content.js'

export type {Scenario, ParsedScenario}

type Path = Array<string | number>

const fmtPath = (p: Path) => p.map((k, i) => (typeof k === 'number' ? `[${k}]` : i ? `.${k}` : k)).join('')

export function loadScenario(file: string): ParsedScenario {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (e) {
    throw new InvalidInputError(`Cannot read scenario ${file}: ${(e as Error).message}`, [], {next: 'ls playbooks/scenarios/'})
  }
  return parseScenarioText(text, file)
}

export function parseScenarioText(text: string, file = '<scenario>'): ParsedScenario {
  const lc = new LineCounter()
  const doc = parseDocument(text, {lineCounter: lc, prettyErrors: false})
  const at = (offset: number) => lc.linePos(offset)
  const issues: SourceIssue[] = []
  for (const e of doc.errors) {
    const {line, col} = at(e.pos[0])
    issues.push({file, line, column: col, path: '', message: e.message.split('\n')[0]!})
  }
  if (issues.length) throw new InvalidInputError(`Scenario ${file} is not valid YAML`, issues, {next: `fix ${file} and run again`})

  /** The closest node that exists along the path (a missing key is reported at its parent). */
  const locate = (path: Path) => {
    for (let n = path.length; n >= 0; n--) {
      const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true)
      if (isNode(node) && node.range) return at(node.range[0])
    }
    return {line: 1, col: 1}
  }
  const issue = (path: Path, message: string) => {
    const {line, col} = locate(path)
    issues.push({file, line, column: col, path: fmtPath(path), message})
  }

  const data = doc.toJS() ?? {}
  const parsed = scenarioSchema.safeParse(data)
  if (!parsed.success) {
    for (const zi of parsed.error.issues.flatMap(unionBranch)) {
      const path = zi.path as Path
      if (zi.code === 'unrecognized_keys') {
        // Point at each misspelt key itself, not at the mapping that holds it.
        for (const k of zi.keys) {
          const map = path.length ? doc.getIn(path, true) : doc.contents
          const pair = isMap(map) ? map.items.find((it) => isScalar(it.key) && it.key.value === k) : undefined
          const pos = pair && isScalar(pair.key) && pair.key.range ? at(pair.key.range[0]) : locate(path)
          issues.push({file, line: pos.line, column: pos.col, path: fmtPath([...path, k]), message: `unknown field '${k}'`})
        }
        continue
      }
      issue(path, valueAt(data, path) === undefined ? 'is required' : zi.message)
    }
    issues.sort((x, y) => x.line - y.line || x.column - y.column)
    throw new InvalidInputError(`Scenario ${file} has ${issues.length} problem(s)`, issues, {next: `fix ${file} and run again`})
  }
  const s = parsed.data
  crossCheck(s, issue)
  issues.sort((x, y) => x.line - y.line || x.column - y.column)
  if (issues.length) throw new InvalidInputError(`Scenario ${file} has ${issues.length} problem(s)`, issues, {next: `fix ${file} and run again`})
  return s
}

/** The IAM state one account declares: the top level, or a member account under `organization.accounts`. */
interface AccountState {
  policies: ParsedScenario['policies']
  users: ParsedScenario['users']
  roles: ParsedScenario['roles']
}

function crossCheck(s: ParsedScenario, issue: (p: Path, m: string) => void): void {
  // Access key ids name their account: one id in two accounts would make the signer ambiguous.
  const keyIds = new Set<string>()
  checkAccount(s, [], issue, keyIds)
  if (s.organization) checkOrganization(s, s.organization, issue, keyIds)
}

function checkAccount(s: AccountState, at: Path, issue: (p: Path, m: string) => void, keyIds: Set<string>): void {
  const docCheck = (d: unknown, path: Path, kind: 'identity' | 'trust') => {
    try {
      checkPolicyDocument(typeof d === 'string' ? d : JSON.stringify(d), kind)
    } catch (e) {
      issue([...at, ...path], e instanceof AwsError ? `${e.code}: ${e.message}` : String(e))
    }
  }
  const policyNames = new Set<string>()
  s.policies.forEach((p, i) => {
    if (policyNames.has(p.name)) issue([...at, 'policies', i, 'name'], `duplicate policy name ${p.name}`)
    policyNames.add(p.name)
    docCheck(p.document, ['policies', i, 'document'], 'identity')
  })
  const known = (ref: string) => ref in AWS_MANAGED || policyNames.has(ref) || s.policies.some((p) => ref.endsWith(`:policy${p.path}${p.name}`))
  for (const kind of ['users', 'roles'] as const) {
    const seen = new Set<string>()
    s[kind].forEach((e, i) => {
      if (seen.has(e.name.toLowerCase())) issue([...at, kind, i, 'name'], `duplicate ${kind.slice(0, -1)} name ${e.name}`)
      seen.add(e.name.toLowerCase())
      for (const [n, d] of Object.entries(e.inlinePolicies)) docCheck(d, [kind, i, 'inlinePolicies', n], 'identity')
      e.managedPolicies.forEach((ref, j) => {
        if (!known(ref)) issue([...at, kind, i, 'managedPolicies', j], `unknown policy '${ref}': name one under policies:, or one of ${Object.keys(AWS_MANAGED).join(', ')}`)
      })
      if ('trust' in e) docCheck(e.trust, [kind, i, 'trust'], 'trust')
      if ('accessKeys' in e) {
        e.accessKeys.forEach((k, j) => {
          if (k.id && keyIds.has(k.id)) issue([...at, kind, i, 'accessKeys', j, 'id'], `duplicate access key id ${k.id}`)
          if (k.id) keyIds.add(k.id)
        })
      }
    })
  }
}

function checkOrganization(s: ParsedScenario, org: OrganizationScenario, issue: (p: Path, m: string) => void, keyIds: Set<string>): void {
  const ouNames = new Set<string>()
  const ouIds = new Set<string>()
  org.ous.forEach((ou, i) => {
    // Accounts and OUs refer to an OU by its name, so a name must say which one.
    if (ouNames.has(ou.name)) issue(['organization', 'ous', i, 'name'], `duplicate OU name ${ou.name}`)
    ouNames.add(ou.name)
    if (ou.id && ouIds.has(ou.id)) issue(['organization', 'ous', i, 'id'], `duplicate OU id ${ou.id}`)
    if (ou.id) ouIds.add(ou.id)
  })
  const ouKnown = (ref: string) => ouNames.has(ref) || ouIds.has(ref)
  const choices = () => (ouNames.size ? [...ouNames].join(', ') : 'none declared under organization.ous')
  org.ous.forEach((ou, i) => {
    if (ou.parent !== undefined && !ouKnown(ou.parent)) issue(['organization', 'ous', i, 'parent'], `unknown OU '${ou.parent}': one of ${choices()}`)
    if (ou.parent === ou.name || (ou.id && ou.parent === ou.id)) issue(['organization', 'ous', i, 'parent'], 'an OU cannot be its own parent')
  })
  // A cycle (A under B under A) has no way up to the root.
  const parentOf = new Map(org.ous.map((o) => [o.name, o.parent === undefined ? undefined : (org.ous.find((x) => x.name === o.parent || x.id === o.parent)?.name ?? undefined)]))
  org.ous.forEach((ou, i) => {
    const seen = new Set<string>()
    for (let cur: string | undefined = ou.name; cur !== undefined; cur = parentOf.get(cur)) {
      if (seen.has(cur)) {
        issue(['organization', 'ous', i, 'parent'], `OU ${ou.name} is in a cycle of parents: every OU must lead up to the root`)
        break
      }
      seen.add(cur)
    }
  })
  const ids = new Set<string>([s.account.id])
  org.accounts.forEach((a, i) => {
    if (ids.has(a.id)) issue(['organization', 'accounts', i, 'id'], a.id === s.account.id ? `account ${a.id} is the management account (the top-level account:)` : `duplicate account id ${a.id}`)
    ids.add(a.id)
    if (a.ou !== undefined && !ouKnown(a.ou)) issue(['organization', 'accounts', i, 'ou'], `unknown OU '${a.ou}': one of ${choices()}`)
    checkAccount(a, ['organization', 'accounts', i], issue, keyIds)
  })
  org.delegatedAdministrators.forEach((d, i) => {
    if (d === s.account.id) issue(['organization', 'delegatedAdministrators', i], 'the management account cannot be a delegated administrator')
    else if (!ids.has(d)) issue(['organization', 'delegatedAdministrators', i], `unknown account ${d}: one of organization.accounts`)
  })
  const perTarget = new Map<string, number>()
  org.policies.forEach((p, i) => {
    const at: Path = ['organization', 'policies', i]
    if (!org.policyTypes.includes('SERVICE_CONTROL_POLICY') && p.targets.length) issue([...at, 'targets'], 'SCPs are not enabled: add SERVICE_CONTROL_POLICY to organization.policyTypes')
    const text = typeof p.content === 'string' ? p.content : JSON.stringify(p.content)
    try {
      checkScpContent(text)
    } catch (e) {
      issue([...at, 'content'], e instanceof AwsError ? `${e.code}: ${e.message}` : String(e))
    }
    p.targets.forEach((t, j) => {
      if (t !== 'root' && !ouKnown(t) && !ids.has(t)) issue([...at, 'targets', j], `unknown target '${t}': 'root', an OU of organization.ous, or an account id`)
      const n = (perTarget.get(t) ?? 1) + 1 // FullAWSAccess is there too
      perTarget.set(t, n)
      if (n > MAX_SCPS_PER_TARGET) issue([...at, 'targets', j], `${t} would have ${n} SCPs attached (with FullAWSAccess): AWS allows ${MAX_SCPS_PER_TARGET}`)
    })
  })
}

type ZodIssue = z.core.$ZodIssue

/**
 * `organization: false | {…}`: when neither fits, report the problems of the mapping the author meant (the
 * branch that got furthest into the value), each at its own path, instead of one "invalid input" at the top.
 */
function unionBranch(zi: ZodIssue): ZodIssue[] {
  if (zi.code !== 'invalid_union' || !zi.errors.length) return [zi]
  const depth = (issues: ZodIssue[]) => Math.max(...issues.map((i) => i.path.length + (i.code === 'invalid_value' ? 0 : 1)))
  const best = [...zi.errors].sort((x, y) => depth(y) - depth(x))[0]!
  return best.map((i) => ({...i, path: [...zi.path, ...i.path]}) as ZodIssue).flatMap(unionBranch)
}

function valueAt(data: unknown, path: Path): unknown {
  let cur: any = data
  for (const k of path) cur = cur == null ? undefined : cur[k]
  return cur
}

export function resolveScenario(s: Scenario | ParsedScenario | string | undefined): ParsedScenario {
  if (s === undefined) return scenarioSchema.parse({})
  if (typeof s === 'string') return loadScenario(s)
  const r = scenarioSchema.safeParse(s)
  if (!r.success) {
    throw new InvalidInputError(
      'Invalid scenario object',
      r.error.issues.map((i) => ({file: '<object>', line: 0, column: 0, path: fmtPath(i.path as Path), message: i.message})),
    )
  }
  const issues: SourceIssue[] = []
  crossCheck(r.data, (p, m) => issues.push({file: '<object>', line: 0, column: 0, path: fmtPath(p), message: m}))
  if (issues.length) throw new InvalidInputError('Invalid scenario object', issues)
  return r.data
}
