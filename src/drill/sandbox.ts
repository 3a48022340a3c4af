// A drill against a real sandbox account: refused unless the credentials are for exactly that account
// and none of the scenario's names exist there. Everything created is tagged lockdown:drill=<id>, and
// a revert record is on disk (fsync) before each creation, so revert removes it all — after a failure
// or Ctrl-C too, and again by `lockdown drill revert` if the process died.
import {closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, writeSync} from 'node:fs'
import {join} from 'node:path'

import {makeClients, type AwsOptions, type Clients} from '../aws/clients.js'
import {createEnabledMfa, createKey, createPolicyTagged, createUser, deletePolicyCompletely, deleteRoleCompletely, deleteUserCompletely, roleExists, userExists} from '../aws/iam-admin.js'
import {attachManagedPolicy, putInlinePolicy} from '../aws/iam-policies.js'
import {createRole} from '../aws/iam-roles.js'
import {getIdentity} from '../aws/identity.js'
import type {PolicyDocument} from '../aws/policies/document.js'
import {InvalidInputError, PreflightError} from '../errors.js'
import {loadScenario, totp, type ParsedScenario} from '../sim/index.js'
import type {Credentials} from './attacker.js'
import type {DrillTarget} from './target.js'

type RevertRecord = {kind: 'user'; name: string} | {kind: 'role'; name: string} | {kind: 'policy'; arn: string}

export const DRILL_TAG = 'lockdown:drill'
/** CloudTrail delivers to LookupEvents within about 15 minutes. */
const TRAIL_DELAY_MS = 15 * 60_000

export function revertLogPath(journalDir: string, drillId: string): string {
  return join(journalDir, 'drills', drillId, 'revert.jsonl')
}

export async function sandboxTarget(opts: {scenarioPath: string; aws: AwsOptions; accountId: string; journalDir: string; drillId: string}): Promise<DrillTarget> {
  const scenario = loadScenario(opts.scenarioPath)
  const clients = makeClients({...opts.aws, runId: opts.drillId})
  try {
    const me = await getIdentity(clients)
    if (me.account !== opts.accountId) {
      throw new PreflightError(`refusing to run a drill: the credentials are for account ${me.account}, not the sandbox ${opts.accountId}`, {
        next: 'pass --profile for the sandbox account, whose id you give with --sandbox-account',
      })
    }
    const taken = [
      ...(await Promise.all(scenario.users.map(async (u) => ((await userExists(clients.iam, u.name)) ? `user ${u.name}` : '')))),
      ...(await Promise.all(scenario.roles.map(async (r) => ((await roleExists(clients.iam, r.name)) ? `role ${r.name}` : '')))),
    ].filter(Boolean)
    if (taken.length) {
      throw new PreflightError(`the sandbox already has ${taken.join(', ')}; a drill seeds its own and will not touch existing ones`, {
        next: 'use a clean sandbox account, or remove them (a previous drill? lockdown drill revert ID)',
      })
    }
    const seeded = await seed(clients, scenario, me.account, opts)
    return {
      description: `sandbox account ${me.account} (${opts.aws.endpoint ?? opts.aws.profile ?? 'default credentials'})`,
      region: clients.region,
      aws: opts.aws,
      faults: {},
      // A sandbox is one account: a drill naming a member account's user is an organization drill.
      credentialsFor: (user, account) => (account ? oneAccountOnly(user, account) : (seeded.keys.get(user) ?? missing(user))),
      organization: false,
      mfaSeedFor: (user) => seeded.seeds.get(user),
      trailDelayMs: opts.aws.endpoint?.startsWith('http://127.') ? 0 : TRAIL_DELAY_MS,
      revert: () => revertSandbox(opts.aws, opts.journalDir, opts.drillId),
      close: async () => clients.destroy(),
    }
  } catch (error) {
    clients.destroy()
    throw error
  }
}

function oneAccountOnly(user: string, account: string): never {
  throw new InvalidInputError(`the drill's attacker user ${user} is in member account ${account}; a sandbox drill seeds one account`, [], {
    next: 'run this organization drill on the simulated organization: lockdown drill run FILE (without --sandbox-account)',
  })
}

function missing(user: string): never {
  throw new Error(`the scenario gives user ${user} no access key`)
}

