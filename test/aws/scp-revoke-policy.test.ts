import {describe, expect, it} from 'vitest'

import {
  SCP_MAX_CHARS,
  emptySpec,
  isScpRevokeDocument,
  parseScpPolicyName,
  readScpParts,
  readScpRevoke,
  scpDocument,
  scpDocuments,
  scpPolicyName,
  withScpRunPart,
  withoutScpRun,
} from '../../src/aws/policies/scp-revoke.js'
import {checkScpContent} from '../../src/sim/org/policy-content.js'

const T1 = '2026-11-26T09:00:00.000Z'
const T2 = '2026-11-26T10:00:00.000Z'
const RUN_A = '20261126T090000Z-aaaa'
const RUN_B = '20261126T100000Z-bbbb'
const ACCESS = 'arn:aws:iam::*:role/OrganizationAccountAccessRole'

describe('revoke-org SCP document', () => {
  it('is one minified Deny * * per principal list on aws:TokenIssueTime, with the exemptions', () => {
    const content = scpDocument({...emptySpec(T1), roles: ['arn:aws:iam::*:role/app-*'], identityCenterUsers: ['9067-user'], exempt: [ACCESS]}, RUN_A)
    expect(content).toBe(JSON.stringify(JSON.parse(content)))
    expect(JSON.parse(content)).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'LockdownRevokeOrgRolesRun20261126T090000Zaaaa',
          Effect: 'Deny',
          Action: '*',
          Resource: '*',
          Condition: {DateLessThan: {'aws:TokenIssueTime': T1}, ArnLike: {'aws:PrincipalArn': ['arn:aws:iam::*:role/app-*']}, ArnNotLike: {'aws:PrincipalArn': [ACCESS]}},
        },
        {
          Sid: 'LockdownRevokeOrgIdcUserRun20261126T090000Zaaaa',
          Effect: 'Deny',
          Action: '*',
          Resource: '*',
          Condition: {DateLessThan: {'aws:TokenIssueTime': T1}, StringEquals: {'identitystore:userId': ['9067-user']}, ArnNotLike: {'aws:PrincipalArn': [ACCESS]}},
        },
      ],
    })
    // Organizations (the simulator, as strict as AWS) accepts it as an SCP.
    expect(checkScpContent(content)).toBe(content)
  })

  it('reads back cutoff, runs and patterns; another SCP reads as undefined', () => {
    const content = scpDocument({...emptySpec(T1), roles: ['arn:aws:iam::*:role/app-*'], sourceIdentities: ['mallory'], userIds: ['AROAEXAMPLE:attacker'], exempt: [ACCESS]}, RUN_A)
    const read = readScpRevoke(content)!
    expect(read).toMatchObject({cutoff: T1, runs: [RUN_A], roles: ['arn:aws:iam::*:role/app-*'], sourceIdentities: ['mallory'], userIds: ['AROAEXAMPLE:attacker'], exempt: [ACCESS]})
    expect(readScpRevoke('{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}')).toBeUndefined()
    expect(readScpRevoke('not json')).toBeUndefined()
    expect(isScpRevokeDocument(content)).toBe(true)
    expect(isScpRevokeDocument('{"Version":"2012-10-17","Statement":[{"Sid":"LockdownRevokeOrgRolesRunX","Effect":"Allow","Action":"*","Resource":"*","Condition":{"DateLessThan":{"aws:TokenIssueTime":"x"}}}]}')).toBe(false)
  })

  it('merges a second run: its own part, later cutoff wins, patterns union; undo of the older run keeps the newer', () => {
    const a = readScpParts([scpDocument({...emptySpec(T1), roles: ['arn:aws:iam::*:role/app-*'], exempt: [ACCESS]}, RUN_A)])
    const both = withScpRunPart(a, RUN_B, {...emptySpec(T2), roles: ['arn:aws:iam::*:role/db-*'], exempt: [ACCESS]})
    const read = readScpRevoke(scpDocuments(both))!
    expect(read.cutoff).toBe(T2)
    expect(read.runs).toEqual([RUN_A, RUN_B])
    expect(read.roles).toEqual(['arn:aws:iam::*:role/app-*', 'arn:aws:iam::*:role/db-*'])
    const left = readScpRevoke(scpDocuments(withoutScpRun(readScpParts(scpDocuments(both)), RUN_A)))!
    expect(left).toMatchObject({runs: [RUN_B], cutoff: T2, roles: ['arn:aws:iam::*:role/db-*']})
    expect(scpDocuments(withoutScpRun(withoutScpRun(both, RUN_A), RUN_B))).toEqual([])
  })

  it('never moves a run part\'s cutoff earlier when the same run merges again', () => {
    const once = withScpRunPart([], RUN_A, {...emptySpec(T2), roles: ['arn:aws:iam::*:role/app-*']})
    const again = withScpRunPart(once, RUN_A, {...emptySpec(T1), roles: ['arn:aws:iam::*:role/ops-*']})
    expect(again).toHaveLength(1)
    expect(again[0]).toMatchObject({before: T2, roles: ['arn:aws:iam::*:role/app-*', 'arn:aws:iam::*:role/ops-*']})
  })

  it('splits over several SCPs of at most 5,120 characters and reads them back whole', () => {
    const roles = Array.from({length: 150}, (_, i) => `arn:aws:iam::*:role/application-role-number-${i}-*`)
    const docs = scpDocuments([{...emptySpec(T1), roles, exempt: [ACCESS], run: RUN_A}])
    expect(docs.length).toBeGreaterThan(1)
    for (const d of docs) {
      expect(d.length).toBeLessThanOrEqual(SCP_MAX_CHARS)
      expect(checkScpContent(d)).toBe(d)
    }
    const back = readScpRevoke(docs)!
    expect(back.roles).toEqual(roles)
    expect(back.runs).toEqual([RUN_A])
    // Each SCP alone reads back as lockdown's (status/tidy list them one by one).
    expect(docs.every((d) => readScpRevoke(d)?.runs[0] === RUN_A)).toBe(true)
  })

  it('names the SCPs per target, and recognises only its own names', () => {
    expect(scpPolicyName('r-ab12')).toBe('lockdown-revoke-org-r-ab12')
    expect(scpPolicyName('ou-ab12-cdef3456', 1)).toBe('lockdown-revoke-org-ou-ab12-cdef3456-2')
    expect(parseScpPolicyName('lockdown-revoke-org-ou-ab12-cdef3456-2')).toEqual({targetId: 'ou-ab12-cdef3456', index: 1})
    expect(parseScpPolicyName('lockdown-revoke-org-111122223333')).toEqual({targetId: '111122223333', index: 0})
    expect(parseScpPolicyName('FullAWSAccess')).toBeUndefined()
  })
})

describe('README', () => {
  it('shows exactly the SCP the builder writes (regenerate: npm run docs)', async () => {
    const {readFileSync} = await import('node:fs')
    const {scpExampleMarkdown} = await import('../../src/actions/revoke-org/readme-example.js')
    expect(readFileSync('README.md', 'utf8')).toContain(`<!-- scp-example:start -->\n${scpExampleMarkdown()}\n<!-- scp-example:end -->`)
  })
})
