// Handover for the organization (issue 16): `lockdown status` in the management account lists lockdown's
// revocation SCPs with their targets and each run's cutoff, and marks the ones that deny nothing any more
// (cutoff older than the longest session: 12 h); `lockdown tidy --scps` detaches and deletes an SCP whose
// every part is a no-op (freeing its target's slot) and drops the no-op part of one that still denies,
// journaled; undo puts both back. Outside the management account status says why it cannot read SCPs.
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {DescribePolicyCommand, ListOrganizationalUnitsForParentCommand, ListPoliciesForTargetCommand, ListRootsCommand} from '@aws-sdk/client-organizations'
import {describe, expect, it} from 'vitest'

import {runCli} from '../support/cli.js'
import {useSim} from '../support/sim.js'

const DEV = '222233334444'
const sim = await useSim({scenario: 'playbooks/scenarios/organization.yaml'})
const responder = sim.credentialsFor('responder')
const dir = mkdtempSync(join(tmpdir(), 'lockdown-tidy-scps-'))
const cli = (args: string[], creds = responder, journal = dir) => runCli([...args, '--endpoint', sim.endpoint, '--journal-dir', journal], {AWS_ACCESS_KEY_ID: creds.accessKeyId, AWS_SECRET_ACCESS_KEY: creds.secretAccessKey})
const org = sim.clients.organizations
const ROOT = (await org.send(new ListRootsCommand({}))).Roots![0]!.Id!
const WORKLOADS = (await org.send(new ListOrganizationalUnitsForParentCommand({ParentId: ROOT}))).OrganizationalUnits!.find((o) => o.Name === 'Workloads')!.Id!

let n = 0
function revokeOrg(targets: string[], role: string, issuedBefore: string): string {
  const file = join(dir, `p${n++}.yaml`)
  // The legacy account has no access role: leaving it out keeps each run about its SCPs alone.
  writeFileSync(file, `version: 1\nname: org-revoke\nincident: INC-16\naccounts: [{organization: true, exclude: ["444455556666"]}]\nsteps:\n  - id: org\n    action: revoke-org\n    with: {targets: [${targets.join(', ')}], roles: [${role}], issuedBefore: ${issuedBefore}, settle: 0s}\n`)
  return file
}
const lockdownAt = async (target: string) =>
  Promise.all(
    ((await org.send(new ListPoliciesForTargetCommand({TargetId: target, Filter: 'SERVICE_CONTROL_POLICY'}))).Policies ?? [])
      .filter((p) => p.Name!.startsWith('lockdown-revoke-org-'))
      .map(async (p) => {
        const policy = (await org.send(new DescribePolicyCommand({PolicyId: p.Id!}))).Policy!
        return {name: p.Name!, content: policy.Content!, description: policy.PolicySummary!.Description!}
      }),
  )
type Scp = {name: string; targets: string[]; cutoff: string; noOp: boolean; parts: {run: string; cutoff: string; noOp: boolean}[]}
const scpsOf = async (journal: string) => {
  const s = await cli(['status', '--json'], responder, journal)
  expect(s.code, s.stderr).toBe(0)
  return s.json.scps as Scp[]
}

