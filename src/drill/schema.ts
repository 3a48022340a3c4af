// A drill file: the account to seed, what the attacker does with stolen credentials, the response
// playbook, and what must hold afterwards. Loaded with positions like a playbook.
import {readFile} from 'node:fs/promises'
import {dirname, resolve} from 'node:path'
import {z} from 'zod'

import {PROBE_ACTIONS} from '../aws/attack-ops.js'
import {InvalidInputError} from '../errors.js'
import {parseYamlSource, zodIssues} from '../playbook/yaml-source.js'

const identityId = z.string().regex(/^[a-z][a-z0-9-]*$/, 'expected an identity id of lower-case letters, digits and -')
const as = identityId

const attackStep = z.union([
  z.strictObject({id: identityId, assumeRole: z.strictObject({role: z.string(), as, sessionName: z.string().regex(/^[\w+=,.@-]{2,64}$/).default('drill'), sourceIdentity: z.string().optional()})}),
  z.strictObject({id: identityId, getSessionToken: z.strictObject({as})}),
  z.strictObject({id: identityId, createAccessKey: z.strictObject({user: z.string(), as})}),
  z.strictObject({id: z.string(), putRolePolicy: z.strictObject({role: z.string(), name: z.string(), as, document: z.record(z.string(), z.unknown())})}),
])

/** Sessions the responders hold before the response: only the first two kinds of attack step make sense here. */
const responderStep = z.union([attackStep.options[0], attackStep.options[1]])

export const drillSchema = z.strictObject({
  version: z.literal(1),
  name: z.string().regex(/^[a-z0-9-]+$/),
  description: z.string(),
  /** A simulator scenario: a path relative to the drill file. */
  scenario: z.string(),
  /** Credentials the attacker starts with: a scenario user's leaked access key. */
  /** `account`: the member account of an organization scenario the user is in (default: the top-level one). */
  attacker: z.record(identityId, z.strictObject({user: z.string(), account: z.string().regex(/^\d{12}$/, 'expected a 12-digit account id').optional()})),
  attack: z.array(attackStep).min(1),
  /** Calls the attacker keeps making (every ~200 ms) while the response runs. */
  pressure: z.array(z.strictObject({as, call: z.enum(PROBE_ACTIONS)})).min(1),
  /**
   * `as`: the scenario user lockdown runs as (default: the account's root). An organization needs one:
   * AWS lets no root user assume a role, so root cannot enter the member accounts.
   */
  response: z.strictObject({playbook: z.string(), set: z.record(z.string(), z.string()).default({}), as: z.string().optional()}),
  /**
   * The defenders' side: scenario users' keys, the sessions they open before the response (issued before any
   * cutoff, so only an exemption keeps them alive) and the calls they keep making, recorded apart from the
   * attacker's. `expect.keepWorking` names the ones that must never be refused.
   */
  responders: z
    .strictObject({
      identities: z.record(identityId, z.strictObject({user: z.string(), account: z.string().regex(/^\d{12}$/, 'expected a 12-digit account id').optional()})),
      sessions: z.array(responderStep).default([]),
      pressure: z.array(z.strictObject({as, call: z.enum(PROBE_ACTIONS)})).default([]),
    })
    .optional(),
  expect: z.strictObject({
    /** Identities whose every call must be refused once containment holds. */
    denied: z.array(identityId).default([]),
    /** Identities (long-term keys) that must end Inactive. */
    inactiveKeys: z.array(identityId).default([]),
    /** Scenario users who must still get in through break-glass (MFA from the scenario's seed). */
    responders: z.array(z.string()).default([]),
    /** The forensics report must show this chain: a key, then each session issued from the previous one. */
    reportChain: z.array(identityId).default([]),
    /** Responder identities whose calls must succeed before, during and after the response (exemptions hold). */
    keepWorking: z.array(identityId).default([]),
    /** After undo, every account's IAM policies, trusts, tags and key states and the organization's SCPs are as before the response. */
    undoRestores: z.boolean().default(false),
    containWithinSeconds: z.number().positive().default(30),
  }),
})

export type Drill = z.output<typeof drillSchema>
export type AttackStep = Drill['attack'][number]

export interface LoadedDrill {
  file: string
  drill: Drill
  scenarioPath: string
  playbookPath: string
}

export async function loadDrill(file: string): Promise<LoadedDrill> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch {
    throw new InvalidInputError(`drill not found: ${file}`, [], {next: 'lockdown drill list'})
  }
  const src = parseYamlSource(text, file)
  const parsed = drillSchema.safeParse(src.data)
  if (!parsed.success) {
    throw new InvalidInputError(`${file}: invalid drill`, zodIssues(src, parsed.error, {schema: drillSchema}), {next: `fix the lines above, then: lockdown drill run ${file}`})
  }
  const d = parsed.data
  const known = new Set([...Object.keys(d.attacker), ...d.attack.map((s) => s.id)])
  const issues = [
    ...d.attack.flatMap((s, i) => {
      const from = 'assumeRole' in s ? s.assumeRole.as : 'getSessionToken' in s ? s.getSessionToken.as : 'createAccessKey' in s ? s.createAccessKey.as : s.putRolePolicy.as
      return known.has(from) ? [] : [src.issue(['attack', i], `unknown identity '${from}'; define it under attacker: or as an earlier attack step id`)]
    }),
    ...d.pressure.flatMap((p, i) => (known.has(p.as) ? [] : [src.issue(['pressure', i, 'as'], `unknown identity '${p.as}'`)])),
    ...(['denied', 'inactiveKeys', 'reportChain'] as const).flatMap((k) =>
      d.expect[k].flatMap((id, i) => (known.has(id) ? [] : [src.issue(['expect', k, i], `unknown identity '${id}'`)])),
    ),
  ]
  const defenders = new Set([...Object.keys(d.responders?.identities ?? {}), ...(d.responders?.sessions ?? []).map((s) => s.id)])
  for (const id of defenders) if (known.has(id)) issues.push(src.issue(['responders'], `identity '${id}' is the attacker's too; give the responders' identities their own ids`))
  ;(d.responders?.sessions ?? []).forEach((s, i) => {
    const from = 'assumeRole' in s ? s.assumeRole.as : s.getSessionToken.as
    if (!defenders.has(from)) issues.push(src.issue(['responders', 'sessions', i], `unknown responder identity '${from}'; define it under responders.identities or as an earlier session id`))
  })
  ;(d.responders?.pressure ?? []).forEach((p, i) => {
    if (!defenders.has(p.as)) issues.push(src.issue(['responders', 'pressure', i, 'as'], `unknown responder identity '${p.as}'`))
  })
  d.expect.keepWorking.forEach((id, i) => {
    if (!defenders.has(id)) issues.push(src.issue(['expect', 'keepWorking', i], `unknown responder identity '${id}'; define it under responders:`))
  })
  if (issues.length) throw new InvalidInputError(`${file}: invalid drill`, issues, {next: `fix the lines above, then: lockdown drill run ${file}`})
  const base = dirname(file)
  return {file, drill: d, scenarioPath: resolve(base, d.scenario), playbookPath: resolve(base, d.response.playbook)}
}
