// LookupEvents across accounts, through the real SDK: two simulated accounts (each its own server, its
// own trail and its own 2 requests/s per region), one region refused to the analyst, one account that
// could not be entered. What was read and what was not is in the header, the gaps and the JSON.
import {CreateAccessKeyCommand, CreateUserCommand, PutUserPolicyCommand} from '@aws-sdk/client-iam'
import {AssumeRoleCommand} from '@aws-sdk/client-sts'
import {mkdtempSync, readFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {forensicsAction} from '../../src/actions/forensics.js'
import type {Ctx} from '../../src/actions/types.js'

import type {Clients} from '../../src/aws/clients.js'
import {collectReport} from '../../src/forensics/collect.js'
import {AccountsLookupSource, NothingReachedError, type AccountEntry} from '../../src/forensics/sources/accounts.js'
import {renderMarkdown} from '../../src/report/markdown.js'
import {runCli} from '../support/cli.js'
import {useSim} from '../support/sim.js'

const REGIONS = ['us-east-1', 'eu-west-1']
const demo = await useSim({scenario: 'playbooks/scenarios/demo-account.yaml'})
const backdoor = await useSim({scenario: 'playbooks/scenarios/backdoor-account.yaml'})
const window = () => ({start: new Date(Date.now() - 3_600_000), end: new Date(Date.now() + 60_000)})
const entry = (id: string, name: string, c: Clients): AccountEntry => ({id, name, cloudtrail: (r) => c.cloudtrail(r)})

/** An analyst in the backdoor account who may read the trail in us-east-1 only. */
async function usEastAnalyst(): Promise<Clients> {
  const iam = backdoor.clients.iam
  await iam.send(new CreateUserCommand({UserName: 'analyst'}))
  const doc = {Version: '2012-10-17', Statement: [{Effect: 'Allow', Action: 'cloudtrail:LookupEvents', Resource: '*', Condition: {StringEquals: {'aws:RequestedRegion': 'us-east-1'}}}]}
  await iam.send(new PutUserPolicyCommand({UserName: 'analyst', PolicyName: 'trail-us-east-1', PolicyDocument: JSON.stringify(doc)}))
  const key = (await iam.send(new CreateAccessKeyCommand({UserName: 'analyst'}))).AccessKey!
  return backdoor.clientsAs({accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey!})
}

// What happened: in the backdoor account, the leaked deployer key assumes app-admin and that session
// makes a key for svc-report (a backdoor); in the demo account, the root assumes nothing but calls IAM.
const deployer = backdoor.clientsAs(backdoor.credentialsFor('deployer'))
const creds = (
  await deployer.sts.send(new AssumeRoleCommand({RoleArn: 'arn:aws:iam::222233334444:role/app-admin', RoleSessionName: 'pivot'}))
).Credentials!
const admin = backdoor.clientsAs({accessKeyId: creds.AccessKeyId!, secretAccessKey: creds.SecretAccessKey!, sessionToken: creds.SessionToken!})
await admin.iam.send(new CreateAccessKeyCommand({UserName: 'svc-report'}))
const analyst = await usEastAnalyst()

describe('LookupEvents across accounts', () => {
  it('reads each reachable account × region, and names the account not entered and the region refused, in the gaps, the header and the JSON', async () => {
    // The client-side limit (2/s per pair, as AWS) has its own test below; here it would only cost time.
    const source = new AccountsLookupSource({
      regions: REGIONS,
      ratePerSec: 100,
      accounts: [
        entry('111122223333', 'demo', demo.clients),
        entry('222233334444', 'backdoor', analyst),
        {id: '444455556666', name: 'invited', unreachable: 'no access role: AssumeRole into OrganizationAccountAccessRole was denied (AccessDenied)'},
      ],
    })
    const r = await collectReport(source, {window: window()})

    // The chain in the account the analyst could read only in us-east-1 is whole.
    const pivot = r.sessions.find((s) => s.sessionName === 'pivot')!
    expect(pivot.account).toBe('222233334444')
    expect(pivot.issuer.accessKeyId).toBe('AKIABACKDOORDEPLOY01')
    expect(pivot.activity.byName).toMatchObject({CreateAccessKey: 1})
    expect(r.flags.some((f) => f.subject === pivot.id && f.kind === 'persistence')).toBe(true)

    expect(r.coverage).toEqual({
      covered: [
        {account: '111122223333', name: 'demo', regions: REGIONS},
        {account: '222233334444', name: 'backdoor', regions: ['us-east-1']},
      ],
      unreached: [
        {account: '444455556666', name: 'invited', reason: 'no access role: AssumeRole into OrganizationAccountAccessRole was denied (AccessDenied)'},
        {account: '222233334444', name: 'backdoor', region: 'eu-west-1', reason: expect.stringMatching(/^LookupEvents denied \(AccessDenied.*cloudtrail:LookupEvents/)},
      ],
    })
    expect(r.gaps[0]).toBe('Not read: 444455556666 (invited): no access role: AssumeRole into OrganizationAccountAccessRole was denied (AccessDenied). Its events are missing from this report.')
    expect(r.gaps[1]).toMatch(/^Not read: 222233334444 \(backdoor\) eu-west-1: LookupEvents denied/)
    // eu-west-1 of the backdoor account was refused once and not asked again in the later rounds.
    expect(r.gaps[2]).toMatch(/^LookupEvents was asked \d+ time\(s\)/)

    const header = renderMarkdown(r).split('\n')[2]
    expect(header).toContain('Accounts read 111122223333 (demo): us-east-1, eu-west-1; 222233334444 (backdoor): us-east-1')
    expect(header).toContain('NOT read: 444455556666 (invited) (no access role')
    expect(header).toContain('222233334444 (backdoor) eu-west-1 (LookupEvents denied')
    // --json is this object: the same lists.
    expect(JSON.parse(JSON.stringify(r)).coverage.unreached).toHaveLength(2)
  })

  it('refuses (exit 3) when no account of the selection could be read: an empty report would say nothing happened', async () => {
    const source = new AccountsLookupSource({
      regions: ['eu-west-1'],
      ratePerSec: 100,
      accounts: [entry('222233334444', 'backdoor', analyst), {id: '555566667777', name: 'closed', unreachable: 'SUSPENDED: not entered'}],
    })
    const err = await collectReport(source, {window: window()}).catch((e) => e)
    expect(err).toBeInstanceOf(NothingReachedError)
    expect(err.exitCode).toBe(3)
    expect(err.message).toContain('555566667777 (closed): SUSPENDED: not entered')
    expect(err.message).toContain('222233334444 (backdoor) eu-west-1: LookupEvents denied')
    expect(err.next).toContain('--accounts current')
  })
})

describe('a token bucket for each account × region', () => {
  it('keeps every pair within AWS’s 2 requests/s while the pairs run side by side', {timeout: 60_000}, async () => {
    // Both simulated accounts enforce AWS's limit per region; no throttle may get past the retries.
    demo.setFaults({lookupEventsRate: 2})
    backdoor.setFaults({lookupEventsRate: 2})
    try {
      const source = new AccountsLookupSource({regions: REGIONS, accounts: [entry('111122223333', 'demo', demo.clients), entry('222233334444', 'backdoor', backdoor.clients)]})
      const names = ['AssumeRole', 'CreateAccessKey', 'CreateUser', 'GetSessionToken', 'GetFederationToken', 'AssumeRoleWithSAML']
      const t0 = Date.now()
      const got: string[] = []
      for await (const e of source.events({start: window().start.getTime(), end: window().end.getTime(), eventNames: names})) got.push(`${e.account} ${e.name}`)
      const took = Date.now() - t0
      expect(source.coverage().unreached).toEqual([])
      expect(got).toContain('222233334444 CreateAccessKey')
      expect(got).toContain('222233334444 AssumeRole')
      // 6 names × 4 pairs = 24 calls at least. At 2 a second, one after another, that is over 11 s;
      // side by side each pair needs about 2.5 s.
      expect(source.stats().calls).toBeGreaterThanOrEqual(24)
      expect(took).toBeLessThan(8_000)
    } finally {
      demo.setFaults({lookupEventsRate: 0})
      backdoor.setFaults({lookupEventsRate: 0})
    }
  })
})

describe('the forensics action across the run’s accounts', () => {
  const dir = mkdtempSync(join(tmpdir(), 'forensics-accounts-'))
  const caller = {account: '111122223333', arn: 'arn:aws:iam::111122223333:root', userId: '111122223333', principalArn: 'arn:aws:iam::111122223333:root'}
  const ctx = (accounts?: {id: string; name?: string; clients?: Clients; unreachable?: string}[]): Ctx & {accounts?: typeof accounts} => ({
    clients: demo.clients,
    account: {id: '111122223333', clients: demo.clients, caller, access: 'caller'},
    signal: new AbortController().signal,
    runId: 'run-1',
    incident: 'INC-15',
    caller,
    now: () => new Date(),
    protect: [],
    step: {id: 'evidence', allowSelf: false},
    log: () => {},
    accounts,
  })
  const scope = [
    {id: '111122223333', name: 'demo', clients: demo.clients},
    {id: '222233334444', name: 'backdoor', clients: backdoor.clients},
    {id: '444455556666', name: 'invited', unreachable: 'sts:AssumeRole failed: AccessDenied'},
  ]

  it('reads every account of the playbook’s scope by default, and names the one the run could not enter', {timeout: 60_000}, async () => {
    const p = forensicsAction.params.parse({since: '1h', report: join(dir, 'all.json')})
    const c = ctx(scope)
    const plan = await forensicsAction.plan(p, c)
    expect(plan.changes[0].summary).toContain('accounts 111122223333, 222233334444, 444455556666')
    const applied = await forensicsAction.apply(plan.changes[0], c)
    expect(applied.result).toMatchObject({accounts: ['111122223333', '222233334444'], unreached: [{account: '444455556666', reason: 'sts:AssumeRole failed: AccessDenied'}]})
    const r = JSON.parse(readFileSync(join(dir, 'all.json'), 'utf8'))
    expect(r.sessions.find((s: {sessionName?: string}) => s.sessionName === 'pivot').account).toBe('222233334444')
    expect(r.gaps[0]).toBe('Not read: 444455556666 (invited): sts:AssumeRole failed: AccessDenied. Its events are missing from this report.')
  })

  it('accounts: narrows the scope; an account the run did not enter is a gap that says to add it to the playbook', {timeout: 60_000}, async () => {
    const p = forensicsAction.params.parse({since: '1h', accounts: ['current', '999988887777'], report: join(dir, 'some.json')})
    const c = ctx(scope)
    const applied = await forensicsAction.apply((await forensicsAction.plan(p, c)).changes[0], c)
    expect(applied.result).toMatchObject({accounts: ['111122223333'], unreached: [{account: '999988887777', reason: expect.stringContaining("not in the playbook's accounts:")}]})
    expect(forensicsAction.params.safeParse({since: '1h', accounts: ['prod']}).success).toBe(false)
  })
})

describe('the forensics action planned once per account', () => {
  it('writes a member account’s report beside the caller account’s, never over it', async () => {
    const caller = {account: '111122223333', arn: 'arn:aws:iam::111122223333:root', userId: '111122223333', principalArn: 'arn:aws:iam::111122223333:root'}
    const inAccount = (id: string, clients: Clients): Ctx => ({
      clients,
      account: {id, clients, caller, access: id === caller.account ? 'caller' : {role: 'OrganizationAccountAccessRole', chain: []}},
      signal: new AbortController().signal,
      runId: 'run-2',
      incident: 'INC-15',
      caller,
      now: () => new Date(),
      protect: [],
      step: {id: 'evidence', allowSelf: false},
      log: () => {},
    })
    const p = forensicsAction.params.parse({since: '1h', report: 'reports/${incident}.md'})
    expect((await forensicsAction.plan(p, inAccount('111122223333', demo.clients))).changes[0].target).toBe('file:reports/INC-15.md')
    expect((await forensicsAction.plan(p, inAccount('222233334444', backdoor.clients))).changes[0].target).toBe('file:reports/INC-15-222233334444.md')
    const named = forensicsAction.params.parse({since: '1h', report: 'reports/${account}/${incident}.md'})
    expect((await forensicsAction.plan(named, inAccount('222233334444', backdoor.clients))).changes[0].target).toBe('file:reports/222233334444/INC-15.md')
  })
})

describe('trail chains --accounts', () => {
  const env = {AWS_ACCESS_KEY_ID: demo.rootCredentials.accessKeyId, AWS_SECRET_ACCESS_KEY: demo.rootCredentials.secretAccessKey}
  const aws = ['--endpoint', demo.endpoint, '--region', 'us-east-1', '--since', '1h']

  // Each run asks LookupEvents at AWS's own 2 requests/s: about 15 s for the first round.
  it('reads the caller’s account and names an account it could not enter (no access role there), in the output and the JSON', {timeout: 120_000}, async () => {
    const r = await runCli(['trail', 'chains', '--accounts', 'current,444455556666', ...aws, '--json'], env)
    expect(r.code, r.stderr).toBe(0)
    expect(r.json.coverage.covered).toEqual([{account: '111122223333', regions: ['us-east-1']}])
    expect(r.json.coverage.unreached).toEqual([
      {account: '444455556666', reason: expect.stringMatching(/^sts:AssumeRole arn:aws:iam::444455556666:role\/OrganizationAccountAccessRole failed: .*invited account has no OrganizationAccountAccessRole/)},
    ])
    const human = await runCli(['trail', 'chains', '--accounts', 'current,444455556666', ...aws], env)
    expect(human.stdout).toMatch(/NOT read: 444455556666: sts:AssumeRole/)
  })

  it('refuses a word that is not an account, and --accounts with files (exit 2)', async () => {
    const bad = await runCli(['trail', 'chains', '--accounts', 'current,prod', ...aws, '--json'], env)
    expect(bad.code).toBe(2)
    expect(bad.json.error.message).toContain('"prod" is not current, organization or a 12-digit account id')
    const files = await runCli(['trail', 'chains', '--accounts', 'current', '--path', 'test/fixtures/cloudtrail/stratus-red-team', '--json'], env)
    expect(files.code).toBe(2)
    expect(files.json.error.next).toContain('--source lookup --accounts')
  })
})
