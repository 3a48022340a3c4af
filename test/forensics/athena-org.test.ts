// The organization trail through Athena: dev's leaked key → dev role app-ci → prod role deploy-from-dev
// → a backdoor key in prod, delivered as the organization trail (AWSLogs/<org id>/<account>/…), read by
// a table `trail athena setup --org-id` makes (account injected) with --accounts naming dev and prod:
// the same chain across the two accounts as the trail's files give. A caller without athena:* is exit 3
// naming the action.
import {mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {CreateAccessKeyCommand, CreateUserCommand} from '@aws-sdk/client-iam'
import {AssumeRoleCommand, type Credentials} from '@aws-sdk/client-sts'
import {describe, expect, it} from 'vitest'

import type {ForensicReport, SessionRow} from '../../src/report/types.js'
import {TRAIL_BUCKET} from '../../src/sim/index.js'
import {runCli} from '../support/cli.js'
import {useSim} from '../support/sim.js'

const DEV = '222233334444'
const PROD = '333344445555'
const OUT = 's3://athena-results/org/'
const trailDir = mkdtempSync(join(tmpdir(), 'athena-org-'))
const sim = await useSim({scenario: 'playbooks/scenarios/organization.yaml', trailDir})
const as = (c: Credentials) => sim.clientsAs({accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken!})

const since = new Date(Date.now() - 60_000).toISOString()
const devCi = sim.clientsAs(sim.credentialsFor('dev-ci', DEV))
const ci = (await devCi.sts.send(new AssumeRoleCommand({RoleArn: `arn:aws:iam::${DEV}:role/app-ci`, RoleSessionName: 'build-4711'}))).Credentials!
const deploy = (await as(ci).sts.send(new AssumeRoleCommand({RoleArn: `arn:aws:iam::${PROD}:role/deploy-from-dev`, RoleSessionName: 'pivot'}))).Credentials!
await as(deploy).iam.send(new CreateUserCommand({UserName: 'svc-backup'}))
await as(deploy).iam.send(new CreateAccessKeyCommand({UserName: 'svc-backup'}))
await new Promise((r) => setTimeout(r, 1100))
const until = new Date().toISOString()
sim.flushTrail()

const root = {AWS_ACCESS_KEY_ID: sim.rootCredentials.accessKeyId, AWS_SECRET_ACCESS_KEY: sim.rootCredentials.secretAccessKey}
const aws = ['--endpoint', sim.endpoint, '--region', 'us-east-1']
const WINDOW = ['--since', since, '--until', until, '--role', 'app-ci']

function essence(r: ForensicReport) {
  const ci = r.sessions.find((s) => s.sessionName === 'build-4711')!
  const pivot = r.sessions.find((s) => s.sessionName === 'pivot')!
  expect(ci, 'the app-ci session').toBeDefined()
  expect(pivot, 'the deploy-from-dev session').toBeDefined()
  const row = (s: SessionRow) => ({id: s.id, arn: s.arn, account: s.account, depth: s.depth, issuer: s.issuer, calls: s.activity.byName, flags: s.flags})
  return {ci: row(ci), pivot: row(pivot), flags: r.flags.filter((f) => f.subject === ci.id || f.subject === pivot.id).map((f) => `${f.kind} ${f.detail}`).sort()}
}

describe('the organization trail through Athena', () => {
  it('setup --org-id, then --accounts dev,prod: one chain dev → prod, as from the files', {timeout: 120_000}, async () => {
    const setup = await runCli(['trail', 'athena', 'setup', '--bucket', TRAIL_BUCKET, '--org-id', 'o-a1b2c3d4e5', '--regions', 'us-east-1', '--database', 'forensics', '--table', 'org', '--output', OUT, '--yes', ...aws, '--json'], root)
    expect(setup.code, setup.stdout.slice(0, 600)).toBe(0)
    expect(setup.json.sql[1]).toContain(`'storage.location.template'='s3://${TRAIL_BUCKET}/AWSLogs/o-a1b2c3d4e5/\${account}/CloudTrail/\${region}/\${timestamp}'`)
    expect(setup.json.sql[1]).toContain("'projection.account.type'='injected'")

    const files = await runCli(['trail', 'chains', '--path', trailDir, ...WINDOW, '--json'], root)
    const athena = await runCli(['trail', 'chains', '--source', 'athena', '--table', 'forensics.org', '--accounts', `${DEV},${PROD}`, '--athena-output', OUT, ...WINDOW, ...aws, '--json'], root)
    expect(files.code, files.stderr).toBe(0)
    expect(athena.code, athena.stdout.slice(0, 800)).toBe(0)
    const a: ForensicReport = athena.json
    expect(essence(a)).toEqual(essence(files.json))
    expect(essence(a).pivot).toMatchObject({account: PROD, depth: 2, calls: {CreateUser: 1, CreateAccessKey: 1}})
    expect(essence(a).pivot.flags).toContain('persistence')
    expect(a.accounts).toEqual(expect.arrayContaining([DEV, PROD]))

    // Only dev: the AssumeRole into prod is in dev's trail too, so the prod session is known; what it did in prod is not read.
    const devOnly = await runCli(['trail', 'chains', '--source', 'athena', '--table', 'forensics.org', '--accounts', DEV, '--athena-output', OUT, ...WINDOW, ...aws, '--json'], root)
    expect(devOnly.code).toBe(0)
    expect(essence(devOnly.json).pivot.calls).toEqual({})
  })

  it('a caller without athena:* is exit 3 naming the action it lacks', {timeout: 60_000}, async () => {
    const operator = sim.credentialsFor('lockdown-operator')
    const r = await runCli(['trail', 'chains', '--source', 'athena', '--table', 'forensics.org', '--accounts', DEV, '--athena-output', OUT, ...WINDOW, ...aws, '--json'], {AWS_ACCESS_KEY_ID: operator.accessKeyId, AWS_SECRET_ACCESS_KEY: operator.secretAccessKey})
    expect(r.code, r.stdout.slice(0, 600)).toBe(3)
    expect(r.json.error.message).toContain('athena:GetTableMetadata')
  })
})
