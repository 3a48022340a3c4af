// Virtual MFA devices as AWS has them: create (returns the Base32 seed once), enable with two consecutive
// TOTP codes, list, deactivate, delete. The seed is the only way to produce codes; tests compute them.
import {AwsError, alreadyExists, deleteConflict, limitExceeded, noSuchEntity} from '../errors.js'
import {newMfaSeed} from '../ids.js'
import type {OpContext, OpTable} from '../ops.js'
import type {Params} from '../protocol/form.js'
import {callerUser} from '../identity.js'
import {userArn} from '../state.js'
import {verifyConsecutive} from '../totp.js'
import {checkName, paginate, pathOf} from './shapes.js'

const userRes = (p: Params, c: OpContext) => {
  const u = c.sim.account.users.get(String(p.UserName ?? callerUser(c.sim.account, c.caller)?.name))
  return u ? userArn(c.sim.account, u) : `arn:aws:iam::${c.sim.account.id}:user/${p.UserName ?? ''}`
}
const mfaRes = (p: Params, c: OpContext) => String(p.SerialNumber ?? `arn:aws:iam::${c.sim.account.id}:mfa${p.Path ?? '/'}${p.VirtualMFADeviceName}`)
const resources = (p: Params) => [
  ...(p.UserName ? [{type: 'AWS::IAM::User', name: String(p.UserName)}] : []),
  ...(p.SerialNumber ? [{type: 'AWS::IAM::MFADevice', name: String(p.SerialNumber)}] : []),
]

export const mfaOps: OpTable = {
  CreateVirtualMFADevice: {
    readOnly: false,
    resource: mfaRes,
    resources: (_p, r) => [{type: 'AWS::IAM::MFADevice', name: String((r as {VirtualMFADevice: {SerialNumber: string}}).VirtualMFADevice.SerialNumber)}],
    handle(p, c) {
      const a = c.sim.account
      const name = checkName(p.VirtualMFADeviceName, 'virtualMFADeviceName', 226)
      const path = pathOf(p)
      const serial = `arn:aws:iam::${a.id}:mfa${path}${name}`
      if (a.mfa.has(serial)) throw alreadyExists('MFADevice entity at the same path and name already exists.')
      const seed = newMfaSeed()
      a.mfa.set(serial, {serial, seed, path, createdAt: c.now})
      // Base32StringSeed and QRCodePNG are blobs: the XML carries them base64-encoded.
      return {VirtualMFADevice: {SerialNumber: serial, Base32StringSeed: Buffer.from(seed, 'ascii'), QRCodePNG: Buffer.from(`otpauth://totp/${name}@${a.id}?secret=${seed}`)}}
    },
  },
  EnableMFADevice: {
    readOnly: false,
    resource: userRes,
    resources,
    handle(p, c) {
      const a = c.sim.account
      const u = c.sim.user(p.UserName)
      const m = c.sim.mfa(p.SerialNumber)
      if (m.userName) throw limitExceeded('MFA device is already in use.')
      if ([...a.mfa.values()].filter((d) => d.userName === u.name).length >= 8) throw limitExceeded('Cannot exceed quota for MFADevicesPerUser: 8')
      if (!verifyConsecutive(m.seed, String(p.AuthenticationCode1), String(p.AuthenticationCode2), c.now)) {
        throw new AwsError('InvalidAuthenticationCode', 'Authentication code for device is not valid.', 403)
      }
      m.userName = u.name
      m.enabledAt = c.now
      return undefined
    },
  },
  ListMFADevices: {
    readOnly: true,
    resource: userRes,
    handle(p, c) {
      const u = p.UserName !== undefined ? c.sim.user(p.UserName) : callerUser(c.sim.account, c.caller)
      const list = [...c.sim.account.mfa.values()].filter((m) => u && m.userName === u.name).map((m) => ({UserName: m.userName, SerialNumber: m.serial, EnableDate: new Date(m.enabledAt!)}))
      return paginate(list, p, 'MFADevices')
    },
  },
  ListVirtualMFADevices: {
    readOnly: true,
    handle(p, c) {
      const a = c.sim.account
      const status = p.AssignmentStatus ?? 'Any'
      const list = [...a.mfa.values()]
        .filter((m) => status === 'Any' || (status === 'Assigned') === !!m.userName)
        .map((m) => {
          const u = m.userName ? a.users.get(m.userName) : undefined
          return {SerialNumber: m.serial, ...(u ? {User: {Path: u.path, UserName: u.name, UserId: u.id, Arn: userArn(a, u), CreateDate: new Date(u.createdAt)}, EnableDate: new Date(m.enabledAt!)} : {})}
        })
      return paginate(list, p, 'VirtualMFADevices')
    },
  },
  DeactivateMFADevice: {
    readOnly: false,
    resource: userRes,
    resources,
    handle(p, c) {
      const u = c.sim.user(p.UserName)
      const m = c.sim.account.mfa.get(String(p.SerialNumber))
      if (!m || m.userName !== u.name) throw noSuchEntity(`MFA Device with serial number ${p.SerialNumber} does not exist.`)
      m.userName = undefined
      m.enabledAt = undefined
      return undefined
    },
  },
  DeleteVirtualMFADevice: {
    readOnly: false,
    resource: mfaRes,
    resources,
    handle(p, c) {
      const m = c.sim.mfa(p.SerialNumber)
      if (m.userName) throw deleteConflict('MFA VirtualDevice in use. Must deactivate first.')
      c.sim.account.mfa.delete(m.serial)
      return undefined
    },
  },
}
