// Organization revoke throughput: `lockdown run` over `accounts: [{organization: true}]` revoking 50 roles in
// each of 20 member accounts (1,000 roles), on a simulated organization that answers every request after
// 50 ms and throttles IAM writes at 20/s in each account (the simulator's bucket is per account, as AWS's).
// Beside it, in the same run, what a careful script costs: assume into each account, read its roles once,
// then the same per-role reads and writes one at a time (sampled on a few accounts, extrapolated to all 20). And how close
// lockdown is to the floor the per-account throttle sets when accounts are worked in parallel: each
// account's 50 writes cannot go faster than (50 − burst) / 20 s. Targets: ≤ 1.5× that floor, 0 failed targets.
import {execFile} from 'node:child_process'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {loadavg, tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {promisify} from 'node:util'

import {
  GetRolePolicyCommand,
  IAMClient,
  PutRolePolicyCommand,
  SimulatePrincipalPolicyCommand,
} from '@aws-sdk/client-iam'
import {AssumeRoleCommand, STSClient} from '@aws-sdk/client-sts'

import {ifContained} from './contained.js'
import {cpuWindow} from './cpu.js'
import {timeline, type TimelinePhases} from './timeline.js'
import {roleDetails} from './sdk-loop.js'
import {startSim, type SimHandle} from '../src/sim/index.js'
import type {Scenario} from '../src/sim/scenario-schema.js'

const exec = promisify(execFile)
const ROOT = fileURLToPath(new URL('..', import.meta.url))
const ACCOUNTS = Number(process.env.ORG_BENCH_ACCOUNTS ?? 20)
const ROLES_PER_ACCOUNT = Number(process.env.ORG_BENCH_ROLES ?? 50)
const ROLES = ACCOUNTS * ROLES_PER_ACCOUNT
const LATENCY_MS = 50
const WRITE_RATE = 20
/** The simulator's default burst, written out: the floor below depends on it. */
const WRITE_BURST = 10
/** Accounts (and roles in each) the sequential loop works through before its time is extrapolated. */
const SEQ_ACCOUNTS = Number(process.env.ORG_BENCH_SEQ_ACCOUNTS ?? 2)
const SEQ_ROLES = Number(process.env.ORG_BENCH_SEQ_ROLES ?? 10)
/** Every account at once (concurrency.accounts), and enough changes at once in each to keep its write bucket busy. */
const ACCOUNT_CONCURRENCY = Math.min(ACCOUNTS, 64)
const CONCURRENCY = Number(process.env.ORG_BENCH_CONCURRENCY ?? 16)
const MANAGEMENT = '111122223333'
const member = (i: number) => `2000000${String(i).padStart(5, '0')}`
const ACCESS_ROLE = 'OrganizationAccountAccessRole'

/**
 * A management account with the operator lockdown runs as (root may not assume roles), and 20 created
 * members (each gets OrganizationAccountAccessRole) holding 50 `app-*` roles, plus separate /byhand/
 * roles for the sequential loop in the accounts it samples (never matched by `app-*`).
 */
function scenario(): Scenario {
  const trust = (account: string) => ({Version: '2012-10-17', Statement: [{Effect: 'Allow', Principal: {AWS: `arn:aws:iam::${account}:root`}, Action: 'sts:AssumeRole'}]})
  const inline = {'app-access': {Version: '2012-10-17', Statement: [{Effect: 'Allow', Action: 's3:GetObject', Resource: '*'}]}}
  const pad = (i: number) => String(i).padStart(3, '0')
  return {
    version: 1,
    name: 'org-revoke-bench',
    account: {id: MANAGEMENT},
    users: [
      {
        name: 'lockdown-operator',
        managedPolicies: ['arn:aws:iam::aws:policy/AdministratorAccess'],
        accessKeys: [{id: 'AKIAORGBENCHOPERATOR', secret: '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'}],
      },
    ],
    organization: {
      accounts: Array.from({length: ACCOUNTS}, (_, a) => ({
        id: member(a),
        name: `member-${a}`,
        roles: [
          ...Array.from({length: ROLES_PER_ACCOUNT}, (_, i) => ({name: `app-${pad(i)}`, path: '/', trust: trust(member(a)), inlinePolicies: inline})),
          ...(a < SEQ_ACCOUNTS ? Array.from({length: SEQ_ROLES}, (_, i) => ({name: `byhand-${pad(i)}`, path: '/byhand/', trust: trust(member(a)), inlinePolicies: inline})) : []),
        ],
      })),
    },
  } as Scenario
}

const PLAYBOOK = `version: 1
name: org-revoke-bench
incident: BENCH-ORG-1
accounts: [{organization: true}]
concurrency: {accounts: ${ACCOUNT_CONCURRENCY}}
guards: {maxTargets: ${ROLES}}
steps:
  - id: contain
    action: revoke-sessions
    # No propagation delay is configured in the simulator, so no settle wait: verification still polls.
    with: {roles: ["app-*"], issuedBefore: now, settle: 0s}
`

interface LockdownRun {
  seconds: number
  /** Where the seconds went, read from every account's trail (each request's time). */
  timeline: string
  callsPerRole: number
  failed: number
  checksFailed: number
  accounts: Record<string, number>
  throttlingShown: boolean
  status: string
  /** CPU seconds over the run: the lockdown process, and this process (the simulator it hosts). */
  cpu: {lockdown?: number; simulator: number; cores: number}
}

/** Every account's CloudTrail records: what the whole organization was asked. */
const allRecords = (sim: SimHandle) => sim.accounts().reduce((n, a) => n + sim.records(a.id).length, 0)

/** `lockdown run --yes --json` as a user runs it (the installed bin, else bin/run.js), as the operator. */
async function lockdownRevoke(sim: SimHandle, dir: string, lockdown?: string): Promise<LockdownRun> {
  const file = join(dir, 'org-revoke-bench.yaml')
  writeFileSync(file, PLAYBOOK)
  const operator = sim.credentialsFor('lockdown-operator')
  const before = allRecords(sim)
  const wallStart = Date.now()
  const start = process.hrtime.bigint()
  const cpu = cpuWindow()
  const [cmd, ...pre] = lockdown ? [lockdown] : [process.execPath, join(ROOT, 'bin/run.js')]
  const r = await exec(cmd!, [...pre, 'run', file, '--yes', '--json', '--concurrency', String(CONCURRENCY), '--journal-dir', join(dir, 'journal')], {
    env: {...process.env, ...sim.env(), AWS_ACCESS_KEY_ID: operator.accessKeyId, AWS_SECRET_ACCESS_KEY: operator.secretAccessKey},
    maxBuffer: 256 << 20,
  }).catch((e: {stdout?: string; stderr?: string}) => ({stdout: e.stdout ?? '', stderr: e.stderr ?? ''}))
  const seconds = Number(process.hrtime.bigint() - start) / 1e9
  const used = cpu.stop()
  const phases = timeline(sim, wallStart, seconds, PHASES)
  const calls = allRecords(sim) - before
  type Result = {status?: string; failures?: unknown[]; checks?: {ok: boolean}[]; accounts?: {account: string; status: string}[] | Record<string, unknown>}
  const out = JSON.parse(r.stdout || '{}') as Result & {error?: {message: string; detail?: Result}}
  const result = out.error?.detail ?? out
  const ledger = Array.isArray(result.accounts) ? result.accounts : []
  const accounts: Record<string, number> = {}
  for (const e of ledger) accounts[e.status] = (accounts[e.status] ?? 0) + 1
  return {
    seconds,
    timeline: phases,
    callsPerRole: calls / ROLES,
    failed: (result.failures ?? []).length,
    checksFailed: (result.checks ?? []).filter((c) => !c.ok).length,
    accounts,
    throttlingShown: /thrott|rate exceeded/i.test(r.stdout + r.stderr),
    status: out.status ?? `error: ${out.error?.message ?? r.stderr.slice(0, 300)}`,
    cpu: {lockdown: used.children, simulator: used.self, cores: used.cores},
  }
}

/**
 * The CPU the run took and the wall time it forces: lockdown's and the simulator's CPU seconds spread
 * perfectly over the machine's cores. The throttle floor is only reachable where this is below it.
 */
function cpuLine(run: LockdownRun, floor: number): string {
  const {lockdown, simulator, cores} = run.cpu
  if (lockdown === undefined) return `CPU over the run: the simulator ${simulator.toFixed(1)} s; lockdown's not measurable here (no /proc)`
  const least = (lockdown + simulator) / cores
  return [
    `CPU over the run: lockdown ${lockdown.toFixed(1)} s (${(lockdown / run.seconds).toFixed(2)} of a core), the simulator ${simulator.toFixed(1)} s;`,
    `spread over ${cores} cores that is ${least.toFixed(1)} s at least = ${floor > 0 ? `${(least / floor).toFixed(2)}× the floor` : 'n/a'}:`,
    `the least this machine takes for these ${(run.callsPerRole * ROLES).toFixed(0)} calls at their CPU a call`,
  ].join(' ')
}

/** Organization discovery and entering the accounts come before the plan's reads. */
const PHASES: TimelinePhases = {
  before: {
    discovery: new Set(['DescribeOrganization', 'ListRoots', 'ListAccountsForParent', 'ListOrganizationalUnitsForParent', 'ListTagsForResource', 'ListAccounts']),
    enter: new Set(['AssumeRole', 'GetCallerIdentity']),
  },
  write: 'PutRolePolicy',
}

/**
 * What a careful script does: for each account, AssumeRole into its access role and read every role with its
 * tags (break-glass guard) and inline policies (size budget) in one paged GetAccountAuthorizationDetails, as
 * lockdown's plan does; then for each role, one call at a time, the calls lockdown makes: read-write-read of
 * the deny and the simulation that proves it. Seconds per account entered and read, and per role.
 */
async function sequentialLoop(sim: SimHandle): Promise<{perAccount: number; perRole: number; callsPerRole: number}> {
  const operator = sim.credentialsFor('lockdown-operator')
  const sts = new STSClient({endpoint: sim.endpoint, region: 'us-east-1', credentials: operator, maxAttempts: 1})
  const cutoff = new Date().toISOString()
  const deny = JSON.stringify({Version: '2012-10-17', Statement: [{Effect: 'Deny', Action: '*', Resource: '*', Condition: {DateLessThan: {'aws:TokenIssueTime': cutoff}}}]})
  const before = allRecords(sim)
  let accountSeconds = 0
  let accountCalls = 0
  let roleSeconds = 0
  let roles = 0
  try {
    for (let a = 0; a < SEQ_ACCOUNTS; a++) {
      const t0 = process.hrtime.bigint()
      const callsBefore = allRecords(sim)
      const {Credentials: c} = await sts.send(new AssumeRoleCommand({RoleArn: `arn:aws:iam::${member(a)}:role/${ACCESS_ROLE}`, RoleSessionName: 'byhand'}))
      const iam = new IAMClient({
        endpoint: sim.endpoint,
        region: 'us-east-1',
        credentials: {accessKeyId: c!.AccessKeyId!, secretAccessKey: c!.SecretAccessKey!, sessionToken: c!.SessionToken!},
        maxAttempts: 1,
      })
      try {
        const all = await roleDetails(iam)
        accountSeconds += Number(process.hrtime.bigint() - t0) / 1e9
        // AssumeRole is recorded in both accounts' trails: counted once, as the sequential loop made it once.
        accountCalls += allRecords(sim) - callsBefore - 1
        const found = all.filter((r) => r.Path === '/byhand/').slice(0, SEQ_ROLES)
        if (found.length < SEQ_ROLES) throw new Error(`the by-hand loop found ${found.length} of ${SEQ_ROLES} roles under /byhand/ in ${member(a)}`)
        const t1 = process.hrtime.bigint()
        for (const role of found) {
          const RoleName = role.RoleName!
          await iam.send(new GetRolePolicyCommand({RoleName, PolicyName: 'AWSRevokeOlderSessions'})).catch(() => undefined)
          await iam.send(new PutRolePolicyCommand({RoleName, PolicyName: 'AWSRevokeOlderSessions', PolicyDocument: deny}))
          await iam.send(new GetRolePolicyCommand({RoleName, PolicyName: 'AWSRevokeOlderSessions'}))
          await iam.send(
            new SimulatePrincipalPolicyCommand({
              PolicySourceArn: role.Arn!,
              ActionNames: ['iam:ListRoles', 'iam:GetUser', 'sts:AssumeRole', 's3:ListAllMyBuckets', 'ec2:DescribeInstances', 'cloudtrail:LookupEvents'],
              ContextEntries: [{ContextKeyName: 'aws:TokenIssueTime', ContextKeyType: 'date', ContextKeyValues: [new Date(Date.parse(cutoff) - 1000).toISOString()]}],
            }),
          )
          roles++
        }
        roleSeconds += Number(process.hrtime.bigint() - t1) / 1e9
      } finally {
        iam.destroy()
      }
    }
    // Calls per role over the whole organization: the per-role calls, plus each account's share spread over its roles.
    const perRoleCalls = (allRecords(sim) - before - SEQ_ACCOUNTS - accountCalls) / roles
    return {perAccount: accountSeconds / SEQ_ACCOUNTS, perRole: roleSeconds / roles, callsPerRole: perRoleCalls + accountCalls / SEQ_ACCOUNTS / ROLES_PER_ACCOUNT}
  } finally {
    sts.destroy()
  }
}

export async function benchOrgRevoke(opts: {lockdown?: string} = {}): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'lockdown-org-revoke-bench-'))
  try {
    const load = loadavg()[0]!.toFixed(1)
    const sim = await startSim({scenario: scenario(), faults: {latencyMs: LATENCY_MS, iamWriteRate: WRITE_RATE, iamWriteBurst: WRITE_BURST}})
    let run: LockdownRun, seq: Awaited<ReturnType<typeof sequentialLoop>>
    try {
      run = await lockdownRevoke(sim, dir, opts.lockdown)
      seq = await sequentialLoop(sim)
    } finally {
      await sim.stop()
    }
    const seqTotal = seq.perAccount * ACCOUNTS + seq.perRole * ROLES
    // Accounts in parallel, each account's writes are bounded only by its own bucket: 1 write per role.
    const floor = Math.max(0, ROLES_PER_ACCOUNT - WRITE_BURST) / WRITE_RATE
    const ledger = Object.entries(run.accounts).map(([s, n]) => `${n} ${s}`).join(', ') || 'none'
    return [
      `org revoke ${ACCOUNTS} accounts × ${ROLES_PER_ACCOUNT} roles, ${LATENCY_MS} ms a request, IAM writes ${WRITE_RATE}/s per account (burst ${WRITE_BURST}) (load ${load}):`,
      `  lockdown run accounts: [{organization: true}] --yes (concurrency.accounts ${ACCOUNT_CONCURRENCY}, --concurrency ${CONCURRENCY}): ${run.seconds.toFixed(1)} s (discover+enter+plan+apply+verify, ${run.status}; accounts ${ledger}; ${run.failed} failed targets, ${run.checksFailed} checks failed, throttling error shown: ${run.throttlingShown ? 'YES' : 'no'}; ${run.callsPerRole.toFixed(2)} calls per role, all accounts' requests)`,
      `    timeline, s from start: ${run.timeline}`,
      `  sequential loop, assume into each account, read it, then the same per-role calls (${seq.callsPerRole.toFixed(2)} calls per role): ${(seq.perAccount * 1000).toFixed(0)} ms an account entered and read + ${(seq.perRole * 1000).toFixed(0)} ms a role, ${seqTotal.toFixed(0)} s for ${ACCOUNTS} × ${ROLES_PER_ACCOUNT} (extrapolated from ${SEQ_ACCOUNTS} accounts × ${SEQ_ROLES} roles): ${ifContained(run, () => `lockdown ${(seqTotal / run.seconds).toFixed(1)}× faster`)}`,
      `  per-account throttle floor with accounts in parallel ((${ROLES_PER_ACCOUNT} − ${WRITE_BURST} burst) writes / ${WRITE_RATE}/s = ${floor.toFixed(1)} s): lockdown ${ifContained(run, () => (floor > 0 ? `${(run.seconds / floor).toFixed(2)}×` : 'n/a (the burst covers every write):'))} the floor (target ≤ 1.5×, 0 failed targets)`,
      `    ${cpuLine(run, floor)}`,
    ].join('\n')
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(await benchOrgRevoke())
}