async function seed(clients: Clients, scenario: ParsedScenario, account: string, opts: {journalDir: string; drillId: string}) {
  const log = new RevertLog(revertLogPath(opts.journalDir, opts.drillId))
  const tags = {[DRILL_TAG]: opts.drillId}
  // Scenario documents name the scenario's account; in the sandbox they must name the sandbox.
  const here = (doc: string | object): PolicyDocument =>
    JSON.parse((typeof doc === 'string' ? doc : JSON.stringify(doc)).replaceAll(scenario.account.id, account)) as PolicyDocument
  const policyArn = (ref: string) => (ref.startsWith('arn:') ? ref : `arn:aws:iam::${account}:policy/${ref}`)
  const keys = new Map<string, Credentials>()
  const seeds = new Map<string, string>()
  try {
    for (const p of scenario.policies) {
      log.write({kind: 'policy', arn: policyArn(p.name)})
      await createPolicyTagged(clients.iam, p.name, here(p.document), tags)
    }
    for (const u of scenario.users) {
      log.write({kind: 'user', name: u.name})
      await createUser(clients.iam, u.name, u.path, {...u.tags, ...tags})
      const ref = {kind: 'user' as const, name: u.name}
      for (const [name, doc] of Object.entries(u.inlinePolicies)) await putInlinePolicy(clients.iam, ref, name, here(doc))
      for (const m of u.managedPolicies) await attachManagedPolicy(clients.iam, ref, policyArn(m))
      for (const k of u.accessKeys) {
        const created = await createKey(clients.iam, u.name)
        if (!keys.has(u.name) && k.status === 'Active') keys.set(u.name, created)
      }
      if (u.mfa) {
        const now = Date.now()
        const {seed} = await createEnabledMfa(clients.iam, u.name, (s) => [totp(s, now - 30_000), totp(s, now)])
        seeds.set(u.name, seed)
      }
    }
    for (const r of scenario.roles) {
      log.write({kind: 'role', name: r.name})
      await createRole(clients.iam, {name: r.name, path: r.path, trust: here(r.trust), maxSessionDuration: r.maxSessionDuration, tags: {...r.tags, ...tags}, description: r.description})
      const ref = {kind: 'role' as const, name: r.name}
      for (const [name, doc] of Object.entries(r.inlinePolicies)) await putInlinePolicy(clients.iam, ref, name, here(doc))
      for (const m of r.managedPolicies) await attachManagedPolicy(clients.iam, ref, policyArn(m))
    }
  } finally {
    log.close()
  }
  return {keys, seeds}
}

/** Removes everything a drill's revert log names, newest first; safe to run again. */
export async function revertSandbox(aws: AwsOptions, journalDir: string, drillId: string): Promise<{ok: boolean; detail: string}> {
  const logPath = revertLogPath(journalDir, drillId)
  // No revert log: a mistyped id or another --journal-dir, never something to report as a crash.
  if (!existsSync(logPath)) {
    throw new InvalidInputError(`no sandbox drill '${drillId}': ${logPath} does not exist`, [], {
      next: `ls ${join(journalDir, 'drills')}   # the drill ids in this --journal-dir`,
    })
  }
  const records = readFileSync(logPath, 'utf8')
    .split('\n')
    .filter((l) => l.endsWith('}'))
    .map((l) => JSON.parse(l) as RevertRecord)
  const clients = makeClients({...aws, runId: drillId})
  const failed: string[] = []
  try {
    // Users and roles go before the policies attached to them.
    for (const r of [...records].reverse().sort((a, b) => Number(a.kind === 'policy') - Number(b.kind === 'policy'))) {
      try {
        if (r.kind === 'user') await deleteUserCompletely(clients, r.name)
        else if (r.kind === 'role') await deleteRoleCompletely(clients.iam, r.name)
        else await deletePolicyCompletely(clients.iam, r.arn)
      } catch (error) {
        failed.push(`${r.kind} ${r.kind === 'policy' ? r.arn : r.name}: ${(error as Error).message}`)
      }
    }
  } finally {
    clients.destroy()
  }
  return failed.length
    ? {ok: false, detail: `could not remove ${failed.join('; ')}; run again: lockdown drill revert ${drillId}`}
    : {ok: true, detail: `removed ${records.length} seeded resource(s) tagged ${DRILL_TAG}=${drillId}`}
}

/** Append-only, fsynced before each creation: a crash never leaves an unrecorded resource. */
class RevertLog {
  private fd: number
  constructor(path: string) {
    mkdirSync(join(path, '..'), {recursive: true})
    this.fd = openSync(path, 'a', 0o600)
  }
  write(r: RevertRecord): void {
    writeSync(this.fd, `${JSON.stringify(r)}\n`)
    fsyncSync(this.fd)
  }
  close(): void {
    closeSync(this.fd)
  }
}
