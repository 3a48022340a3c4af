// Permissions are proven, not listed: every action's example and every shipped playbook runs in the
// simulated account as a principal holding ONLY the policy `lockdown permissions` prints for it (its
// statements as printed, resource scopes included), and without any one of those permissions the plan
// is refused (exit 3) naming it, before any write. A forensics step reading the trail bucket in S3, or
// Athena over it, is proven the same way: the simulator checks what S3, Athena and Glue check.
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {CreateAccessKeyCommand, CreateUserCommand, PutUserPolicyCommand} from '@aws-sdk/client-iam'
import {describe, expect, it} from 'vitest'

import {ACTIONS} from '../../src/actions/index.js'
import {TRAIL_BUCKET} from '../../src/sim/index.js'
import {runCli} from '../support/cli.js'
import {useSim} from '../support/sim.js'

// The trail is delivered to a directory the simulator serves as the bucket TRAIL_BUCKET (S3 and Athena).
const trailDir = mkdtempSync(join(tmpdir(), 'lockdown-perms-trail-'))
const sim = await useSim({scenario: 'playbooks/scenarios/demo-account.yaml', trailDir})
// Actions that need an organization (revoke-org writes SCPs) prove their example in its management account.
const orgSim = await useSim({scenario: 'playbooks/scenarios/organization.yaml'})
const IN_ORGANIZATION = new Set(['revoke-org'])
const dir = mkdtempSync(join(tmpdir(), 'lockdown-perms-'))
const journalDir = join(dir, 'journal')
await sim.clients.iam.send(new CreateUserCommand({UserName: 'alice'})) // the break-glass example's responder
let users = 0

/** run and plan write reports; --reports-dir lets them write under the test's folder. */
const flags = (args: string[], on = sim) => [...args, '--endpoint', on.endpoint, '--journal-dir', journalDir, ...(['run', 'plan'].includes(args[0]) ? ['--reports-dir', dir] : [])]
const rootCli = (args: string[]) =>
  runCli(flags(args), {
    AWS_ACCESS_KEY_ID: sim.rootCredentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: sim.rootCredentials.secretAccessKey,
  })

interface Statement {
  Sid?: string
  Effect: string
  Action: string[]
  Resource: string | string[]
}

/** A fresh user holding exactly these statements, a CLI signed as that user, and `grant(missing)`: the same less one action. */
async function principalWith(statements: Statement[], on = sim) {
  const name = `proof-${++users}`
  const grant = (missing?: string) =>
    on.clients.iam.send(
      new PutUserPolicyCommand({
        UserName: name,
        PolicyName: 'lockdown',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: statements.map((st) => ({...st, Action: st.Action.filter((a) => a !== missing)})).filter((st) => st.Action.length),
        }),
      }),
    )
  await on.clients.iam.send(new CreateUserCommand({UserName: name}))
  await grant()
  const key = (await on.clients.iam.send(new CreateAccessKeyCommand({UserName: name}))).AccessKey!
  const cli = (args: string[]) =>
    runCli(flags(args, on), {
      AWS_ACCESS_KEY_ID: key.AccessKeyId!,
      AWS_SECRET_ACCESS_KEY: key.SecretAccessKey!,
    })
  return {cli, grant}
}

/** Runs FILE as a principal holding its generated policy, then takes each permission away in turn. */
async function prove(file: string, set: string[], needsOwnSimulation: boolean, on = sim, before?: () => void) {
  const policy = (await runCli(['permissions', file, '--json'])).json
  const statements: Statement[] = policy.Statement
  const actions = [...new Set(statements.flatMap((st) => st.Action))]
  const {cli, grant} = await principalWith(statements, on)
  before?.()

  const run = await cli(['run', file, ...set, '--yes', '--json'])
  expect(run.json?.error?.message, 'the run as a principal holding exactly `lockdown permissions`').toBeUndefined()
  expect(run.code).toBe(0)
  expect(run.json.status).toBe('done')
  expect(run.json.plan.permissionCheck.checked).toBe(true)
  const undo = await cli(['undo', run.json.runId, '--yes', '--json'])
  expect(undo.json?.error?.message, 'undo').toBeUndefined()
  expect(undo.code).toBe(0)

  for (const missing of actions) {
    await grant(missing)
    const plan = await cli(['plan', file, ...set, '--json'])
    if (missing === 'iam:SimulatePrincipalPolicy' && !needsOwnSimulation) {
      // Only the preflight needed it: the plan goes on and says plainly that it could not check.
      expect(plan.json?.error?.message, missing).toBeUndefined()
      expect(plan.json.permissionCheck).toMatchObject({checked: false, detail: expect.stringContaining('could not check')})
      continue
    }
    expect(plan.code, `plan without ${missing}`).toBe(3)
    expect(plan.json.error.message).toContain(missing)
    expect(plan.json.error.next).toBe(`grant the policy from: lockdown permissions ${file}   (then plan again)`)
  }
}

