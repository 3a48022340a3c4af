// Forensics across an organization (issue 15), through the real SDK and the CLI against the simulated
// organization: dev's leaked key → dev role app-ci → prod role deploy-from-dev (another account) → a
// backdoor key in prod is ONE chain spanning the two accounts, whether read with LookupEvents in each
// account (entered through OrganizationAccountAccessRole) or from the organization trail's files; the
// accounts it could not read are named, never silently empty.
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {CreateAccessKeyCommand, CreateUserCommand} from '@aws-sdk/client-iam'
import {AssumeRoleCommand, type Credentials} from '@aws-sdk/client-sts'
import {describe, expect, it} from 'vitest'

import type {ForensicReport, SessionRow} from '../../src/report/types.js'
import {runCli} from '../support/cli.js'
import {useSim} from '../support/sim.js'

const DEV = '222233334444'
const PROD = '333344445555'
const trailDir = mkdtempSync(join(tmpdir(), 'org-trail-'))
const sim = await useSim({scenario: 'playbooks/scenarios/organization.yaml', trailDir})
const as = (c: Credentials) => sim.clientsAs({accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken!})

// The attack, with the leaked dev-ci key.
const devCi = sim.clientsAs(sim.credentialsFor('dev-ci', DEV))
const ci = (await devCi.sts.send(new AssumeRoleCommand({RoleArn: `arn:aws:iam::${DEV}:role/app-ci`, RoleSessionName: 'build-4711'}))).Credentials!
const deploy = (await as(ci).sts.send(new AssumeRoleCommand({RoleArn: `arn:aws:iam::${PROD}:role/deploy-from-dev`, RoleSessionName: 'pivot'}))).Credentials!
const inProd = as(deploy)
await inProd.iam.send(new CreateUserCommand({UserName: 'svc-backup'}))
const backdoor = (await inProd.iam.send(new CreateAccessKeyCommand({UserName: 'svc-backup'}))).AccessKey!

const operator = sim.credentialsFor('lockdown-operator')
const env = {AWS_ACCESS_KEY_ID: operator.accessKeyId, AWS_SECRET_ACCESS_KEY: operator.secretAccessKey}
const aws = ['--endpoint', sim.endpoint, '--region', 'us-east-1']

/** The attack's chain in a report: the app-ci session in dev and the deploy-from-dev session below it. */
function chainOf(r: ForensicReport): {ci: SessionRow; pivot: SessionRow} {
  const ci = r.sessions.find((s) => s.sessionName === 'build-4711')!
  const pivot = r.sessions.find((s) => s.sessionName === 'pivot')!
  expect(ci, 'the app-ci session').toBeDefined()
  expect(pivot, 'the deploy-from-dev session').toBeDefined()
  return {ci, pivot}
}

/** What must be the same whatever the source: the sessions of the chain, what they did, the flags. */
function essence(r: ForensicReport) {
  const {ci, pivot} = chainOf(r)
  const row = (s: SessionRow) => ({id: s.id, arn: s.arn, account: s.account, depth: s.depth, issuer: s.issuer, calls: s.activity.byName, flags: s.flags})
  return {ci: row(ci), pivot: row(pivot), flags: r.flags.filter((f) => f.subject === ci.id || f.subject === pivot.id).map((f) => `${f.kind} ${f.detail}`).sort()}
}

