// An organization-wide compromise (issue 16): a leaked deploy key holds sessions in the management account,
// dev, prod and — through an Identity Center permission-set role IAM refuses to change — in shared. Proven
// from the attacker's side (each session refused), from the responders' side (their break-glass sessions,
// issued before the response, never refused), and by reading every account and the SCPs back after undo.
import {expect, it} from 'vitest'

import {drill} from './helpers.js'

const SHARED = '444455556666'
const SSO_SESSION = `arn:aws:sts::${SHARED}:assumed-role/AWSReservedSSO_AdministratorAccess_073ae2cbd6a6a546/mallory@example.com`

it('one SCP at the root plus the management-account fallback contains every session, responders keep working, undo restores every account', async () => {
  const {code, card, failed, why} = await drill('playbooks/drills/org-wide-session-revoke.yaml')
  expect(failed, why).toEqual([])
  expect(code, why).toBe(0)
  for (const id of ['leaked', 'mgmt', 'dev', 'prod', 'sso']) expect(card.checks.find((c) => c.name === 'attacker identity refused' && c.target === id)?.ok, id).toBe(true)
  expect(card.checks.find((c) => c.target === 'sso')!.detail).toBe('iam:ListRoles refused with AccessDenied')
  expect(card.timing.successesAfterResponse).toBe(0)
  // The SCP at the root, app-deploy's inline deny in the management account, the leaked key: three writes
  // for four accounts, none of them to the Identity Center role.
  expect(card.actionsApplied).toBe(3)
  for (const id of ['bg-mgmt', 'bg-dev', 'bg-shared']) expect(card.checks.find((c) => c.name === 'responder session keeps working' && c.target === id)?.ok, id).toBe(true)
  expect(card.checks.find((c) => c.name === 'undo restores every account and the organization')?.detail).toBe('IAM of every account and the SCPs read back as before the response')
}, 120_000)

it('per-role revocation alone fails with exit 5: the Identity Center session survives, named, while every other account is contained and responders keep working', async () => {
  const {code, card, failed, why} = await drill('playbooks/drills/weak/per-role-only.yaml', ['--ideal'])
  expect(code, why).toBe(5)
  expect(card.passed).toBe(false)
  const sso = card.checks.find((c) => c.name === 'attacker identity refused' && c.target === 'sso')!
  expect(sso.ok).toBe(false)
  expect(sso.detail).toContain(`still succeeds as ${SSO_SESSION}`)
  // Everything a per-role deny can reach was reached: the gap is the role IAM refuses to change.
  for (const id of ['leaked', 'mgmt', 'dev', 'prod']) expect(failed, id).not.toContain(`attacker identity refused (${id})`)
  for (const id of ['bg-mgmt', 'bg-dev', 'bg-shared']) expect(card.checks.find((c) => c.name === 'responder session keeps working' && c.target === id)?.ok, id).toBe(true)
  expect(card.checks.find((c) => c.name === 'undo restores every account and the organization')?.ok, why).toBe(true)
}, 120_000)

it('an SCP without the responders\' exemption fails with exit 5: their break-glass sessions in the member accounts are refused, named, though the attacker is contained', async () => {
  const {code, card, failed, why} = await drill('playbooks/drills/weak/locks-out-responders.yaml', ['--ideal'])
  expect(code, why).toBe(5)
  expect(failed).toEqual(expect.arrayContaining(['responder session keeps working (bg-dev)', 'responder session keeps working (bg-shared)']))
  expect(card.checks.find((c) => c.target === 'bg-dev')!.detail).toMatch(/^iam:ListRoles refused \d+ time\(s\) during the response \(first: AccessDenied\) as arn:aws:sts::222233334444:assumed-role\/lockdown-break-glass\/responder-dev$/)
  // The management account is revoked per role, and a role tagged lockdown:break-glass=true is never a target there.
  expect(failed).not.toContain('responder session keeps working (bg-mgmt)')
  for (const id of ['leaked', 'mgmt', 'dev', 'prod', 'sso']) expect(failed, id).not.toContain(`attacker identity refused (${id})`)
}, 120_000)