describe.each(ACTIONS.map((a) => [a.name, a] as const))('action %s: its example, with exactly its permissions', (name, action) => {
  it('succeeds, and fails with exit 3 naming each permission taken away', async () => {
    let example = action.example
    let cleanup: (() => Promise<unknown>) | undefined
    // The report goes under reports/ (ignored by git), the example's own folder.
    if (name === 'forensics') example = example.replace(/report: .*/, 'report: "reports/permissions-proof-${incident}.md"')
    if (name === 'break-glass-revoke') {
      // Something to end: the break-glass example's grant for the same incident.
      const grant = join(dir, 'grant.yaml')
      writeFileSync(grant, `version: 1\nname: grant\nincident: INC-2041\nsteps:\n${ACTIONS.find((a) => a.name === 'break-glass')!.example.replace(/^/gm, '  ')}\n`)
      const granted = await rootCli(['run', grant, '--yes', '--json'])
      expect(granted.code).toBe(0)
      cleanup = async () => {
        const u = await rootCli(['undo', granted.json.runId, '--yes', '--json'])
        expect(u.json?.error?.message, 'undo of the grant').toBeUndefined()
      }
    }
    const file = join(dir, `${name}.yaml`)
    writeFileSync(file, `version: 1\nname: ${name}-example\nincident: INC-2041\nsteps:\n${example.replace(/^/gm, '  ')}\n`)
    try {
      await prove(file, [], action.permissions.includes('iam:SimulatePrincipalPolicy'), IN_ORGANIZATION.has(name) ? orgSim : sim)
    } finally {
      await cleanup?.()
    }
  })
})

