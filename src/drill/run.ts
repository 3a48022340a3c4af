// `lockdown drill run`: seed -> detonate -> respond -> verify -> forensics -> revert -> scorecard, on the
// embedded simulated account. The response is the real engine with its journal; the attacker keeps
// calling throughout, so containment is measured from its side.
import {mkdir, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {Listr} from 'listr2'

import type {Check} from '../actions/types.js'
import {principalOf} from '../aws/arn.js'
import {probe} from '../aws/attack-ops.js'
import {makeClients, type AwsOptions, type Clients} from '../aws/clients.js'
import {getIdentity} from '../aws/identity.js'
import {listAccessKeys} from '../aws/iam-users.js'
import {listrOptions} from '../engine/apply.js'
import {assumeBreakGlass} from '../engine/breakglass.js'
import {runPlaybook, type RunResult} from '../engine/run.js'
import {undoRun} from '../engine/undo.js'
import {LockdownError} from '../errors.js'
import {newRunId} from '../engine/run-id.js'
import {collectReport} from '../forensics/collect.js'
import {openAccounts} from '../forensics/accounts.js'
import {AccountsLookupSource} from '../forensics/sources/accounts.js'
import {LookupSource} from '../forensics/sources/lookup.js'
import type {TrailSource} from '../forensics/sources/types.js'
import {renderReport, type ForensicReport} from '../report/index.js'
import {totp} from '../sim/index.js'
import {Attacker, isRefusal} from './attacker.js'
import {findChain} from './forensic-chain.js'
import {loadDrill, type LoadedDrill} from './schema.js'
import {scoreCalls} from './score.js'
import {openResponderSessions, responderChecks} from './responders.js'
import {restoredCheck} from './restored.js'
import {renderScorecard, type Scorecard} from './scorecard.js'
import {sandboxTarget} from './sandbox.js'
import {simTarget, type DrillTarget} from './target.js'


export interface DrillOptions {
  file: string
  ideal?: boolean
  journalDir: string
  reportDir: string
  quiet?: boolean
  /** How long the attacker keeps calling after the response finished, to catch late successes. */
  watchAfterMs?: number
  /** Run in this real sandbox account (the credentials must be for it) instead of the simulated one. */
  sandbox?: {accountId: string; aws: AwsOptions}
}

interface State {
  loaded: LoadedDrill
  target: DrillTarget
  attacker: Attacker
  /** The responders' identities and calls, kept apart from the attacker's. */
  responders: Attacker
  /** target.snapshot() just before the response, when the drill expects undo to restore it. */
  before?: unknown
  aws: AwsOptions
  run?: RunResult
  runError?: LockdownError
  respondStart: number
  respondEnd: number
  checks: Check[]
  report?: ForensicReport
  reports: string[]
  revert: {ok: boolean; detail: string}
}

export async function runDrill(opts: DrillOptions): Promise<Scorecard> {
  const started = Date.now()
  const loaded = await loadDrill(opts.file)
  const drillId = newRunId()
  const target = opts.sandbox
    ? await sandboxTarget({scenarioPath: loaded.scenarioPath, aws: opts.sandbox.aws, accountId: opts.sandbox.accountId, journalDir: opts.journalDir, drillId})
    : await simTarget(loaded.scenarioPath, Boolean(opts.ideal))
  const aws = loaded.drill.response.as ? {...target.aws, credentials: target.credentialsFor(loaded.drill.response.as)} : target.aws
  const attacker = new Attacker((c, maxAttempts) => makeClients({endpoint: aws.endpoint, region: target.region, credentials: c, maxAttempts}))
  const responders = new Attacker((c, maxAttempts) => makeClients({endpoint: aws.endpoint, region: target.region, credentials: c, maxAttempts}))
  const st: State = {loaded, target, attacker, responders, aws, respondStart: 0, respondEnd: 0, checks: [], reports: [], revert: {ok: false, detail: 'not reached'}}
  const d = loaded.drill
  // Ctrl-C must not leave a seeded sandbox behind: revert, then leave.
  const onInterrupt = () => {
    void Promise.all([attacker.stopPressure(), responders.stopPressure()]).then(() => target.revert()).finally(() => process.exit(130))
  }
  process.once('SIGINT', onInterrupt)
  try {
    await new Listr(
      [
        {title: `Seed ${target.description} from ${loaded.scenarioPath}`, task: () => {}},
        {
          title: 'Detonate the attack',
          task: async (_c, task) => {
            // The responders are at work before the attack is noticed: their sessions predate any cutoff.
            for (const line of await openResponderSessions(responders, d, target)) task.output = line
            for (const [id, src] of Object.entries(d.attacker)) attacker.hold(id, target.credentialsFor(src.user, src.account), 'key', src.user)
            for (const step of d.attack) task.output = await attacker.detonate(step)
            attacker.startPressure(d.pressure)
            // Let the attacker's calls run before the response, so the scorecard shows them succeeding first.
            await sleep(600)
          },
        },
        {
          title: `Respond: ${loaded.playbookPath}`,
          task: async (_c, task) => {
            if (d.expect.undoRestores) st.before = target.snapshot?.()
            st.respondStart = Date.now()
            try {
              st.run = await runPlaybook({file: loaded.playbookPath, set: d.response.set, journalDir: opts.journalDir, aws, quiet: true})
            } catch (error) {
              if (!(error instanceof LockdownError)) throw error
              st.runError = error
              st.run = (error.detail as RunResult | undefined) ?? undefined
            }
            st.respondEnd = Date.now()
            task.title = `Respond: run ${st.run?.runId ?? '(not started)'} ${st.run?.status ?? st.runError?.message.split('\n')[0]}, ${st.run?.applied ?? 0} change(s)`
          },
        },
        {title: 'Verify containment from the attacker side', task: async () => verify(st, opts.watchAfterMs ?? 1000)},
        {title: 'Forensics: rebuild the attacker chain from CloudTrail', task: async () => forensics(st, opts.reportDir)},
        {title: 'Revert the response (lockdown undo) and the seeded account', task: async () => revert(st, opts.journalDir)},
      ],
      {...listrOptions(Boolean(opts.quiet)), exitOnError: true, concurrent: false},
    ).run()
  } catch (error) {
    // A failed phase still cleans up what the drill created.
    if (st.revert.detail === 'not reached') await revert(st, opts.journalDir)
    throw error
  } finally {
    process.off('SIGINT', onInterrupt)
    await Promise.all([attacker.stopPressure(), responders.stopPressure()])
    attacker.destroy()
    responders.destroy()
    await target.close()
  }
  const timing = scoreCalls(attacker.calls, {respondStart: st.respondStart, respondEnd: st.respondEnd}, d.expect.denied, (c) => isRefusal(c))
  st.checks.push(
    {target: 'response', name: 'response completed and verified', ok: st.run?.status === 'done', detail: st.run?.status ?? st.runError?.message ?? 'did not run'},
    {
      target: 'attacker',
      name: `contained within ${d.expect.containWithinSeconds} s`,
      ok: timing.containedMs !== null && timing.containedMs <= d.expect.containWithinSeconds * 1000,
      detail: timing.containedMs === null ? 'containment never held for every identity' : `${(timing.containedMs / 1000).toFixed(2)} s after the response started`,
    },
    {target: 'attacker', name: 'no attacker call succeeded after the response finished', ok: timing.successesAfterResponse === 0, detail: `${timing.successesAfterResponse} succeeded`},
  )
  const card: Scorecard = {
    drill: d.name,
    description: d.description,
    passed: st.checks.every((c) => c.ok),
    target: target.description,
    faults: target.faults,
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    responseRun: st.run?.runId,
    responseStatus: st.run?.status ?? 'failed',
    actionsApplied: st.run?.applied ?? 0,
    timing,
    attackerCalls: {
      total: attacker.calls.length,
      ok: attacker.calls.filter((c) => c.ok).length,
      refused: attacker.calls.filter((c) => isRefusal(c)).length,
      other: attacker.calls.filter((c) => !c.ok && !isRefusal(c)).length,
    },
    checks: st.checks,
    reports: st.reports,
    revert: st.revert,
  }
  await mkdir(opts.reportDir, {recursive: true})
  const path = join(opts.reportDir, `${d.name}-${st.run?.runId ?? 'norun'}-scorecard.md`)
  await writeFile(path, renderScorecard({...card, reports: [...card.reports, path]}))
  card.reports.push(path)
  return card
}

async function verify(st: State, watchAfterMs: number): Promise<void> {
  const d = st.loaded.drill
  // Keep the pressure on a little longer: a call that still succeeds now is a containment failure.
  await sleep(watchAfterMs)
  await st.attacker.stopPressure()
  for (const id of d.expect.denied) {
    // A refusal proves containment only if the same call worked before the response.
    const call = d.pressure.find((p) => p.as === id)?.call ?? 'iam:GetUser'
    const before = st.attacker.calls.some((c) => c.as === id && c.call === call && c.ok && c.at < st.respondStart)
    const o = await st.attacker.finalProbe(id, call)
    st.checks.push({
      target: id,
      name: 'attacker identity refused',
      ok: before && isRefusal(o),
      detail: !before
        ? `${call} never succeeded before the response: the drill cannot prove containment with it`
        : o.ok
          ? `${call} still succeeds${arnOf(st, id)}`
          : `${call} refused with ${o.error}`,
    })
  }
  const root = makeClients({...st.aws, maxAttempts: 6})
  try {
    for (const id of d.expect.inactiveKeys) {
      const i = st.attacker.get(id)
      const key = (await listAccessKeys(root.iam, i.userName!)).find((k) => k.accessKeyId === i.credentials.accessKeyId)
      st.checks.push({target: id, name: 'key is Inactive', ok: key?.status === 'Inactive', detail: `…${i.credentials.accessKeyId.slice(-4)} of ${i.userName}: ${key?.status ?? 'missing'}`})
    }
  } finally {
    root.destroy()
  }
  for (const user of d.expect.responders) st.checks.push(await responderGetsIn(st, user))
  st.checks.push(...(await responderChecks(st.responders, d, st.respondStart)))
}

async function responderGetsIn(st: State, user: string): Promise<Check> {
  const seed = st.target.mfaSeedFor(user)
  if (!seed) return {target: user, name: 'responder can assume break-glass', ok: false, detail: 'the scenario gives this user no MFA seed'}
  try {
    const r = await assumeBreakGlass({
      aws: {endpoint: st.aws.endpoint, region: st.target.region, credentials: st.target.credentialsFor(user)},
      incident: st.run?.plan?.playbook.incident,
      mfaCode: totp(seed, Date.now()),
    })
    const {accessKeyId, secretAccessKey, sessionToken} = r.credentials
    const clients = makeClients({...st.aws, credentials: {accessKeyId, secretAccessKey, sessionToken}, maxAttempts: 4})
    try {
      const o = await probe(clients, 'iam:ListRoles')
      return {target: user, name: 'responder can assume break-glass and work', ok: o.ok, detail: o.ok ? `as ${r.assumedRoleArn}` : `assumed, but ListRoles refused: ${o.error}`}
    } finally {
      clients.destroy()
    }
  } catch (error) {
    return {target: user, name: 'responder can assume break-glass and work', ok: false, detail: (error as Error).message}
  }
}

async function forensics(st: State, reportDir: string): Promise<void> {
  const d = st.loaded.drill
  const root = makeClients({...st.aws, maxAttempts: 6})
  try {
    const keys = d.expect.reportChain.map((id) => st.attacker.get(id).credentials.accessKeyId)
    // CloudTrail reaches LookupEvents minutes after the calls in AWS: ask again until the chain shows.
    const deadline = Date.now() + st.target.trailDelayMs
    let report: ForensicReport
    for (;;) {
      const {source, close} = await trailOf(st, root)
      report = await collectReport(source, {window: {start: new Date(st.respondStart - 10 * 60_000), end: new Date()}, title: `Drill ${d.name}: forensics`}).finally(close)
      if (!keys.length || findChain(report, keys).found || Date.now() > deadline) break
      await sleep(30_000)
    }
    st.report = report
    await mkdir(reportDir, {recursive: true})
    for (const format of ['md', 'html'] as const) {
      const path = join(reportDir, `${d.name}-${st.run?.runId ?? 'norun'}-forensics.${format}`)
      await writeFile(path, renderReport(report, format))
      st.reports.push(path)
    }
    if (keys.length) {
      const chain = findChain(report, keys)
      st.checks.push({target: 'forensics', name: 'report shows the attacker chain', ok: chain.found, detail: `${chain.path.join(' → ')} (${report.source.calls} LookupEvents calls)`})
    }
  } finally {
    root.destroy()
  }
}

/** A session's ARN names its account: " as arn:aws:sts::333344445555:assumed-role/…". */
const arnOf = (st: State, id: string) => {
  const arn = st.attacker.get(id).arn
  return arn ? ` as ${arn}` : ''
}

/** lockdown's own account's trail; in an organization every account's, entered as the response does. */
async function trailOf(st: State, root: Clients): Promise<{source: TrailSource; close: () => void}> {
  if (!st.target.organization) return {source: new LookupSource({regions: [st.target.region], client: (r) => root.cloudtrail(r)}), close: () => {}}
  const id = await getIdentity(root)
  const base = {clients: root, aws: st.aws, identity: {...id, principalArn: principalOf(id.arn).arn}}
  const opened = await openAccounts(base, [{organization: true}], {runId: st.run?.runId ?? newRunId()})
  return {source: new AccountsLookupSource({accounts: opened.entries, regions: [st.target.region]}), close: opened.close}
}

async function revert(st: State, journalDir: string): Promise<void> {
  const parts: string[] = []
  let ok = true
  if (st.run?.runId && st.run.applied) {
    try {
      const r = await undoRun(st.run.runId, {journalDir, aws: st.aws})
      parts.push(`lockdown undo ${st.run.runId}: ${r.undone.length} change(s) reverted`)
    } catch (error) {
      ok = false
      parts.push((error as Error).message)
    }
    st.checks.push({target: 'journal', name: 'undo reverts the response', ok, detail: parts[0]})
  }
  if (st.loaded.drill.expect.undoRestores) st.checks.push(restoredCheck(st.target, st.before))
  const seeded = await st.target.revert()
  parts.push(seeded.detail)
  st.revert = {ok: ok && seeded.ok, detail: parts.join('; ')}
  if (!seeded.ok) st.checks.push({target: 'account', name: 'seeded resources removed', ok: false, detail: seeded.detail})
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