describe('status and tidy of lockdown SCPs', () => {
  it('lists the SCPs with targets and cutoffs, flags the no-ops, tidy --scps frees them journaled, undo restores', async () => {
    const old = await cli(['run', revokeOrg([ROOT, WORKLOADS], 'app-web', '13h'), '--yes', '--json'])
    expect(old.code, old.stderr).toBe(0)
    const live = await cli(['run', revokeOrg([ROOT], 'app-data', 'now'), '--yes', '--json'])
    expect(live.code, live.stderr).toBe(0)
    const before = {root: await lockdownAt(ROOT), workloads: await lockdownAt(WORKLOADS)}
    expect([before.root.length, before.workloads.length]).toEqual([1, 1])
    expect(before.workloads[0]!.description).toMatch(/^lockdown revoke-org/)

    // The next responder, with an empty journal directory.
    const second = mkdtempSync(join(tmpdir(), 'lockdown-tidy-scps-2-'))
    const scps = await scpsOf(second)
    const root = scps.find((s) => s.name === `lockdown-revoke-org-${ROOT}`)!
    const ou = scps.find((s) => s.name === `lockdown-revoke-org-${WORKLOADS}`)!
    expect(root.targets).toEqual([ROOT])
    expect(root.parts.map((p) => [p.run, p.noOp])).toEqual([
      [old.json.runId, true],
      [live.json.runId, false],
    ])
    expect(Date.now() - Date.parse(root.parts[0]!.cutoff)).toBeGreaterThan(13 * 3_600_000 - 60_000)
    expect(root.cutoff).toBe(root.parts[1]!.cutoff)
    expect(root.noOp).toBe(false)
    expect(ou).toMatchObject({targets: [WORKLOADS], noOp: true, parts: [{run: old.json.runId, noOp: true}]})
    const human = await cli(['status'], responder, second)
    expect(human.stdout).toContain(`lockdown-revoke-org-${WORKLOADS} (`)
    expect(human.stdout).toContain('[no-op: every session it could deny has expired; frees a slot: lockdown tidy --scps]')

    const plan = await cli(['tidy', '--scps', '--yes', '--json'], responder, second)
    expect(plan.code, plan.stderr).toBe(0)
    expect(plan.json.applied).toBe(2)
    const summaries = plan.json.plan.steps.find((s: {id: string}) => s.id === 'tidy-scps').changes.map((c: {summary: string}) => c.summary)
    expect(summaries).toEqual(
      expect.arrayContaining([
        expect.stringMatching(new RegExp(`^detach SCP lockdown-revoke-org-${WORKLOADS} \\(p-[0-9a-z]+\\) from ${WORKLOADS} and delete it`)),
        expect.stringMatching(new RegExp(`^remove 1 expired part\\(s\\) \\(run ${old.json.runId}\\) from SCP lockdown-revoke-org-${ROOT}`)),
      ]),
    )
    expect(await lockdownAt(WORKLOADS)).toEqual([])
    const after = await scpsOf(second)
    expect(after.map((s) => [s.name, s.parts.map((p) => p.run)])).toEqual([[`lockdown-revoke-org-${ROOT}`, [live.json.runId]]])

    const undone = await cli(['undo', plan.json.runId, '--yes', '--json'], responder, second)
    expect(undone.code, undone.stderr).toBe(0)
    // Both SCPs read back as before tidy: same names, content, descriptions and targets (the deleted one
    // comes back with a new id: AWS assigns ids).
    const sorted = (xs: {name: string; content: string; description: string}[]) =>
      xs.map((x) => ({name: x.name, description: x.description, statements: JSON.parse(x.content).Statement.map((s: {Sid: string}) => s.Sid).sort()}))
    expect(sorted(await lockdownAt(WORKLOADS))).toEqual(sorted(before.workloads))
    expect(sorted(await lockdownAt(ROOT))).toEqual(sorted(before.root))

    for (const r of [live, old]) expect((await cli(['undo', r.json.runId, '--yes', '--json'])).code).toBe(0)
    expect(await scpsOf(second)).toEqual([])
  })

  it('outside the management account says why it did not read SCPs and what to run, instead of failing', async () => {
    const s = await cli(['status', '--json'], sim.rootCredentialsOf(DEV), mkdtempSync(join(tmpdir(), 'lockdown-tidy-scps-3-')))
    expect(s.code, s.stderr).toBe(0)
    expect(s.json.scps).toEqual([])
    expect(s.json.scpsUnread).toMatch(/^SCPs not read \(AccessDeniedException: .*\); they are read from the organization's management account: run lockdown status there$/)
  })
})
