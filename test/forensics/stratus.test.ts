// Stratus Red Team detonation logs (Apache-2.0, anonymised per file). Expected values come from reading
// the JSON arrays: christophe's AssumeRole calls, the federation token and the sessions with no issuance.
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {byKey, FIXTURES, reportOf} from './helpers.js'

const DIR = join(FIXTURES, 'stratus-red-team')

describe('stratus-red-team', () => {
  it('links each user→role session to the AssumeRole that issued it, by key + time + ARN', async () => {
    const r = await reportOf(DIR)
    // Two AssumeRole calls in the same second gave the same session name two keys; only one was used.
    const used = byKey(r, 'ASIANQQHHS551LWULIWD')
    const unused = byKey(r, 'ASIA7RQR64ZW9JXKWPUO')
    expect(used.arn).toBe(unused.arn)
    expect(used.arn).toBe('arn:aws:sts::457448411975:assumed-role/stratus-red-team-ec2-get-password-data-role/aws-go-sdk-1722375070115152000')
    expect(used.activity.byName).toEqual({GetPasswordData: 30})
    expect(unused.activity.calls).toBe(0)
    expect(used.issuer).toEqual({kind: 'iam-user', id: 'arn:aws:iam::457448411975:user/christophe', accessKeyId: 'AKIAWOGXN38MFN92ING5'})
    expect(used.sourceIp).toBe('200.249.253.51')
    expect(used.expiresAt).toBe('2024-07-30T21:46:15.000Z')

    expect(byKey(r, 'ASIA4URVX2JM5MT0ZGK8').activity.calls).toBe(15)
    expect(byKey(r, 'ASIA74KS09ZFFBFV9E6K').activity.calls).toBe(0)
    expect(byKey(r, 'ASIA36EV31F1RB3OA8IG').activity.calls).toBe(1)
    expect(byKey(r, 'ASIA9F6MXE9HSYOXYQOS').activity.calls).toBe(1)
    for (const k of ['ASIANQQHHS551LWULIWD', 'ASIA4URVX2JM5MT0ZGK8', 'ASIA36EV31F1RB3OA8IG', 'ASIA9F6MXE9HSYOXYQOS']) {
      expect(byKey(r, k).flags).toContain('long-term-key')
    }
  })

  it('follows the federation token to the federated user call', async () => {
    const r = await reportOf(DIR)
    const fed = byKey(r, 'ASIASTJKC5GCM7ZE6LUP')
    expect(fed.kind).toBe('federated')
    expect(fed.arn).toBe('arn:aws:sts::742491224508:federated-user/stratus_red_team')
    expect(fed.sessionName).toBe('stratus_red_team')
    expect(fed.issuer).toMatchObject({kind: 'iam-user', id: 'arn:aws:iam::742491224508:user/stratus-red-team-user-federation-user', accessKeyId: 'AKIA6V1GNZTT65XQH36M'})
    expect(fed.activity.calls).toBe(1)
    expect(fed.expiresAt).toBe('2024-11-30T20:43:17.000Z')
  })

  it('keeps sessions with no issuance in the data as inferred, with their role from sessionContext', async () => {
    const r = await reportOf(DIR)
    const inferred = r.sessions.filter((s) => s.inferred && s.kind !== 'console')
    expect(inferred.map((s) => s.principal).sort()).toEqual([
      'arn:aws:iam::017622104382:role/stratus-red-team-ec2-steal-credentials-role',
      'arn:aws:iam::494659789341:role/test-role',
      'arn:aws:iam::844015365555:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_account-admin_599c9e90e350d2ff',
    ])
    expect(inferred.find((s) => s.principal.endsWith('test-role'))!.activity.calls).toBe(15)
    expect(inferred.every((s) => s.issuer.kind === 'unknown')).toBe(true)
    expect(r.gaps.join('\n')).toMatch(/3 session\(s\) were seen only by their calls/)
  })

  it('flags the console login without MFA, persistence calls and the denied AssumeRoles', async () => {
    const r = await reportOf(DIR)
    const console = r.sessions.find((s) => s.kind === 'console')!
    expect(console.arn).toBe('arn:aws:iam::562283505220:user/stratus-red-team-nmfalu-jfzdtsvchl')
    expect(console.mfa).toBe(false)
    expect(console.flags).toEqual(['console-no-mfa'])
    const called = (kind: string) => r.flags.filter((f) => f.kind === kind).map((f) => f.detail.split(' ')[0]).sort()
    expect(called('persistence')).toEqual([
      'AddPermission20150331v2',
      'CreateAccessKey',
      'CreateAccessKey',
      'CreateLoginProfile',
      'CreateProfile',
      'CreateRole',
      'CreateTrustAnchor',
      'CreateUser',
      'GetFederationToken',
      'UpdateAssumeRolePolicy',
      'UpdateFunctionCode20150331v2',
      'UpdateFunctionConfiguration20150331v2',
    ])
    expect(called('privilege-escalation')).toEqual(['AttachRolePolicy', 'AttachUserPolicy', 'UpdateLoginProfile'])
    expect(r.flags.filter((f) => f.kind === 'failed-issuance')).toHaveLength(4)
  })

  it('--principal narrows to what that user started', async () => {
    const r = await reportOf(DIR, {principals: ['*:user/stratus-red-team-user-federation-user']})
    expect(r.sessions.map((s) => s.accessKeyIds[0])).toEqual(['ASIASTJKC5GCM7ZE6LUP'])
  })
})
