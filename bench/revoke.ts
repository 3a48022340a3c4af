// Revoke throughput: `lockdown run` revoking 1,000 roles (plan, apply, verify) on a simulated account that
// answers every request after 50 ms, beside what the same job costs done by hand in the same run:
//  - a sequential SDK loop making the same reads and writes per role (sampled, extrapolated to 1,000);
//  - a shell loop of `aws iam put-role-policy`, the Python AWS CLI (sampled, extrapolated);
//  - and, on a second account whose IAM writes are throttled at 100/s, lockdown against the 10 s floor
//    those 1,000 writes cannot beat. Targets: ≥ 20× the SDK loop, ≥ 50× the shell loop, ≤ 1.25× the
//    floor with no failed target and no throttling error shown.
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

import {roleDetails} from './sdk-loop.js'
import {startSim, type SimHandle} from '../src/sim/index.js'
import type {Scenario} from '../src/sim/scenario-schema.js'
import {awsCli} from './aws-cli.js'
import {contained, ifContained} from './contained.js'
import {timeline} from './timeline.js'

const exec = promisify(execFile)
const ROOT = fileURLToPath(new URL('..', import.meta.url))
const ROLES = Number(process.env.REVOKE_BENCH_ROLES ?? 1000)
const LATENCY_MS = 50
const WRITE_RATE = 100
/** Roles the sequential SDK loop revokes, and how many `aws` invocations the shell loop times. */
const SDK_SAMPLE = Number(process.env.REVOKE_BENCH_SDK_SAMPLE ?? 25)
const SHELL_SAMPLE = Number(process.env.REVOKE_BENCH_SHELL_SAMPLE ?? 6)
/** Throttled runs (b) whose median is the figure. */
const THROTTLED_RUNS = Number(process.env.REVOKE_BENCH_THROTTLED_RUNS ?? 3)
/**
 * Changes applied and verified at once (lockdown run --concurrency; the default is 8). At 50 ms a request
 * a change is ~4 round trips plus the read-back's wait: 64 at once keep ~100 writes/s offered, above the
 * throttled account's limit, so the write limit and not the concurrency sets the pace there.
 */
const CONCURRENCY = Number(process.env.REVOKE_BENCH_CONCURRENCY ?? 64)
const ACCOUNT = '111122223333'

/** 1,000 application roles lockdown revokes, and separate roles under /byhand/ for the by-hand loops (never matched by `app-*`). */
function scenario(): Scenario {
  const trust = {Version: '2012-10-17', Statement: [{Effect: 'Allow', Principal: {AWS: `arn:aws:iam::${ACCOUNT}:root`}, Action: 'sts:AssumeRole'}]}
  const role = (name: string, path = '/') => ({name, path, trust, inlinePolicies: {'app-access': {Version: '2012-10-17', Statement: [{Effect: 'Allow', Action: 's3:GetObject', Resource: '*'}]}}})
  const pad = (i: number) => String(i).padStart(4, '0')
  return {
    version: 1,
    name: 'revoke-bench',
    account: {id: ACCOUNT},
    roles: [...Array.from({length: ROLES}, (_, i) => role(`app-${pad(i)}`)), ...Array.from({length: SDK_SAMPLE + SHELL_SAMPLE}, (_, i) => role(`byhand-${pad(i)}`, '/byhand/'))],
  }
}

const PLAYBOOK = `version: 1
name: revoke-bench
incident: BENCH-1
guards: {maxTargets: ${ROLES}}
steps:
  - id: contain
    action: revoke-sessions
    # The simulator enforces a policy the moment it is written (no propagation delay configured), so no
    # settle wait: verification still polls IAM's simulation until the deny holds.
    with: {roles: ["app-*"], issuedBefore: now, settle: 0s}
`

interface LockdownRun {
  seconds: number
  callsPerRole: number
  failed: number
  checksFailed: number
  throttlingShown: boolean
  status: string
  /** Where the seconds went, read from the trail (each request's time). */
  timeline: string
}

