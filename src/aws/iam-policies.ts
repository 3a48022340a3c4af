// Inline and customer managed policies of users and roles, one interface for both principal kinds, so
// actions write a policy to "a principal" without branching on its kind at every call.
import type {IAMClient} from '@aws-sdk/client-iam'

import type {PolicyDocument} from './policies/document.js'
import {decodePolicy} from './iam-roles.js'
import {allPages} from './paginate.js'
import {isNoSuchEntity} from './errors.js'
import {iamSdk} from './sdk.js'

export type PrincipalKind = 'role' | 'user'
export interface PrincipalRef {
  kind: PrincipalKind
  name: string
}
type Opts = {signal?: AbortSignal}


export async function listInlinePolicies(iam: IAMClient, p: PrincipalRef, opts: Opts = {}): Promise<Map<string, PolicyDocument>> {
  const {ListRolePoliciesCommand, ListUserPoliciesCommand} = await iamSdk()
  const names = await allPages(async (Marker) => {
    const r =
      p.kind === 'role'
        ? await iam.send(new ListRolePoliciesCommand({RoleName: p.name, Marker}), {abortSignal: opts.signal})
        : await iam.send(new ListUserPoliciesCommand({UserName: p.name, Marker}), {abortSignal: opts.signal})
    return {...r, items: r.PolicyNames ?? []}
  })
  const out = new Map<string, PolicyDocument>()
  for (const name of names) {
    const doc = await getInlinePolicy(iam, p, name, opts)
    if (doc) out.set(name, doc)
  }
  return out
}

export async function getInlinePolicy(iam: IAMClient, p: PrincipalRef, policyName: string, opts: Opts = {}): Promise<PolicyDocument | undefined> {
  const {GetRolePolicyCommand, GetUserPolicyCommand} = await iamSdk()
  try {
    const r =
      p.kind === 'role'
        ? await iam.send(new GetRolePolicyCommand({RoleName: p.name, PolicyName: policyName}), {abortSignal: opts.signal})
        : await iam.send(new GetUserPolicyCommand({UserName: p.name, PolicyName: policyName}), {abortSignal: opts.signal})
    return decodePolicy(r.PolicyDocument)
  } catch (error) {
    if (isNoSuchEntity(error)) return undefined
    throw error
  }
}

export async function putInlinePolicy(iam: IAMClient, p: PrincipalRef, policyName: string, doc: PolicyDocument, opts: Opts = {}): Promise<void> {
  const {PutRolePolicyCommand, PutUserPolicyCommand} = await iamSdk()
  const PolicyDocument = JSON.stringify(doc)
  if (p.kind === 'role') await iam.send(new PutRolePolicyCommand({RoleName: p.name, PolicyName: policyName, PolicyDocument}), {abortSignal: opts.signal})
  else await iam.send(new PutUserPolicyCommand({UserName: p.name, PolicyName: policyName, PolicyDocument}), {abortSignal: opts.signal})
}

/** Deletes an inline policy; already gone counts as done (undo may run twice). */
export async function deleteInlinePolicy(iam: IAMClient, p: PrincipalRef, policyName: string, opts: Opts = {}): Promise<void> {
  const {DeleteRolePolicyCommand, DeleteUserPolicyCommand} = await iamSdk()
  try {
    if (p.kind === 'role') await iam.send(new DeleteRolePolicyCommand({RoleName: p.name, PolicyName: policyName}), {abortSignal: opts.signal})
    else await iam.send(new DeleteUserPolicyCommand({UserName: p.name, PolicyName: policyName}), {abortSignal: opts.signal})
  } catch (error) {
    if (!isNoSuchEntity(error)) throw error
  }
}

export async function listAttachedPolicyArns(iam: IAMClient, p: PrincipalRef, opts: Opts = {}): Promise<string[]> {
  const {ListAttachedRolePoliciesCommand, ListAttachedUserPoliciesCommand} = await iamSdk()
  return allPages(async (Marker) => {
    const r =
      p.kind === 'role'
        ? await iam.send(new ListAttachedRolePoliciesCommand({RoleName: p.name, Marker}), {abortSignal: opts.signal})
        : await iam.send(new ListAttachedUserPoliciesCommand({UserName: p.name, Marker}), {abortSignal: opts.signal})
    return {...r, items: (r.AttachedPolicies ?? []).map((a) => a.PolicyArn!)}
  })
}

export async function attachManagedPolicy(iam: IAMClient, p: PrincipalRef, policyArn: string, opts: Opts = {}): Promise<void> {
  const {AttachRolePolicyCommand, AttachUserPolicyCommand} = await iamSdk()
  if (p.kind === 'role') await iam.send(new AttachRolePolicyCommand({RoleName: p.name, PolicyArn: policyArn}), {abortSignal: opts.signal})
  else await iam.send(new AttachUserPolicyCommand({UserName: p.name, PolicyArn: policyArn}), {abortSignal: opts.signal})
}

export async function detachManagedPolicy(iam: IAMClient, p: PrincipalRef, policyArn: string, opts: Opts = {}): Promise<void> {
  const {DetachRolePolicyCommand, DetachUserPolicyCommand} = await iamSdk()
  try {
    if (p.kind === 'role') await iam.send(new DetachRolePolicyCommand({RoleName: p.name, PolicyArn: policyArn}), {abortSignal: opts.signal})
    else await iam.send(new DetachUserPolicyCommand({UserName: p.name, PolicyArn: policyArn}), {abortSignal: opts.signal})
  } catch (error) {
    if (!isNoSuchEntity(error)) throw error
  }
}

/** Creates a customer managed policy, or returns the existing one of that name (idempotent apply). */
export async function ensureManagedPolicy(
  iam: IAMClient,
  account: string,
  name: string,
  doc: PolicyDocument,
  opts: Opts & {path?: string; description?: string} = {},
): Promise<string> {
  const {CreatePolicyCommand} = await iamSdk()
  const path = opts.path ?? '/lockdown/'
  const arn = `arn:aws:iam::${account}:policy${path}${name}`
  const existing = await managedPolicyAttachments(iam, arn, opts)
  if (existing !== undefined) return arn
  try {
    const r = await iam.send(
      new CreatePolicyCommand({PolicyName: name, Path: path, PolicyDocument: JSON.stringify(doc), Description: opts.description}),
      {abortSignal: opts.signal},
    )
    return r.Policy!.Arn!
  } catch (error) {
    // Two changes of one step may race to create the shared policy: the loser uses the winner's.
    if ((error as {name?: string}).name === 'EntityAlreadyExists' || (error as {name?: string}).name === 'EntityAlreadyExistsException') return arn
    throw error
  }
}

/** Number of principals the policy is attached to; undefined when it does not exist. */
export async function managedPolicyAttachments(iam: IAMClient, arn: string, opts: Opts = {}): Promise<number | undefined> {
  const {GetPolicyCommand} = await iamSdk()
  try {
    const r = await iam.send(new GetPolicyCommand({PolicyArn: arn}), {abortSignal: opts.signal})
    return r.Policy?.AttachmentCount ?? 0
  } catch (error) {
    if (isNoSuchEntity(error)) return undefined
    throw error
  }
}

export async function deleteManagedPolicy(iam: IAMClient, arn: string, opts: Opts = {}): Promise<void> {
  const {DeletePolicyCommand} = await iamSdk()
  try {
    await iam.send(new DeletePolicyCommand({PolicyArn: arn}), {abortSignal: opts.signal})
  } catch (error) {
    if (!isNoSuchEntity(error)) throw error
  }
}
