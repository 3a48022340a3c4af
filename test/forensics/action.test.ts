// The forensics playbook action: strict params, a plan that only describes the report, and an apply that
// reads LookupEvents (through the real SDK, against the loopback CloudTrail) and writes the file.
import {existsSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {parse} from 'yaml'

import {forensicsAction, sourceValues} from '../../src/actions/forensics.js'
import {findAction} from '../../src/actions/index.js'
import type {Ctx} from '../../src/actions/types.js'
import {makeClients} from '../../src/aws/clients.js'
import {runCli} from '../support/cli.js'
import {startFakeCloudTrail} from './fake-cloudtrail.js'
import {FIXTURES} from './helpers.js'

const RECORDS = JSON.parse(readFileSync(join(FIXTURES, 'stratus-red-team', 'aws.persistence.sts-federation-token.json'), 'utf8'))

describe('forensics action', () => {
  let fake: Awaited<ReturnType<typeof startFakeCloudTrail>>
  beforeAll(async () => {
    fake = await startFakeCloudTrail(RECORDS)
  })
  afterAll(() => fake.close())

  const dir = mkdtempSync(join(tmpdir(), 'forensics-action-'))
  const caller = {account: '1', arn: 'arn:aws:iam::1:user/r', userId: 'AIDA', principalArn: 'arn:aws:iam::1:user/r'}
  const ctx = (clients = makeClients({endpoint: fake.endpoint, region: 'ap-isob-east-1r', credentials: {accessKeyId: 'AKIATEST', secretAccessKey: 'x'}, maxAttempts: 1})): Ctx => ({
    clients,
    account: {id: '1', clients, caller, access: 'caller'},
    signal: new AbortController().signal,
    runId: 'run-1',
    incident: 'INC-9',
    caller: {account: '1', arn: 'arn:aws:iam::1:user/r', userId: 'AIDA', principalArn: 'arn:aws:iam::1:user/r'},
    now: () => new Date('2024-12-01T00:00:00Z'),
    protect: [],
    step: {id: 'evidence', allowSelf: false},
    log: () => {},
  })

  it('is registered, read-only, needs only cloudtrail:LookupEvents, and its example validates', () => {
    expect(findAction('forensics')).toBe(forensicsAction)
    expect(forensicsAction.readOnly).toBe(true)
    expect(forensicsAction.permissions).toEqual(['cloudtrail:LookupEvents'])
    const step = parse(forensicsAction.example)[0]
    expect(step.action).toBe('forensics')
    expect(forensicsAction.params.parse(step.with)).toMatchObject({since: '48h', roles: ['app-*'], report: 'reports/${incident}.md'})
  })

  it('source: validation names the field that is wrong, in lockdown validate', async () => {
    const cases: [string, string, RegExp][] = [
      ['{s3: "http://bucket/"}', 'steps[0].with.source.s3', /expected s3:\/\/bucket or s3:\/\/bucket\/prefix/],
      ['{s3: "s3://trail-bucket/", athena: {table: forensics.trail}}', 'steps[0].with.source', /expected exactly one of lookup: true, s3: .* or athena: .* \(s3 and athena given\)/],
      ['{athena: {table: forensics.trail}, maxBytes: 5GB}', 'steps[0].with.source.maxBytes', /with athena: use athena\.maxScan/],
      ['{athena: {table: trail}}', 'steps[0].with.source.athena.table', /expected database\.table/],
      ['{athena: {table: forensics.trail, maxScan: lots}}', 'steps[0].with.source.athena.maxScan', /expected a size such as 500MB/],
      ['{athena: {table: forensics.trail, workgroop: x}}', 'steps[0].with.source.athena.workgroop', /unknown field 'workgroop'; did you mean 'workgroup'/],
    ]
    for (const [source, path, message] of cases) {
      const file = join(dir, 'bad-source.yaml')
      writeFileSync(file, `version: 1\nname: x\nsteps:\n  - id: evidence\n    action: forensics\n    with: {since: 1h, source: ${source}}\n`)
      const r = await runCli(['validate', file, '--json'])
      expect(r.code, source).toBe(2)
      const issue = r.json.error.detail.issues.find((i: {path: string}) => i.path === path)
      expect(issue?.message, `${source}: ${JSON.stringify(r.json.error.detail.issues)}`).toMatch(message)
      expect(issue.line, source).toBe(6)
    }
    // The CLI's --source and its flags, as the registry reads them.
    expect(sourceValues({s3: 's3://b/p/', maxBytes: '5GB'})).toEqual({kind: 's3', values: {path: 's3://b/p/', 'max-bytes': '5GB'}})
    expect(sourceValues({athena: {table: 'db.t', workgroup: 'w', output: 's3://r/', maxScan: '1GB'}})).toEqual({kind: 'athena', values: {table: 'db.t', workgroup: 'w', 'athena-output': 's3://r/', 'max-scan': '1GB'}})
    expect(sourceValues(undefined)).toEqual({kind: 'lookup', values: {}})
  })

  it('rejects unknown and malformed params', () => {
    expect(forensicsAction.params.safeParse({since: '48h', rolez: ['x']}).success).toBe(false)
    expect(forensicsAction.params.safeParse({since: '48h', format: 'pdf'}).success).toBe(false)
    expect(forensicsAction.params.safeParse({}).success).toBe(false)
  })

  it('plans one change describing the report, then writes it from LookupEvents', async () => {
    const c = ctx()
    const p = forensicsAction.params.parse({since: '30d', report: join(dir, '${incident}.md')})
    const plan = await forensicsAction.plan(p, c)
    expect(plan.changes).toHaveLength(1)
    const change = plan.changes[0]
    expect(change.target).toBe(`file:${join(dir, 'INC-9.md')}`)
    expect(change.data).toMatchObject({format: 'md', start: '2024-11-01T00:00:00.000Z'})
    expect(fake.requests).toHaveLength(0) // plan reads nothing from AWS

    const applied = await forensicsAction.apply(change, c)
    c.clients.destroy()
    const md = readFileSync(join(dir, 'INC-9.md'), 'utf8')
    expect(md).toContain('# Forensics for INC-9 (run run-1, step evidence)')
    expect(md).toContain('federated-user/stratus_red_team')
    expect(md).toContain('ASIASTJKC5GCM7ZE6LUP')
    // 7 issuing and 22 persistence/tampering event-name lookups, then the issued key and the user key that issued it.
    expect(applied.result).toMatchObject({path: join(dir, 'INC-9.md'), sessions: 1, calls: 31})
    expect(existsSync(join(dir, 'INC-9.md'))).toBe(true)
  }, 60_000)
})
