// Virtual MFA devices with real TOTP: create (seed returned once), enable with two consecutive codes,
// list, deactivate, delete; then the new device works for AssumeRole.
import {
  CreateUserCommand,
  CreateVirtualMFADeviceCommand,
  DeactivateMFADeviceCommand,
  DeleteVirtualMFADeviceCommand,
  EnableMFADeviceCommand,
  ListMFADevicesCommand,
  ListVirtualMFADevicesCommand,
  CreateAccessKeyCommand,
} from '@aws-sdk/client-iam'
import {GetSessionTokenCommand} from '@aws-sdk/client-sts'
import {describe, expect, it} from 'vitest'

import {totp} from '../../src/sim/index.js'
import {useSim} from '../support/sim.js'

describe('virtual MFA devices', async () => {
  const sim = await useSim({scenario: 'playbooks/scenarios/empty-account.yaml'})
  const iam = sim.clients.iam

  it('creates, enables with two consecutive codes, lists, deactivates and deletes a device', async () => {
    await iam.send(new CreateUserCommand({UserName: 'mfa-user'}))
    const dev = await iam.send(new CreateVirtualMFADeviceCommand({VirtualMFADeviceName: 'mfa-user'}))
    const serial = dev.VirtualMFADevice!.SerialNumber!
    expect(serial).toBe(`arn:aws:iam::${sim.accountId}:mfa/mfa-user`)
    const seed = new TextDecoder().decode(dev.VirtualMFADevice!.Base32StringSeed)
    expect(seed).toMatch(/^[A-Z2-7]{32,}$/)
    const now = Date.now()
    await expect(sim.clientsAs(sim.rootCredentials).iam.send(new EnableMFADeviceCommand({UserName: 'mfa-user', SerialNumber: serial, AuthenticationCode1: totp(seed, now), AuthenticationCode2: totp(seed, now - 30_000)}))).rejects.toMatchObject({
      name: 'InvalidAuthenticationCodeException',
    })
    await iam.send(new EnableMFADeviceCommand({UserName: 'mfa-user', SerialNumber: serial, AuthenticationCode1: totp(seed, now - 30_000), AuthenticationCode2: totp(seed, now)}))
    const listed = await iam.send(new ListMFADevicesCommand({UserName: 'mfa-user'}))
    expect(listed.MFADevices).toEqual([{UserName: 'mfa-user', SerialNumber: serial, EnableDate: expect.any(Date)}])
    expect((await iam.send(new ListVirtualMFADevicesCommand({AssignmentStatus: 'Assigned'}))).VirtualMFADevices?.[0]?.User?.UserName).toBe('mfa-user')

    // The enabled device is good for GetSessionToken with a current code.
    const key = await iam.send(new CreateAccessKeyCommand({UserName: 'mfa-user'}))
    const user = sim.clientsAs({accessKeyId: key.AccessKey!.AccessKeyId!, secretAccessKey: key.AccessKey!.SecretAccessKey!})
    await expect(user.sts.send(new GetSessionTokenCommand({SerialNumber: serial, TokenCode: totp(seed, Date.now())}))).resolves.toBeTruthy()

    await expect(sim.clientsAs(sim.rootCredentials).iam.send(new DeleteVirtualMFADeviceCommand({SerialNumber: serial}))).rejects.toMatchObject({name: 'DeleteConflictException'})
    await iam.send(new DeactivateMFADeviceCommand({UserName: 'mfa-user', SerialNumber: serial}))
    expect((await iam.send(new ListMFADevicesCommand({UserName: 'mfa-user'}))).MFADevices).toEqual([])
    await expect(user.sts.send(new GetSessionTokenCommand({SerialNumber: serial, TokenCode: totp(seed, Date.now())}))).rejects.toMatchObject({name: 'AccessDenied'})
    await iam.send(new DeleteVirtualMFADeviceCommand({SerialNumber: serial}))
    expect((await iam.send(new ListVirtualMFADevicesCommand({}))).VirtualMFADevices).toEqual([])
  })

  it('computes RFC 6238 codes (test vector: seed "12345678901234567890", T=59 s → 287082)', () => {
    // The RFC's SHA-1 vector is 94287082 for 8 digits; AWS uses 6 digits.
    const seed = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ'
    expect(totp(seed, 59_000)).toBe('287082')
    expect(totp(seed, 1111111109_000)).toBe('081804')
  })
})
