// An organization-wide compromise (issue 16): a leaked deploy key holds sessions in the management account,
// dev, prod and — through an Identity Center permission-set role IAM refuses to change — in shared. Proven
// from the attacker's side (each session refused), from the responders' side (their break-glass sessions,
// issued before the response, never refused), and by reading every account and the SCPs back after undo.
import {expect, it} from 'vitest'

import {drill} from './helpers.js'

const SHARED = '444455556666'
const SSO_SESSION = `arn:aws:sts::${SHARED}:assumed-role/AWSReservedSSO_AdministratorAccess_073ae2cbd6a6a546/mallory@example.com`

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
