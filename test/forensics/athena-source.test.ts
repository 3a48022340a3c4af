// --source athena end to end through the real @aws-sdk/client-athena and the CLI: the compromised-role-
// chain drill's story (a leaked CI key chained app-web → app-data, a session token, then lockdown's
// response) delivered as trail files to the simulator's bucket gives the same sessions, chains and flags
// from --path (files) and from Athena; query ids, bytes scanned and cost are printed; --max-scan is held
// by the workgroup cutoff or refused before any query.
import {mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {AthenaClient, CreateWorkGroupCommand} from '@aws-sdk/client-athena'
import {GetUserCommand, ListRolesCommand} from '@aws-sdk/client-iam'
import {AssumeRoleCommand, GetSessionTokenCommand} from '@aws-sdk/client-sts'
import {describe, expect, it} from 'vitest'

import {readCommitted} from '../../scripts/result-schemas.js'
import {TRAIL_BUCKET} from '../../src/sim/index.js'
import {violations} from '../support/json-schema.js'
import {runCli} from '../support/cli.js'
import {useSim} from '../support/sim.js'

const ACCT = '111122223333'
const OUT = 's3://athena-results/lockdown/'
const bucket = mkdtempSync(join(tmpdir(), 'athena-trail-'))
const journal = mkdtempSync(join(tmpdir(), 'athena-journal-'))
const sim = await useSim({scenario: 'playbooks/scenarios/demo-account.yaml', trailDir: bucket})
const env = {...sim.env(), AWS_SHARED_CREDENTIALS_FILE: join(journal, 'none')}
const cli = (args: string[]) => runCli([...args, '--journal-dir', journal], env)

const since = new Date(Date.now() - 60_000).toISOString()
// The attack, as the drill plays it.
const leaked = sim.clientsAs(sim.credentialsFor('ci-deploy'))
const web = (await leaked.sts.send(new AssumeRoleCommand({RoleArn: `arn:aws:iam::${ACCT}:role/app-web`, RoleSessionName: 'exfil'}))).Credentials!
const webC = sim.clientsAs({accessKeyId: web.AccessKeyId!, secretAccessKey: web.SecretAccessKey!, sessionToken: web.SessionToken!})
const data = (await webC.sts.send(new AssumeRoleCommand({RoleArn: `arn:aws:iam::${ACCT}:role/app-data`, RoleSessionName: 'exfil-data'}))).Credentials!
const dataC = sim.clientsAs({accessKeyId: data.AccessKeyId!, secretAccessKey: data.SecretAccessKey!, sessionToken: data.SessionToken!})
const token = (await leaked.sts.send(new GetSessionTokenCommand({}))).Credentials!
const tokenC = sim.clientsAs({accessKeyId: token.AccessKeyId!, secretAccessKey: token.SecretAccessKey!, sessionToken: token.SessionToken!})
for (let i = 0; i < 3; i++) {
  await leaked.iam.send(new GetUserCommand({}))
  await webC.iam.send(new ListRolesCommand({}))
  await dataC.iam.send(new ListRolesCommand({}))
  await tokenC.iam.send(new GetUserCommand({}))
}
// The response, as the drill runs it: the playbook through the engine and journal.
const response = await cli(['run', 'playbooks/compromised-role-chain.yaml', '--set', 'incident=DRILL-CHAIN', '--set', 'user=ci-deploy', '--set', 'role=app-web', '--yes', '--json'])
await webC.iam.send(new ListRolesCommand({})).catch(() => undefined) // refused now: the trail shows it
await new Promise((r) => setTimeout(r, 1100))
const until = new Date().toISOString()
sim.flushTrail()
const WINDOW = ['--since', since, '--until', until]

type Principal = {arn: string; accessKeyId?: string; activity: {calls: number}}
type Report = {sessions: unknown[]; flags: unknown[]; findings: unknown[]; principals: Principal[]; summary: Record<string, number>; source: {kind: string; description: string}; gaps: string[]}
/**
 * What the analyst acts on: the same whichever source read it. Principals are compared for the leaked
 * key: an indexed source asks in rounds (issuing and persistence events by name, then the keys in
 * question), so the responder's own read calls, in no chain, are what only the full file scan counts.
 */
const story = (r: Report) => ({sessions: r.sessions, flags: r.flags, findings: r.findings, principals: r.principals.filter((p) => p.arn.endsWith(':user/ci-deploy')), chains: r.summary.chains, maxDepth: r.summary.maxDepth})

describe('--source athena', () => {
  it('trail athena setup prints the table without --yes (nothing sent), creates it with --yes, and finds it the second time', async () => {
    const before = sim.requestCount()
    const printed = await cli(['trail', 'athena', 'setup', '--bucket', TRAIL_BUCKET, '--database', 'forensics', '--table', 'trail', '--regions', 'us-east-1', '--json'])
    expect(printed.code, printed.stdout).toBe(0)
    expect(printed.json).toMatchObject({outcome: 'printed', queryIds: []})
    expect(printed.json.sql[1]).toContain(`'storage.location.template'='s3://${TRAIL_BUCKET}/AWSLogs/\${account}/CloudTrail/\${region}/\${timestamp}'`)
    expect(sim.requestCount()).toBe(before)
    const human = await cli(['trail', 'athena', 'setup', '--bucket', TRAIL_BUCKET, '--database', 'forensics', '--table', 'trail', '--output', OUT, '--yes'])
    expect(human.code, human.stderr).toBe(0)
    expect(human.stdout).toContain('CREATE EXTERNAL TABLE IF NOT EXISTS forensics.trail (')
    expect(human.stdout).toMatch(/Created forensics\.trail \(queries [0-9a-f-]{36}, [0-9a-f-]{36}\)/)
    expect(human.stdout).toContain('Next: lockdown trail chains --source athena --table forensics.trail --athena-output s3://athena-results/lockdown/ --since 7d')
    const again = await cli(['trail', 'athena', 'setup', '--bucket', TRAIL_BUCKET, '--database', 'forensics', '--table', 'trail', '--output', OUT, '--yes', '--json'])
    expect(again.json).toMatchObject({outcome: 'exists', queryIds: []})
    expect(again.json.existingTemplate).toBeUndefined()
    for (const out of [printed.json, again.json]) expect(violations(out, readCommitted('trail-athena-setup'))).toEqual([])
  })

  it('the drill trail gives the same sessions, chains and flags from files and from Athena', async () => {
    expect(response.code, response.stdout.slice(0, 500)).toBe(0)
    const files = await cli(['trail', 'chains', '--path', bucket, ...WINDOW, '--json'])
    const athena = await cli(['trail', 'chains', '--source', 'athena', '--table', 'forensics.trail', '--athena-output', OUT, ...WINDOW, '--json'])
    expect(files.code, files.stderr).toBe(0)
    expect(athena.code, athena.stdout.slice(0, 1000)).toBe(0)
    const f = files.json as Report
    const a = athena.json as Report
    expect(f.summary).toMatchObject({chains: 1, maxDepth: 2})
    expect(f.sessions.length).toBeGreaterThanOrEqual(3)
    expect(story(a)).toEqual(story(f))
    expect(story(f).principals).toHaveLength(1)
    expect(a.flags.length).toBeGreaterThan(0)
    // The source line names each query, the bytes it scanned and the cost.
    expect(a.source.kind).toBe('athena')
    expect(a.source.description).toMatch(/^Athena table forensics\.trail \(workgroup primary\): 2 queries [0-9a-f-]{36} \(\d+(\.\d)? KB\), [0-9a-f-]{36} \(\d+(\.\d)? KB\); \d+(\.\d)? KB scanned, USD 0\.000\d+ \(USD 5\/TB, at least 10 MB a query\); account partition injected: read account 111122223333 \(the caller's\)$/)
    expect(a.gaps[0]).toMatch(/^The source was asked \d+ time\(s\): \d+ for issuing, persistence and tampering events by name, \d+ for \d+ access key\(s\)/)
  })

  it('trail chains prints the chain and the Athena line (queries, bytes, cost)', async () => {
    const r = await cli(['trail', 'chains', '--table', 'forensics.trail', '--athena-output', OUT, '--accounts', ACCT, ...WINDOW])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).not.toContain('account partition injected')
    const words = await cli(['trail', 'chains', '--table', 'forensics.trail', '--accounts', 'organization', ...WINDOW, '--json'])
    expect(words.code).toBe(2)
    expect(words.json.error.message).toContain("--source athena takes account ids in --accounts (the table's account partition), not 'organization'")
    expect(r.stdout).toContain('user/ci-deploy')
    expect(r.stdout).toMatch(/app-web\/exfil[\s\S]*app-data\/exfil-data/)
    expect(r.stdout).toMatch(/· Athena table forensics\.trail \(workgroup primary\): 2 queries .* scanned, USD /)
  })

  it('--max-scan: held by the workgroup cutoff when it is at most the limit, else refused (exit 3) before any query', async () => {
    const athena = new AthenaClient({endpoint: sim.endpoint, region: sim.region, credentials: sim.rootCredentials})
    await athena.send(new CreateWorkGroupCommand({Name: 'incident', Configuration: {BytesScannedCutoffPerQuery: 10_000_000, ResultConfiguration: {OutputLocation: OUT}}}))
    athena.destroy()
    const held = await cli(['trail', 'report', '--table', 'forensics.trail', '--workgroup', 'incident', '--max-scan', '1GB', ...WINDOW, '--format', 'json', '--out', join(journal, 'r.json'), '--json'])
    expect(held.code, held.stdout.slice(0, 800)).toBe(0)
    expect(held.json.source.description).toContain("--max-scan 1.0 GB: held by workgroup incident's BytesScannedCutoffPerQuery (9.5 MB a query)")
    const before = sim.records().filter((r) => r.eventName === 'StartQueryExecution').length
    const refused = await cli(['trail', 'chains', '--table', 'forensics.trail', '--athena-output', OUT, '--max-scan', '5MB', ...WINDOW, '--json'])
    expect(refused.code).toBe(3)
    expect(refused.json.error.message).toContain('--max-scan 5.0 MB cannot be held: Athena gives no scan estimate before a query runs, and workgroup primary sets no BytesScannedCutoffPerQuery. Nothing was queried.')
    expect(refused.json.error.next).toContain('aws athena update-work-group --work-group primary --configuration-updates BytesScannedCutoffPerQuery=10000000')
    expect(sim.records().filter((r) => r.eventName === 'StartQueryExecution').length).toBe(before)
  })

  it('a table that is not there is exit 2 naming the setup command', async () => {
    const r = await cli(['trail', 'chains', '--table', 'forensics.nothere', '--athena-output', OUT, ...WINDOW, '--json'])
    expect(r.code).toBe(2)
    expect(r.json.error.message).toContain('Athena has no table forensics.nothere')
    expect(r.json.error.next).toContain('lockdown trail athena setup --bucket')
  })
})
