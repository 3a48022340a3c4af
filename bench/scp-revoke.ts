// Organization-wide containment, the two ways lockdown offers (issue 16): one SCP at the root (`revoke-org`)
// against one inline deny per role in every account (`revoke-sessions` over `accounts: [{organization: true}]`),
// on the same simulated organization — 20 member accounts × 50 matching `app-*` roles, 50 ms a request, IAM
// writes throttled at 20/s per account (burst 10) — each path on a fresh copy of it. Each run is
// `lockdown run --yes --json` end to end (discover, enter, plan, apply, verify). Time to containment is
// measured twice: from the trails, the moment the last containing write was accepted (from then on every
// matching role is denied: the simulator has no propagation delay here), and from the attacker's side: two
// sessions per member account (the first and the last app role), issued before the run, probed every 250 ms
// until every one is refused. Printed: both times, the writes each path made (accepted, every account's
// trail), and the ratios.
import {execFile} from 'node:child_process'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {loadavg, tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {promisify} from 'node:util'

import {GetRoleCommand, IAMClient} from '@aws-sdk/client-iam'
import {AssumeRoleCommand, STSClient} from '@aws-sdk/client-sts'

import {startSim, type SimHandle} from '../src/sim/index.js'
import type {Scenario} from '../src/sim/scenario-schema.js'

const exec = promisify(execFile)
const ROOT = fileURLToPath(new URL('..', import.meta.url))
const ACCOUNTS = Number(process.env.SCP_BENCH_ACCOUNTS ?? 20)
const ROLES_PER_ACCOUNT = Number(process.env.SCP_BENCH_ROLES ?? 50)
const ROLES = ACCOUNTS * ROLES_PER_ACCOUNT
const LATENCY_MS = 50
const WRITE_RATE = 20
const WRITE_BURST = 10
const CONCURRENCY = 16
const PROBE_MS = 250
/** The roles probed in each account: the first and the last a per-role run could write. */
const PROBED = [0, ROLES_PER_ACCOUNT - 1]
const roleName = (i: number) => `app-${String(i).padStart(3, '0')}`
const MANAGEMENT = '111122223333'
const OPERATOR = `arn:aws:iam::${MANAGEMENT}:user/lockdown-operator`
const member = (i: number) => `2000000${String(i).padStart(5, '0')}`
/** Writes as CloudTrail names them; an accepted one has no errorCode. */
const WRITES = new Set(['PutRolePolicy', 'DeleteRolePolicy', 'CreatePolicy', 'UpdatePolicy', 'AttachPolicy', 'DetachPolicy', 'DeletePolicy', 'EnablePolicyType', 'AttachRolePolicy'])

/**
 * The org-revoke bench's organization: the operator in the management account, 20 created members with 50
 * `app-*` roles each. The first and the last also trust the operator, who opens the attacker's probe sessions.
 */
function scenario(): Scenario {
  const trust = (account: string, extra: string[] = []) => ({Version: '2012-10-17', Statement: [{Effect: 'Allow', Principal: {AWS: [`arn:aws:iam::${account}:root`, ...extra]}, Action: 'sts:AssumeRole'}]})
  const inline = {'app-access': {Version: '2012-10-17', Statement: [{Effect: 'Allow', Action: ['s3:GetObject', 'iam:GetRole'], Resource: '*'}]}}
  const pad = (i: number) => String(i).padStart(3, '0')
  return {
    version: 1,
    name: 'scp-revoke-bench',
    account: {id: MANAGEMENT},
    users: [{name: 'lockdown-operator', managedPolicies: ['arn:aws:iam::aws:policy/AdministratorAccess'], accessKeys: [{id: 'AKIASCPBENCHOPERATOR', secret: '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'}]}],
    organization: {
      accounts: Array.from({length: ACCOUNTS}, (_, a) => ({
        id: member(a),
        name: `member-${a}`,
        roles: Array.from({length: ROLES_PER_ACCOUNT}, (_, i) => ({name: `app-${pad(i)}`, path: '/', trust: trust(member(a), PROBED.includes(i) ? [OPERATOR] : []), inlinePolicies: inline})),
      })),
    },
  } as Scenario
}

const head = (name: string) => `version: 1
name: ${name}
incident: BENCH-SCP-1
accounts: [{organization: true}]
concurrency: {accounts: ${Math.min(ACCOUNTS, 64)}}
guards: {maxTargets: ${ROLES}}
steps:
`
// No propagation delay is configured in the simulator, so no settle wait in either path: verification still reads back.
const PATHS = {
  scp: `${head('scp-revoke-bench')}  - id: contain
    action: revoke-org
    with: {targets: [root], roles: ["app-*"], issuedBefore: now, settle: 0s}
`,
  perRole: `${head('per-role-revoke-bench')}  - id: contain
    action: revoke-sessions
    with: {roles: ["app-*"], issuedBefore: now, settle: 0s}
`,
}

interface PathRun {
  seconds: number
  /** Seconds from the start of the run until every probe session stayed refused; null if never. */
  containedAt: number | null
  /** Seconds from the start of the run to the last accepted write (every matching role denied from then). */
  lastWriteAt: number | null
  writes: Record<string, number>
  status: string
  failed: number
  checksFailed: number
}

/** Attacker sessions of the probed roles in every member account, issued at least a second before the run (aws:TokenIssueTime has whole seconds). */
async function probeSessions(sim: SimHandle): Promise<{iam: IAMClient; role: string}[]> {
  const sts = new STSClient({endpoint: sim.endpoint, region: 'us-east-1', credentials: sim.credentialsFor('lockdown-operator'), maxAttempts: 3})
  try {
    const sessions = await Promise.all(
      Array.from({length: ACCOUNTS}).flatMap((_, a) =>
        PROBED.map(async (i) => {
          const role = roleName(i)
          const {Credentials: c} = await sts.send(new AssumeRoleCommand({RoleArn: `arn:aws:iam::${member(a)}:role/${role}`, RoleSessionName: 'attacker'}))
          return {role, iam: new IAMClient({endpoint: sim.endpoint, region: 'us-east-1', credentials: {accessKeyId: c!.AccessKeyId!, secretAccessKey: c!.SecretAccessKey!, sessionToken: c!.SessionToken!}, maxAttempts: 1})}
        }),
      ),
    )
    await new Promise((r) => setTimeout(r, 1100 - (Date.now() % 1000)))
    return sessions
  } finally {
    sts.destroy()
  }
}

async function runPath(playbook: string, dir: string, lockdown?: string): Promise<PathRun> {
  const sim = await startSim({scenario: scenario(), faults: {latencyMs: LATENCY_MS, iamWriteRate: WRITE_RATE, iamWriteBurst: WRITE_BURST}})
  const probes = await probeSessions(sim)
  try {
    const file = join(dir, `bench-${Date.now()}.yaml`)
    writeFileSync(file, playbook)
    const operator = sim.credentialsFor('lockdown-operator')
    const t0 = Date.now()
    // The attacker keeps asking; containment holds once every account's session is refused (and stays so).
    const refusedAt: (number | null)[] = probes.map(() => null)
    let running = true
    const watch = Promise.all(
      probes.map(async ({iam, role}, i) => {
        while (running) {
          const at = Date.now()
          const ok = await iam.send(new GetRoleCommand({RoleName: role})).then(
            () => true,
            (e: Error) => e.name !== 'AccessDenied',
          )
          refusedAt[i] = ok ? null : (refusedAt[i] ?? at)
          await new Promise((r) => setTimeout(r, Math.max(0, PROBE_MS - (Date.now() - at))))
        }
      }),
    )
    const [cmd, ...pre] = lockdown ? [lockdown] : [process.execPath, join(ROOT, 'bin/run.js')]
    const r = await exec(cmd!, [...pre, 'run', file, '--yes', '--json', '--concurrency', String(CONCURRENCY), '--journal-dir', join(dir, 'journal')], {
      env: {...process.env, ...sim.env(), AWS_ACCESS_KEY_ID: operator.accessKeyId, AWS_SECRET_ACCESS_KEY: operator.secretAccessKey},
      maxBuffer: 256 << 20,
    }).catch((e: {stdout?: string; stderr?: string}) => ({stdout: e.stdout ?? '', stderr: e.stderr ?? ''}))
    const seconds = (Date.now() - t0) / 1000
    running = false
    await watch
    const writes: Record<string, number> = {}
    let last: number | null = null
    for (const a of sim.accounts()) {
      for (const e of sim.events(a.id)) {
        if (e.time < t0 || !WRITES.has(e.eventName) || e.errorCode) continue
        writes[e.eventName] = (writes[e.eventName] ?? 0) + 1
        last = Math.max(last ?? 0, e.time)
      }
    }
    type Result = {status?: string; failures?: unknown[]; checks?: {ok: boolean}[]}
    const out = JSON.parse(r.stdout || '{}') as Result & {error?: {message: string; detail?: Result}}
    const result = out.error?.detail ?? out
    return {
      seconds,
      containedAt: refusedAt.every((t) => t !== null) ? (Math.max(...(refusedAt as number[])) - t0) / 1000 : null,
      lastWriteAt: last === null ? null : (last - t0) / 1000,
      writes,
      status: out.status ?? `error: ${out.error?.message ?? r.stderr.slice(0, 300)}`,
      failed: (result.failures ?? []).length,
      checksFailed: (result.checks ?? []).filter((c) => !c.ok).length,
    }
  } finally {
    for (const p of probes) p.iam.destroy()
    await sim.stop()
  }
}

const total = (w: Record<string, number>) => Object.values(w).reduce((a, b) => a + b, 0)
const describe = (p: PathRun) =>
  `${p.seconds.toFixed(1)} s to a verified run (${p.status}; ${p.failed} failed targets, ${p.checksFailed} checks failed), every role denied at ${p.lastWriteAt === null ? 'NEVER' : `${p.lastWriteAt.toFixed(1)} s`} (last write accepted), the attacker's ${ACCOUNTS * PROBED.length} probe sessions all refused at ${p.containedAt === null ? 'NEVER' : `${p.containedAt.toFixed(1)} s`}; ${total(p.writes)} writes (${Object.entries(p.writes).map(([k, v]) => `${k} ${v}`).join(', ') || 'none'})`

export async function benchScpRevoke(opts: {lockdown?: string} = {}): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'lockdown-scp-revoke-bench-'))
  try {
    const load = loadavg()[0]!.toFixed(1)
    const scp = await runPath(PATHS.scp, dir, opts.lockdown)
    const perRole = await runPath(PATHS.perRole, dir, opts.lockdown)
    const ratio = (a: number | null, b: number | null) => (a !== null && b !== null && b > 0 ? `${(a / b).toFixed(1)}×` : 'n/a')
    return [
      `org containment ${ACCOUNTS} accounts × ${ROLES_PER_ACCOUNT} roles, ${LATENCY_MS} ms a request, IAM writes ${WRITE_RATE}/s per account (burst ${WRITE_BURST}), each path on a fresh organization (load ${load}, after: ${loadavg()[0]!.toFixed(1)}):`,
      `  SCP path (revoke-org, targets [root]): ${describe(scp)}`,
      `  per-role path (revoke-sessions over accounts [{organization: true}]): ${describe(perRole)}`,
      `  per-role / SCP: run ${ratio(perRole.seconds, scp.seconds)}, every role denied ${ratio(perRole.lastWriteAt, scp.lastWriteAt)}, probe sessions refused ${ratio(perRole.containedAt, scp.containedAt)}, writes ${ratio(total(perRole.writes), total(scp.writes))}`,
    ].join('\n')
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(await benchScpRevoke({lockdown: process.env.LOCKDOWN_BIN}))
}