describe('a chain across two accounts of the organization', () => {
  let lookup: ForensicReport

  it('--accounts organization reads every ACTIVE account it can enter and joins dev → prod into one chain', {timeout: 180_000}, async () => {
    const r = await runCli(['trail', 'chains', '--accounts', 'organization', '--regions', 'us-east-1', '--since', '1h', '--role', 'app-ci', ...aws, '--json'], env)
    expect(r.code, r.stderr + r.stdout.slice(0, 2000)).toBe(0)
    lookup = r.json
    const {ci, pivot} = chainOf(lookup)
    // One chain: the prod session's parent is the dev session, which the leaked key started.
    expect(ci).toMatchObject({account: DEV, depth: 1, issuer: {kind: 'iam-user', id: `arn:aws:iam::${DEV}:user/dev-ci`, accessKeyId: 'AKIAORGDEVCI00000001'}})
    expect(pivot).toMatchObject({account: PROD, depth: 2, principal: `arn:aws:iam::${PROD}:role/deploy-from-dev`, issuer: {kind: 'session', sessionId: ci.id}})
    expect(pivot.activity.byName).toMatchObject({CreateUser: 1, CreateAccessKey: 1})
    expect(pivot.flags).toContain('persistence')
    // The AssumeRole into prod is in both accounts' trails: counted once.
    expect(lookup.gaps.join('\n')).toMatch(/cross-account duplicate event\(s\) \(same sharedEventID\) were counted once/)

    // Every account of the organization is accounted for: read, or named with the reason.
    expect(lookup.coverage!.covered.map((c) => `${c.account} ${c.name} ${c.regions}`)).toEqual(['111122223333 mgmt us-east-1', `${DEV} dev us-east-1`, `${PROD} prod us-east-1`])
    expect(lookup.coverage!.unreached).toEqual([
      {account: '444455556666', name: 'legacy', reason: expect.stringMatching(/^sts:AssumeRole arn:aws:iam::444455556666:role\/OrganizationAccountAccessRole failed: .*invited account has no OrganizationAccountAccessRole/)},
      {account: '555566667777', name: 'sandbox', reason: 'account state is SUSPENDED: only ACTIVE accounts can be entered'},
    ])
    expect(lookup.gaps.slice(0, 2).map((g) => g.slice(0, 35))).toEqual(['Not read: 444455556666 (legacy): st', 'Not read: 555566667777 (sandbox): a'])
  })

  it('the human tree shows the chain crossing into prod, and names what was not read', {timeout: 180_000}, async () => {
    const r = await runCli(['trail', 'report', '--accounts', 'organization', '--regions', 'us-east-1', '--since', '1h', '--role', 'app-ci', ...aws], env)
    expect(r.code, r.stderr).toBe(0)
    const header = r.stdout.split('\n').find((l) => l.startsWith('Accounts read'))!
    expect(header).toContain(`Accounts read 111122223333 (mgmt), ${DEV} (dev), ${PROD} (prod) · regions us-east-1`)
    expect(header).toContain('NOT read: 444455556666 (legacy) (sts:AssumeRole')
    expect(header).toContain('555566667777 (sandbox) (account state is SUSPENDED')
    expect(r.stdout).toContain('### deploy-from-dev/pivot ⚠')
    // The chart names each session's account and marks the hop from dev into prod.
    expect(r.stdout).toMatch(/"app-ci\/build-4711 in 222233334444 \(dev\) \(ASIA\w+\)"/)
    expect(r.stdout).toMatch(/ -->\|AssumeRole across accounts\| n\d+/)
    expect(r.stdout).toMatch(/"deploy-from-dev\/pivot in 333344445555 \(prod\) \(ASIA\w+\)"/)
  })

  it('the organization trail’s files of both accounts give the same chain as LookupEvents', {timeout: 120_000}, async () => {
    expect(lookup, 'the lookup test ran first').toBeDefined()
    sim.flushTrail()
    const r = await runCli(['trail', 'chains', '--path', trailDir, '--role', 'app-ci', '--json'], env)
    expect(r.code, r.stderr).toBe(0)
    const files: ForensicReport = r.json
    expect(files.accounts).toEqual(expect.arrayContaining([DEV, PROD]))
    expect(essence(files)).toEqual(essence(lookup))
    expect(chainOf(files).pivot.activity.byName).toMatchObject({CreateAccessKey: 1})
    expect(backdoor.AccessKeyId).toMatch(/^AKIA/)
  })

  it('an account AssumeRole is refused into is named in the gaps; the chain is still seen from the dev side', {timeout: 180_000}, async () => {
    sim.setFaults({denyAssumeRoleInto: [PROD]})
    try {
      const r = await runCli(['trail', 'chains', '--accounts', `current,${DEV},${PROD}`, '--regions', 'us-east-1', '--since', '1h', '--role', 'app-ci', ...aws, '--json'], env)
      expect(r.code, r.stderr).toBe(0)
      expect(r.json.coverage.unreached).toEqual([{account: PROD, reason: expect.stringMatching(/^sts:AssumeRole arn:aws:iam::333344445555:role\/OrganizationAccountAccessRole failed: AccessDenied/)}])
      expect(r.json.gaps[0]).toMatch(/^Not read: 333344445555: sts:AssumeRole .* Its events are missing from this report\.$/)
      // dev's trail holds the AssumeRole into prod: the prod session is known, what it did there is not.
      const {ci, pivot} = chainOf(r.json)
      expect(pivot).toMatchObject({arn: `arn:aws:sts::${PROD}:assumed-role/deploy-from-dev/pivot`, issuer: {sessionId: ci.id}})
      expect(pivot.activity.calls).toBe(0)
    } finally {
      sim.setFaults({denyAssumeRoleInto: []})
    }
  })
})

describe('the forensics step of a playbook over the organization', () => {
  it('writes ONE report over every account of the run (scope run): the chain into prod, the accounts not entered named', {timeout: 240_000}, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'org-run-'))
    const report = join(dir, 'INC-15.json')
    const file = join(dir, 'evidence.yaml')
    writeFileSync(
      file,
      `version: 1\nname: org-evidence\nincident: INC-15\naccounts: [{organization: true}]\nregions: [us-east-1]\nsteps:\n  - id: evidence\n    action: forensics\n    with: {since: 1h, roles: [app-ci], report: ${JSON.stringify(report)}}\n`,
    )
    const plan = await runCli(['plan', file, ...aws, '--reports-dir', dir, '--journal-dir', join(dir, 'j'), '--json'], env)
    expect(plan.code, plan.stderr).toBe(0)
    // Planned once, in the caller's (management) account, naming every account it will read.
    const changes = plan.json.steps[0].changes as {account: string; summary: string}[]
    expect(changes).toHaveLength(1)
    expect(changes[0].account).toBe('111122223333')
    expect(changes[0].summary).toContain(`accounts 111122223333, ${DEV}, ${PROD}, 444455556666, 555566667777`)

    const run = await runCli(['run', file, '--yes', ...aws, '--reports-dir', dir, '--journal-dir', join(dir, 'j'), '--json'], env)
    // The invited account cannot be entered: the run's ledger says so (exit 4), and so does the report.
    expect([0, 4], run.stderr + run.stdout.slice(0, 1000)).toContain(run.code)
    const r: ForensicReport = JSON.parse(readFileSync(report, 'utf8'))
    const {ci, pivot} = chainOf(r)
    expect(pivot).toMatchObject({account: PROD, issuer: {sessionId: ci.id}})
    expect(ci.account).toBe(DEV)
    expect(r.coverage!.covered.map((c) => c.account)).toEqual(['111122223333', DEV, PROD])
    expect(r.coverage!.unreached.map((u) => u.account)).toEqual(['444455556666', '555566667777'])
  })
})
