// One test per shipped Stratus Red Team detonation log: which detection must fire, on which call, and
// what it names as the target. Event ids, targets and counts were read from the JSON arrays with jq,
// not from this code.
import {readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {DETECTIONS, detectionsTable} from '../../src/forensics/detections/index.js'
import type {Flag} from '../../src/report/types.js'
import {FIXTURES, reportOf, ROOT} from './helpers.js'

const DIR = join(FIXTURES, 'stratus-red-team')

/** technique → the detection that must fire, an event id it must name, and text its detail must carry. */
const EXPECTED: Record<string, {detection: string; evidence: string; detail?: string}> = {
  'credential-access.ec2-get-password-data': {detection: 'secrets-read', evidence: '52242c8d-7ef7-4165-90cd-621ebe835388', detail: 'GetPasswordData ×30'},
  'credential-access.ec2-steal-instance-credentials': {detection: 'service-credentials-outside', evidence: 'b379479b-05c9-4c3c-af4b-cbd43acf29e1', detail: 'first call GetCallerIdentity'},
  'credential-access.secretsmanager-batch-retrieve-secrets': {detection: 'secrets-read', evidence: 'bddee0fb-2541-430d-aad5-b1fdd5d419f1', detail: 'BatchGetSecretValue ×5'},
  'credential-access.secretsmanager-retrieve-secrets': {detection: 'secrets-read', evidence: '99207de2-f8ea-4160-bbe8-22cb14da3a26', detail: 'GetSecretValue ×20'},
  'credential-access.ssm-retrieve-securestring-parameters': {detection: 'secrets-read', evidence: '7fbcfbae-35c6-4c93-88bf-741fe4c4ada3', detail: 'GetParameters ×5'},
  'defense-evasion.cloudtrail-delete': {detection: 'trail-tampering', evidence: 'ee73c230-44bc-4492-8542-cfb189eae287', detail: 'DeleteTrail on stratus-red-team-cloudtraild-trail-kvrwohmiai'},
  'defense-evasion.cloudtrail-event-selectors': {detection: 'trail-tampering', evidence: 'c2a89408-340a-42f0-8ace-75d9f5769393', detail: 'PutEventSelectors on stratus-red-team-ctes-trail-khlvciwdor (management events off)'},
  'defense-evasion.cloudtrail-stop': {detection: 'trail-tampering', evidence: '10163ed2-2253-469d-a5ee-cbc6651f8934', detail: 'StopLogging on stratus-red-team-ct-stop-trail-buykxbqejv'},
  'defense-evasion.dns-delete-logs': {detection: 'log-tampering', evidence: 'ba4609ca-b420-4cb6-bdff-307729b3b7db', detail: 'DeleteResolverQueryLogConfig on rqlc-4473f20ca554c07'},
  'defense-evasion.organizations-leave': {detection: 'log-tampering', evidence: '16903cbd-fdff-4818-82f2-d66ad09aaf57', detail: 'LeaveOrganization (failed: AccessDenied)'},
  'defense-evasion.vpc-remove-flow-logs': {detection: 'log-tampering', evidence: 'ded2f5af-f3a5-46d2-a170-a23206a32c36', detail: 'DeleteFlowLogs on fl-0e17aa62a21d4bbfe'},
  'discovery.ec2-download-user-data': {detection: 'denied-burst', evidence: '205f694d-35d4-4e33-9f38-f5e7a20ffa50', detail: '15 calls denied (DescribeInstanceAttribute)'},
  'execution.ec2-launch-unusual-instances': {detection: 'unusual-instances', evidence: '1a4debbb-12e9-4bde-b8c7-ea29002bb2a7', detail: 'RunInstances on p2.xlarge'},
  'execution.ec2-user-data': {detection: 'instance-access', evidence: 'f634894e-d625-4b7b-b1c1-50354cc1100e', detail: 'ModifyInstanceAttribute on i-DDd6c7B0e18F0E35f (userData)'},
  'execution.ssm-send-command': {detection: 'instance-access', evidence: '5288bfb8-e3fa-4c41-be02-6853521afe8b', detail: 'SendCommand on i-00456A8D163f546Ff, i-cfE23b1a7ceba6f86, i-9D40CCFc0aE91CFa5'},
  'execution.ssm-start-session': {detection: 'instance-access', evidence: '10057a87-1da5-4c7d-a411-e41543dc91f5', detail: 'StartSession on i-'},
  'exfiltration.ec2-security-group-open-port-22-ingress': {detection: 'network-opened', evidence: '9fd68588-ecbf-4528-a345-199fa6bb0821', detail: 'sg-003dc7f1f1c686164 (208.236.235.254/0 port 22)'},
  'exfiltration.ec2-share-ami': {detection: 'resource-shared-out', evidence: '1f00bcfa-e050-4c2e-b99b-768ebe3a3dd3', detail: 'ami-de1fbCab6ccB03e6D (shared with 846424999548)'},
  'exfiltration.ec2-share-ebs-snapshot': {detection: 'resource-shared-out', evidence: '6897ff63-d738-445c-9e86-43e5b1f8e12f', detail: 'snap-041993b54a9b3af6f (shared with 098797384747)'},
  'exfiltration.rds-share-snapshot': {detection: 'resource-shared-out', evidence: 'fef2bf02-bbea-4d0f-a91c-e6ccfe3fba46', detail: 'exfiltration (shared with 503161813013)'},
  'impact.bedrock-invoke-model': {detection: 'model-abuse', evidence: '51d580ea-04f5-421c-b733-b5e4ec485a6e', detail: 'anthropic.claude-3-sonnet-20240229-v1:0'},
  'initial-access.console-login-without-mfa': {detection: 'console-no-mfa', evidence: '865d9377-9c6b-4fd7-8aad-725e95f6a140', detail: 'from 225.01.00.16 without MFA'},
  'lateral-movement.ec2-instance-connect': {detection: 'instance-access', evidence: '0968cbec-f8df-43f3-94ba-b451aad083ed', detail: '(as ec2-user)'},
  'lateral-movement.ec2-serial-console-send-ssh-public-key': {detection: 'instance-access', evidence: '37ba412b-f943-44f2-ae48-4527f6e789d9', detail: 'EnableSerialConsoleAccess'},
  'persistence.iam-backdoor-role': {detection: 'iam-persistence', evidence: '62e290e2-ee95-4a7c-a9f8-db4ef462b12d', detail: 'UpdateAssumeRolePolicy on role/stratus-red-team-backdoor-r-role (trusts ec2.amazonaws.com, arn:aws:iam::193672423079:root)'},
  'persistence.iam-backdoor-user': {detection: 'iam-persistence', evidence: 'c64c4ded-ef03-4e5c-81eb-153b118d72f2', detail: 'CreateAccessKey on user/stratus-red-team-backdoor-u-user (AKIAL80DWDVKKM0UXEER)'},
  'persistence.iam-create-admin-user': {detection: 'privilege-escalation', evidence: '083dc4ad-e264-46bc-a407-d0dd31b58bdc', detail: 'AttachUserPolicy on user/malicious-iam-user (arn:aws:iam::aws:policy/AdministratorAccess)'},
  'persistence.iam-create-backdoor-role': {detection: 'iam-persistence', evidence: 'd2905ac3-9898-433f-b10d-9302abe4e208', detail: 'CreateRole on role/stratus-red-team-malicious-iam-role (trusts arn:aws:iam::193672423079:root)'},
  'persistence.iam-create-user-login-profile': {detection: 'iam-persistence', evidence: 'd3906a7d-604b-407f-acb6-fc425742821e', detail: 'CreateLoginProfile on user/stratus-red-team-login-profile-user'},
  'persistence.lambda-backdoor-function': {detection: 'lambda-backdoor', evidence: 'b67a9bba-d9da-4980-bf74-baed881b117d', detail: 'on stratus-red-team-backdoor-f-func (principal * lambda:InvokeFunction)'},
  'persistence.lambda-layer-extension': {detection: 'lambda-backdoor', evidence: 'da929d96-8e20-475c-a810-973addd64769', detail: '(layers arn:aws:lambda:eugov-eastcentral-1r:712967571683:layer:stratus-red-team-lambda-layer-my-lambda-extension:1)'},
  'persistence.lambda-overwrite-code': {detection: 'lambda-backdoor', evidence: '4672b74f-2466-4784-b3fb-5b4db904a995', detail: 'UpdateFunctionCode20150331v2 on arn:aws:lambda:ap-westeast-2r:266106314375:function:stratus-red-team-olc-func-vayhjqkdav'},
  'persistence.rolesanywhere-create-trust-anchor': {detection: 'rolesanywhere-trust-anchor', evidence: '66e5f252-e092-4ad0-9a33-a03595e05aca', detail: 'CreateTrustAnchor on malicious-rolesanywhere-trust-anchor'},
  'persistence.sts-federation-token': {detection: 'wide-federation-token', evidence: '6e882b9d-2af8-4c67-b91f-aeac6a0e5e70', detail: 'GetFederationToken on federated-user/stratus_red_team (wide)'},
  'privilege-escalation.iam-update-user-login-profile': {detection: 'privilege-escalation', evidence: 'a46a1a42-9ef1-48d4-9c61-507eb6d4019f', detail: 'UpdateLoginProfile on user/stratus-red-team-update-login-profile-user'},
}

const files = readdirSync(DIR).filter((f) => f.endsWith('.json'))
const technique = (f: string) => f.replace(/^aws\./, '').replace(/\.json$/, '')

describe('detections on the Stratus Red Team detonation logs', () => {
  it('covers every shipped log (35), and at least 30 raise a flag', () => {
    expect(files.map(technique).sort()).toEqual(Object.keys(EXPECTED).sort())
    expect(Object.keys(EXPECTED).length).toBeGreaterThanOrEqual(30)
  })

  it.each(files.map((f) => [technique(f), f]))('%s', async (name, file) => {
    const want = EXPECTED[name]
    const r = await reportOf(join(DIR, file))
    const hits: Flag[] = r.flags.filter((f) => f.detection === want.detection)
    expect(hits.map((f) => f.detail), `${want.detection} did not fire; flags: ${r.flags.map((f) => f.detection).join(', ')}`).not.toEqual([])
    const hit = hits.find((f) => f.evidence?.includes(want.evidence))
    expect(hit, `no ${want.detection} flag names ${want.evidence}: ${JSON.stringify(hits.map((f) => f.evidence))}`).toBeDefined()
    if (want.detail) expect(hit!.detail).toContain(want.detail)
    // Every flag names its evidence and, unless it is containment evidence itself, a step.
    for (const f of r.flags) {
      expect(f.evidence?.length, `${f.detection} names no event`).toBeGreaterThan(0)
      if (f.kind !== 'denied-after-revocation') expect(f.contain, `${f.detection} names no containment`).toBeDefined()
    }
    // The report opens with it, naming the step that would contain it.
    const finding = r.findings.find((x) => x.detection === want.detection && x.evidence.includes(want.evidence))!
    expect(finding.step).not.toBe('')
  })

  it('contains the caller and what it created: the admin user and its new key, the backdoor role', async () => {
    const admin = await reportOf(join(DIR, 'aws.persistence.iam-create-admin-user.json'))
    const created = admin.findings.find((f) => f.detection === 'iam-persistence')!
    // christophe's key AKIAOZUDECYXYM4ONAN4 signed the calls; CreateAccessKey returned AKIAXAFZN8JEPF6L682H.
    expect(created.contain).toMatchObject({keys: ['AKIAOZUDECYXYM4ONAN4', 'AKIAXAFZN8JEPF6L682H'], users: ['christophe', 'malicious-iam-user'], keyUsers: ['malicious-iam-user']})
    expect(created.step).toBe('revoke-sessions users: [christophe, malicious-iam-user]; deactivate-keys keys: [AKIAOZUDECYXYM4ONAN4, AKIAXAFZN8JEPF6L682H], users: [malicious-iam-user]; by hand: delete user malicious-iam-user once reviewed')
    const role = await reportOf(join(DIR, 'aws.persistence.iam-create-backdoor-role.json'))
    expect(role.findings.find((f) => f.detection === 'iam-persistence')!.contain.roles).toEqual(['stratus-red-team-malicious-iam-role'])
  })

  it('the role chain: a denied LeaveOrganization is contained by revoking the role and the user key that assumed it', async () => {
    const r = await reportOf(join(DIR, 'aws.defense-evasion.organizations-leave.json'))
    const f = r.findings.find((x) => x.detection === 'log-tampering')!
    expect(f.who).toBe('arn:aws:sts::307578594326:assumed-role/stratus-red-team-leave-org-role/aws-go-sdk-1722587398902687000 (ASIA36EV31F1RB3OA8IG)')
    expect(f.contain).toEqual({roles: ['stratus-red-team-leave-org-role'], users: ['christophe'], keys: ['AKIADVISM0T50G52IF0D']})
  })

  it('lists each detection with the event names it reads (the README table)', () => {
    const table = detectionsTable()
    for (const d of DETECTIONS) expect(table).toContain(`| \`${d.name}\` |`)
    expect(table).toContain('StopLogging, DeleteTrail, UpdateTrail, PutEventSelectors')
    expect(new Set(DETECTIONS.map((d) => d.name)).size).toBe(DETECTIONS.length)
    // The README's "### Detections" table is this table (regenerate it when a detection changes).
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
    expect(readme.slice(readme.indexOf('<!-- detections:start -->'), readme.indexOf('<!-- detections:end -->'))).toBe(`<!-- detections:start -->\n${table}\n`)
  })
})
