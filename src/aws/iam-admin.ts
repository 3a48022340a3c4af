// Creating and removing whole IAM users with everything hanging off them (keys, MFA devices, policies):
// what a drill needs to seed a sandbox account and to leave it exactly as it found it. Deletions treat
// "already gone" as done, so a revert can run twice.
import type {IAMClient} from '@aws-sdk/client-iam'

import {deleteInlinePolicy, detachManagedPolicy, listAttachedPolicyArns, listInlinePolicies, deleteManagedPolicy, type PrincipalRef} from './iam-policies.js'
import {deleteRole, getRole} from './iam-roles.js'
import {listAccessKeys} from './iam-users.js'
import {listMfaSerials} from './sts-sessions.js'
import type {Clients} from './clients.js'
import {isNoSuchEntity} from './errors.js'
import {iamSdk} from './sdk.js'

const gone = isNoSuchEntity
const tagList = (tags: Record<string, string>) => Object.entries(tags).map(([Key, Value]) => ({Key, Value}))

export async function userExists(iam: IAMClient, name: string): Promise<boolean> {
  const {GetUserCommand} = await iamSdk()
  try {
    await iam.send(new GetUserCommand({UserName: name}))
    return true
  } catch (error) {
    if (gone(error)) return false
    throw error
  }
}

export async function roleExists(iam: IAMClient, name: string): Promise<boolean> {
  return (await getRole(iam, name)) !== undefined
}

export async function createUser(iam: IAMClient, name: string, path: string, tags: Record<string, string>): Promise<string> {
  const {CreateUserCommand} = await iamSdk()
  return (await iam.send(new CreateUserCommand({UserName: name, Path: path, Tags: tagList(tags)}))).User!.Arn!
}

export async function createKey(iam: IAMClient, userName: string): Promise<{accessKeyId: string; secretAccessKey: string}> {
  const {CreateAccessKeyCommand} = await iamSdk()
  const k = (await iam.send(new CreateAccessKeyCommand({UserName: userName}))).AccessKey!
  return {accessKeyId: k.AccessKeyId!, secretAccessKey: k.SecretAccessKey!}
}

/** A virtual MFA device for the user, enabled with two consecutive codes from `codeAt(step)`. Returns serial and seed. */
export async function createEnabledMfa(iam: IAMClient, userName: string, codes: (seed: string) => [string, string]): Promise<{serial: string; seed: string}> {
  const {CreateVirtualMFADeviceCommand, EnableMFADeviceCommand} = await iamSdk()
  const d = (await iam.send(new CreateVirtualMFADeviceCommand({VirtualMFADeviceName: userName}))).VirtualMFADevice!
  const seed = Buffer.from(d.Base32StringSeed!).toString('ascii')
  const [c1, c2] = codes(seed)
  await iam.send(new EnableMFADeviceCommand({UserName: userName, SerialNumber: d.SerialNumber!, AuthenticationCode1: c1, AuthenticationCode2: c2}))
  return {serial: d.SerialNumber!, seed}
}

/** Deletes a user after what IAM requires first: keys, MFA devices, inline and attached policies. */
export async function deleteUserCompletely(clients: Clients, name: string): Promise<void> {
  const {DeactivateMFADeviceCommand, DeleteAccessKeyCommand, DeleteUserCommand, DeleteVirtualMFADeviceCommand} = await iamSdk()
  const iam = clients.iam
  const ref: PrincipalRef = {kind: 'user', name}
  try {
    for (const k of await listAccessKeys(iam, name)) await iam.send(new DeleteAccessKeyCommand({UserName: name, AccessKeyId: k.accessKeyId}))
    for (const serial of await listMfaSerials(clients, name)) {
      await iam.send(new DeactivateMFADeviceCommand({UserName: name, SerialNumber: serial}))
      await iam.send(new DeleteVirtualMFADeviceCommand({SerialNumber: serial})).catch((e) => {
        if (!gone(e)) throw e
      })
    }
    for (const p of (await listInlinePolicies(iam, ref)).keys()) await deleteInlinePolicy(iam, ref, p)
    for (const arn of await listAttachedPolicyArns(iam, ref)) await detachManagedPolicy(iam, ref, arn)
    await iam.send(new DeleteUserCommand({UserName: name}))
  } catch (error) {
    if (!gone(error)) throw error
  }
}

/** Deletes a role after its inline policies (lockdown's and an attacker's too) and attachments. */
export async function deleteRoleCompletely(iam: IAMClient, name: string): Promise<void> {
  const ref: PrincipalRef = {kind: 'role', name}
  try {
    for (const p of (await listInlinePolicies(iam, ref)).keys()) await deleteInlinePolicy(iam, ref, p)
    for (const arn of await listAttachedPolicyArns(iam, ref)) await detachManagedPolicy(iam, ref, arn)
    await deleteRole(iam, name)
  } catch (error) {
    if (!gone(error)) throw error
  }
}

/** Deletes a customer managed policy with its non-default versions (IAM requires that order). */
export async function deletePolicyCompletely(iam: IAMClient, arn: string): Promise<void> {
  const {DeletePolicyVersionCommand, ListPolicyVersionsCommand} = await iamSdk()
  try {
    const versions = (await iam.send(new ListPolicyVersionsCommand({PolicyArn: arn}))).Versions ?? []
    for (const v of versions) if (!v.IsDefaultVersion) await iam.send(new DeletePolicyVersionCommand({PolicyArn: arn, VersionId: v.VersionId}))
    await deleteManagedPolicy(iam, arn)
  } catch (error) {
    if (!gone(error)) throw error
  }
}

export async function createPolicyTagged(iam: IAMClient, name: string, document: object, tags: Record<string, string>): Promise<string> {
  const {CreatePolicyCommand} = await iamSdk()
  return (await iam.send(new CreatePolicyCommand({PolicyName: name, PolicyDocument: JSON.stringify(document), Tags: tagList(tags)}))).Policy!.Arn!
}