/** `lockdown run --yes --json` as a user runs it (a child process: the installed bin, else bin/run.js), against `sim`. */
async function lockdownRevoke(sim: SimHandle, dir: string, lockdown?: string): Promise<LockdownRun> {
  const file = join(dir, 'revoke-bench.yaml')
  writeFileSync(file, PLAYBOOK)
  const before = sim.records().length
  const wallStart = Date.now()
  const start = process.hrtime.bigint()
  const [cmd, ...pre] = lockdown ? [lockdown] : [process.execPath, join(ROOT, 'bin/run.js')]
  const r = await exec(cmd!, [...pre, 'run', file, '--yes', '--json', '--concurrency', String(CONCURRENCY), '--journal-dir', join(dir, 'journal')], {
    env: {...process.env, ...sim.env()},
    maxBuffer: 256 << 20,
  }).catch((e: {stdout?: string; stderr?: string}) => ({stdout: e.stdout ?? '', stderr: e.stderr ?? ''}))
  const seconds = Number(process.hrtime.bigint() - start) / 1e9
  const calls = sim.records().length - before
  const out = JSON.parse(r.stdout || '{}') as {status?: string; failures?: unknown[]; checks?: {ok: boolean}[]; error?: {message: string; detail?: {failures?: unknown[]; checks?: {ok: boolean}[]}}}
  const result = out.error?.detail ?? out
  return {
    seconds,
    callsPerRole: calls / ROLES,
    failed: (result.failures ?? []).length,
    checksFailed: (result.checks ?? []).filter((c) => !c.ok).length,
    throttlingShown: /thrott|rate exceeded/i.test(r.stdout + r.stderr),
    status: out.status ?? `error: ${out.error?.message ?? r.stderr.slice(0, 200)}`,
    timeline: timeline(sim, wallStart, seconds, {write: 'PutRolePolicy'}),
  }
}

/**
 * What a careful script does, one call at a time, making the calls lockdown makes: the plan's read of every
 * role with its tags (break-glass guard) and inline policies (size budget) — GetAccountAuthorizationDetails,
 * paged, once for the whole account as lockdown does (it used to be ListRoles, then ListRoleTags,
 * ListRolePolicies and GetRolePolicy per role, in both) — then per role the read-write-read of the deny (so
 * another responder's part is not lost) and the simulation that proves it. The account read is timed once
 * and the per-role part per role, so extrapolating to 1,000 roles does not multiply the account read.
 */
async function sequentialSdkLoop(sim: SimHandle): Promise<{planSeconds: number; perRole: number; callsPerRole: number}> {
  const iam = new IAMClient({endpoint: sim.endpoint, region: 'us-east-1', credentials: sim.rootCredentials, maxAttempts: 1})
  const before = sim.records().length
  const cutoff = new Date().toISOString()
  const deny = JSON.stringify({Version: '2012-10-17', Statement: [{Effect: 'Deny', Action: '*', Resource: '*', Condition: {DateLessThan: {'aws:TokenIssueTime': cutoff}}}]})
  const probe = (arn: string, t: number) =>
    iam.send(
      new SimulatePrincipalPolicyCommand({
        PolicySourceArn: arn,
        ActionNames: ['iam:ListRoles', 'iam:GetUser', 'sts:AssumeRole', 's3:ListAllMyBuckets', 'ec2:DescribeInstances', 'cloudtrail:LookupEvents'],
        ContextEntries: [{ContextKeyName: 'aws:TokenIssueTime', ContextKeyType: 'date', ContextKeyValues: [new Date(Date.parse(cutoff) + t).toISOString()]}],
      }),
    )
  const planStart = process.hrtime.bigint()
  try {
    const all = await roleDetails(iam)
    const planSeconds = Number(process.hrtime.bigint() - planStart) / 1e9
    const planCalls = sim.records().length - before
    const roles = all.filter((r) => r.Path === '/byhand/').slice(0, SDK_SAMPLE)
    if (roles.length < SDK_SAMPLE) throw new Error(`the by-hand loop found ${roles.length} of ${SDK_SAMPLE} roles under /byhand/`)
    const start = process.hrtime.bigint()
    for (const role of roles) {
      const RoleName = role.RoleName!
      await iam.send(new GetRolePolicyCommand({RoleName, PolicyName: 'AWSRevokeOlderSessions'})).catch(() => undefined)
      await iam.send(new PutRolePolicyCommand({RoleName, PolicyName: 'AWSRevokeOlderSessions', PolicyDocument: deny}))
      await iam.send(new GetRolePolicyCommand({RoleName, PolicyName: 'AWSRevokeOlderSessions'}))
      await probe(role.Arn!, -1000)
    }
    const seconds = Number(process.hrtime.bigint() - start) / 1e9
    return {planSeconds, perRole: seconds / roles.length, callsPerRole: (sim.records().length - before - planCalls) / roles.length + planCalls / ROLES}
  } finally {
    iam.destroy()
  }
}

/** `aws iam put-role-policy` once per role from a shell loop: seconds per role, or why it cannot run. */
async function shellLoop(sim: SimHandle, dir: string): Promise<{perRole: number} | {missing: string}> {
  const aws = awsCli()
  if ('missing' in aws) return aws
  const doc = join(dir, 'deny.json')
  writeFileSync(doc, JSON.stringify({Version: '2012-10-17', Statement: [{Effect: 'Deny', Action: '*', Resource: '*', Condition: {DateLessThan: {'aws:TokenIssueTime': new Date().toISOString()}}}]}))
  const names = Array.from({length: SHELL_SAMPLE}, (_, i) => `byhand-${String(SDK_SAMPLE + i).padStart(4, '0')}`)
  const script = `for r in ${names.join(' ')}; do "$AWS" iam put-role-policy --endpoint-url "$AWS_ENDPOINT_URL" --role-name "$r" --policy-name AWSRevokeOlderSessions --policy-document "file://$DOC" || exit 1; done`
  const start = process.hrtime.bigint()
  await exec('sh', ['-c', script], {env: {...process.env, ...sim.env(), AWS: aws.path, DOC: doc}})
  return {perRole: Number(process.hrtime.bigint() - start) / 1e9 / names.length}
}