describe('a forensics step reading the trail bucket or Athena, with exactly the permissions its source needs', () => {
  const step = (source: string, report: string) =>
    `  - id: evidence\n    action: forensics\n    with:\n      since: 1h\n      source: ${source}\n      report: "${report}"\n`
  const write = (name: string, source: string, report: string) => {
    const file = join(dir, `${name}.yaml`)
    writeFileSync(file, `version: 1\nname: ${name}\nincident: INC-2041\nsteps:\n${step(source, report)}`)
    return file
  }
  /** The report's own account of where it read: the source line. */
  const sourceLine = (report: string) => JSON.parse(readFileSync(report, 'utf8')).source.description as string

  it('s3: ListBucket on the bucket and GetObject under its prefix, and nothing of LookupEvents', async () => {
    // Under reports/ (ignored by git), where a playbook may write without --reports-dir.
    const report = 'reports/permissions-proof-s3.json'
    const file = write('forensics-s3', `{s3: "s3://${TRAIL_BUCKET}/"}`, report)
    const policy = (await runCli(['permissions', file, '--json'])).json
    expect(policy.Statement).toEqual([
      {Sid: 'Lockdown', Effect: 'Allow', Action: ['iam:SimulatePrincipalPolicy'], Resource: '*'},
      {Sid: 'LockdownScoped1', Effect: 'Allow', Action: ['s3:ListBucket'], Resource: `arn:aws:s3:::${TRAIL_BUCKET}`},
      {Sid: 'LockdownScoped2', Effect: 'Allow', Action: ['s3:GetObject'], Resource: `arn:aws:s3:::${TRAIL_BUCKET}/*`},
    ])
    // The KMS key of an encrypted trail is the one thing the policy cannot name: said on stderr.
    expect((await runCli(['permissions', file])).stderr).toContain('kms:Decrypt')
    // The access role's policy (a run entering other accounts) carries the same scoped statements.
    const role = (await runCli(['permissions', file, '--for', 'access-role', '--json'])).json
    expect(role.Statement.slice(1).map((st: Statement) => st.Resource)).toEqual([`arn:aws:s3:::${TRAIL_BUCKET}`, `arn:aws:s3:::${TRAIL_BUCKET}/*`])
    // The principal's own calls so far are delivered: the bucket holds this account's trail.
    await prove(file, [], false, sim, () => sim.flushTrail())
    expect(sourceLine(report)).toMatch(new RegExp(`^S3 s3://${TRAIL_BUCKET}/ \\([1-9][\\d,]* objects`))
  })

  it('athena: the workgroup, the Glue catalog, database and table, the results location', async () => {
    const setup = await rootCli(['trail', 'athena', 'setup', '--bucket', TRAIL_BUCKET, '--database', 'forensics', '--table', 'trail', '--regions', sim.region, '--output', 's3://athena-results/proof/', '--yes', '--json'])
    expect(setup.json?.error?.message, 'athena setup as root').toBeUndefined()
    const report = 'reports/permissions-proof-athena.json'
    const file = write('forensics-athena', '{athena: {table: forensics.trail, output: "s3://athena-results/proof/"}}', report)
    const policy = (await runCli(['permissions', file, '--json'])).json
    const on = (resource: string) => policy.Statement.find((st: Statement) => JSON.stringify(st.Resource) === JSON.stringify(resource))?.Action
    expect(on('arn:aws:athena:*:*:workgroup/primary')).toEqual(['athena:GetQueryExecution', 'athena:GetQueryResults', 'athena:StartQueryExecution', 'athena:StopQueryExecution'])
    expect(on('arn:aws:athena:*:*:datacatalog/AwsDataCatalog')).toEqual(['athena:GetTableMetadata'])
    expect(on(['arn:aws:glue:*:*:catalog', 'arn:aws:glue:*:*:database/forensics', 'arn:aws:glue:*:*:table/forensics/trail'] as unknown as string)).toEqual(['glue:GetPartitions', 'glue:GetTable'])
    expect(on(['arn:aws:glue:*:*:catalog', 'arn:aws:glue:*:*:database/forensics'] as unknown as string)).toEqual(['glue:GetDatabase'])
    expect(on('arn:aws:s3:::athena-results')).toEqual(['s3:GetBucketLocation'])
    expect(on('arn:aws:s3:::athena-results/proof/*')).toEqual(['s3:PutObject'])
    expect(on('*')).toEqual(['iam:SimulatePrincipalPolicy', 's3:GetObject', 's3:ListBucket'])
    await prove(file, [], false, sim, () => sim.flushTrail())
    expect(sourceLine(report)).toMatch(/^Athena table forensics\.trail \(workgroup primary\): 1 query /)
  })
})

describe('shipped playbooks, with exactly their permissions', () => {
  it.each([
    ['leaked-access-key', ['--set', 'user=ci-deploy', '--set', 'key=AKIASIMCIDEPLOY00001']],
    ['compromised-role-chain', ['--set', 'user=ci-deploy', '--set', 'role=app-web']],
    ['persistence-backdoor-key', ['--set', 'user=ci-deploy', '--set', 'role=app-web']],
    ['break-glass', ['--set', 'responder=arn:aws:iam::111122223333:user/responder']],
  ])('%s', async (name, set) => {
    await prove(`playbooks/${name}.yaml`, set, true)
  })
})

describe('the caller is checked before any write', () => {
  it('an analyst with SecurityAudit gets exit 3 naming what is missing, not a clean plan and then exit 4', async () => {
    const analyst = sim.credentialsFor('analyst')
    const r = await runCli(flags(['run', 'playbooks/leaked-access-key.yaml', '--set', 'user=ci-deploy', '--set', 'key=AKIASIMCIDEPLOY00001', '--yes', '--json']), {
      AWS_ACCESS_KEY_ID: analyst.accessKeyId,
      AWS_SECRET_ACCESS_KEY: analyst.secretAccessKey,
    })
    expect(r.code).toBe(3)
    expect(r.json.error.message).toMatch(/user\/analyst lacks \d+ permissions this plan needs: .*iam:PutUserPolicy.*iam:UpdateAccessKey/)
    expect(r.json.error.next).toBe('grant the policy from: lockdown permissions playbooks/leaked-access-key.yaml   (then plan again)')
    const records = sim.records() as {eventName: string; userIdentity?: {userName?: string}}[]
    expect(records.filter((x) => x.userIdentity?.userName === 'analyst').map((x) => x.eventName)).toEqual(['GetCallerIdentity', 'SimulatePrincipalPolicy'])
  })
})
