// The README's example of the SCP lockdown writes, generated from the builder (scripts/docs.ts writes it
// between the scp-example markers; a test fails when it is stale), so the documented policy cannot drift.
import {scpDocument} from '../../aws/policies/scp-revoke.js'

export const SCP_EXAMPLE_RUN = '20261126T091500Z-3fa2'

export function scpExampleMarkdown(): string {
  const content = scpDocument(
    {
      before: '2026-11-26T09:15:00.000Z',
      roles: ['arn:aws:iam::*:role/app-*', 'arn:aws:iam::*:role/aws-reserved/sso.amazonaws.com/*/AWSReservedSSO_Admin_*'],
      sourceIdentities: ['mallory'],
      userIds: [],
      identityCenterUsers: ['906755a3b1-0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0'],
      exempt: ['arn:aws:iam::*:role/OrganizationAccountAccessRole', 'arn:aws:iam::111122223333:user/responder', 'arn:aws:iam::*:role/lockdown-break-glass'],
    },
    SCP_EXAMPLE_RUN,
  )
  return ['```json', JSON.stringify(JSON.parse(content), null, 2), '```', `(${content.length} of 5,120 characters as written, minified)`].join('\n')
}