export async function benchRevoke(opts: {lockdown?: string} = {}): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'lockdown-revoke-bench-'))
  const lines: string[] = []
  const x = (a: number, b: number) => `${(a / b).toFixed(1)}×`
  try {
    const load = loadavg()[0]!.toFixed(1)
    // (a) 50 ms a request, no throttling: lockdown, then the two by-hand loops on the same account.
    const sim = await startSim({scenario: scenario(), faults: {latencyMs: LATENCY_MS}})
    let a: LockdownRun, sdk: Awaited<ReturnType<typeof sequentialSdkLoop>>, shell: Awaited<ReturnType<typeof shellLoop>>
    try {
      a = await lockdownRevoke(sim, dir, opts.lockdown)
      sdk = await sequentialSdkLoop(sim)
      shell = await shellLoop(sim, dir)
    } finally {
      await sim.stop()
    }
    const sdkTotal = sdk.planSeconds + sdk.perRole * ROLES
    lines.push(
      `revoke ${ROLES} roles, ${LATENCY_MS} ms a request (load ${load}): lockdown run --concurrency ${CONCURRENCY} ${a.seconds.toFixed(1)} s (plan+apply+verify, ${a.status}, ${a.failed} failed, ${a.checksFailed} checks failed; ${a.callsPerRole.toFixed(2)} calls per role)`,
      `  sequential SDK loop, same reads and writes (${sdk.callsPerRole.toFixed(2)} calls per role): account read ${(sdk.planSeconds * 1000).toFixed(0)} ms + ${(sdk.perRole * 1000).toFixed(0)} ms a role, ${sdkTotal.toFixed(0)} s for ${ROLES} (extrapolated from ${SDK_SAMPLE} roles): ${ifContained(a, () => `lockdown ${x(sdkTotal, a.seconds)} faster`)} (target ≥ 20×)`,
      'missing' in shell
        ? `  shell loop of aws iam put-role-policy: not measured, ${shell.missing}`
        : `  shell loop of aws iam put-role-policy (1 call per role, no plan or verify): ${shell.perRole.toFixed(2)} s a role, ${(shell.perRole * ROLES).toFixed(0)} s for ${ROLES} (extrapolated from ${SHELL_SAMPLE} invocations): ${ifContained(a, () => `lockdown ${x(shell.perRole * ROLES, a.seconds)} faster`)} (target ≥ 50×)`,
    )
    // (b) The same on a fresh account whose IAM writes are throttled at 100/s: 1,000 writes take ≥ 10 s.
    // One run varies by ±0.1× of the floor with the machine's load: the median of a few, each on a fresh
    // account (a fresh bucket, no deny yet), all of them shown.
    const runs: LockdownRun[] = []
    for (let i = 0; i < THROTTLED_RUNS; i++) {
      const throttled = await startSim({scenario: scenario(), faults: {latencyMs: LATENCY_MS, iamWriteRate: WRITE_RATE}})
      try {
        runs.push(await lockdownRevoke(throttled, dir, opts.lockdown))
      } finally {
        await throttled.stop()
      }
    }
    const b = [...runs].sort((p, q) => p.seconds - q.seconds)[Math.floor(runs.length / 2)]!
    // A run that did not contain is the one shown: a median of the others would hide it.
    const shown = runs.find((r) => !contained(r)) ?? b
    const floor = ROLES / WRITE_RATE
    const each = runs.map((r) => r.seconds.toFixed(1)).join(', ')
    lines.push(
      `  IAM writes throttled at ${WRITE_RATE}/s (floor ${floor.toFixed(0)} s): lockdown run, median of ${runs.length} (${each} s): ${b.seconds.toFixed(1)} s = ${ifContained(shown, () => `${(b.seconds / floor).toFixed(2)}× the floor`)} (target ≤ 1.25×), ${shown.status}, ${Math.max(...runs.map((r) => r.failed))} failed targets, ${Math.max(...runs.map((r) => r.checksFailed))} checks failed (the most of any run), throttling error shown: ${runs.some((r) => r.throttlingShown) ? 'YES' : 'no'}; ${b.callsPerRole.toFixed(2)} calls per role`,
      `    timeline of the median run, s from start: ${b.timeline}`,
    )
    return lines.join('\n')
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(await benchRevoke())
}
