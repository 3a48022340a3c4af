// Service control policies as plain data: the Organizations policy API revoke-org needs (roots and their
// policy types, the SCPs attached to a target, create/update/attach/detach/delete, enable/disable the
// type) and the accounts under a target. Organizations throttles hard: every call goes through
// organizations.ts's backoff, after the SDK's own retries.
import type {Clients} from './clients.js'
import {pages, withBackoff} from './organizations.js'
import {organizationsSdk} from './sdk.js'

const SCP = 'SERVICE_CONTROL_POLICY'
type Opts = {signal?: AbortSignal}

export interface OrgRoot {
  id: string
  arn: string
  scpEnabled: boolean
}

export interface ScpSummary {
  id: string
  name: string
  awsManaged: boolean
  /** As AWS lists it ('' when none): what undo gives back to an SCP it has to create again. */
  description: string
}

type PolicySummaries = {Policies?: {Id?: string; Name?: string; AwsManaged?: boolean; Description?: string}[]; NextToken?: string}
const summary = (p: NonNullable<PolicySummaries['Policies']>[number]): ScpSummary => ({id: p.Id!, name: p.Name!, awsManaged: Boolean(p.AwsManaged), description: p.Description ?? ''})

async function sender(clients: Clients, opts: Opts) {
  const sdk = await organizationsSdk()
  const raw = clients.organizations.send.bind(clients.organizations) as unknown as (c: object, o: {abortSignal?: AbortSignal}) => Promise<unknown>
  const send = <T>(command: object) => withBackoff(() => raw(command, {abortSignal: opts.signal}) as Promise<T>, opts)
  return {sdk, send}
}

export async function listRoots(clients: Clients, opts: Opts = {}): Promise<OrgRoot[]> {
  const {sdk, send} = await sender(clients, opts)
  type R = {Roots?: {Id?: string; Arn?: string; PolicyTypes?: {Type?: string; Status?: string}[]}[]; NextToken?: string}
  const roots = await pages((NextToken) => send<R>(new sdk.ListRootsCommand({NextToken})).then((r) => ({items: r.Roots ?? [], next: r.NextToken})))
  return roots.map((r) => ({id: r.Id!, arn: r.Arn!, scpEnabled: (r.PolicyTypes ?? []).some((t) => t.Type === SCP && t.Status === 'ENABLED')}))
}

/** The SCPs attached directly to a root, OU or account. */
export async function scpsForTarget(clients: Clients, targetId: string, opts: Opts = {}): Promise<ScpSummary[]> {
  const {sdk, send} = await sender(clients, opts)
  const items = await pages((NextToken) => send<PolicySummaries>(new sdk.ListPoliciesForTargetCommand({TargetId: targetId, Filter: SCP, NextToken})).then((r) => ({items: r.Policies ?? [], next: r.NextToken})))
  return items.map(summary)
}

/** Every SCP of the organization (attached or not). */
export async function listScps(clients: Clients, opts: Opts = {}): Promise<ScpSummary[]> {
  const {sdk, send} = await sender(clients, opts)
  const items = await pages((NextToken) => send<PolicySummaries>(new sdk.ListPoliciesCommand({Filter: SCP, NextToken})).then((r) => ({items: r.Policies ?? [], next: r.NextToken})))
  return items.map(summary)
}

export async function scpContent(clients: Clients, policyId: string, opts: Opts = {}): Promise<string> {
  const {sdk, send} = await sender(clients, opts)
  const r = await send<{Policy?: {Content?: string}}>(new sdk.DescribePolicyCommand({PolicyId: policyId}))
  return r.Policy?.Content ?? ''
}

export async function scpTargets(clients: Clients, policyId: string, opts: Opts = {}): Promise<string[]> {
  const {sdk, send} = await sender(clients, opts)
  type R = {Targets?: {TargetId?: string}[]; NextToken?: string}
  const items = await pages((NextToken) => send<R>(new sdk.ListTargetsForPolicyCommand({PolicyId: policyId, NextToken})).then((r) => ({items: r.Targets ?? [], next: r.NextToken})))
  return items.map((t) => t.TargetId!)
}

export async function createScp(clients: Clients, name: string, content: string, description: string, opts: Opts = {}): Promise<string> {
  const {sdk, send} = await sender(clients, opts)
  const r = await send<{Policy?: {PolicySummary?: {Id?: string}}}>(new sdk.CreatePolicyCommand({Name: name, Content: content, Description: description, Type: SCP}))
  return r.Policy!.PolicySummary!.Id!
}

export async function updateScp(clients: Clients, policyId: string, content: string, opts: Opts = {}): Promise<void> {
  const {sdk, send} = await sender(clients, opts)
  await send(new sdk.UpdatePolicyCommand({PolicyId: policyId, Content: content}))
}

export async function attachScp(clients: Clients, policyId: string, targetId: string, opts: Opts = {}): Promise<void> {
  const {sdk, send} = await sender(clients, opts)
  await send(new sdk.AttachPolicyCommand({PolicyId: policyId, TargetId: targetId}))
}

export async function detachScp(clients: Clients, policyId: string, targetId: string, opts: Opts = {}): Promise<void> {
  const {sdk, send} = await sender(clients, opts)
  await send(new sdk.DetachPolicyCommand({PolicyId: policyId, TargetId: targetId}))
}

export async function deleteScp(clients: Clients, policyId: string, opts: Opts = {}): Promise<void> {
  const {sdk, send} = await sender(clients, opts)
  await send(new sdk.DeletePolicyCommand({PolicyId: policyId}))
}

export async function setScpType(clients: Clients, rootId: string, enabled: boolean, opts: Opts = {}): Promise<void> {
  const {sdk, send} = await sender(clients, opts)
  await send(enabled ? new sdk.EnablePolicyTypeCommand({RootId: rootId, PolicyType: SCP}) : new sdk.DisablePolicyTypeCommand({RootId: rootId, PolicyType: SCP}))
}

/** What a target id names, and the accounts under it (at any depth); undefined when the organization has no such target. */
export async function accountsUnder(clients: Clients, targetId: string, opts: Opts = {}): Promise<{type: 'root' | 'ou' | 'account'; accounts: string[]} | undefined> {
  const {sdk, send} = await sender(clients, opts)
  if (/^\d{12}$/.test(targetId)) {
    try {
      await send(new sdk.DescribeAccountCommand({AccountId: targetId}))
      return {type: 'account', accounts: [targetId]}
    } catch (error) {
      if ((error as {name?: string}).name === 'AccountNotFoundException') return undefined
      throw error
    }
  }
  const accounts: string[] = []
  const walk = async (parent: string): Promise<void> => {
    type A = {Accounts?: {Id?: string}[]; NextToken?: string}
    type O = {OrganizationalUnits?: {Id?: string}[]; NextToken?: string}
    accounts.push(...(await pages((NextToken) => send<A>(new sdk.ListAccountsForParentCommand({ParentId: parent, NextToken})).then((r) => ({items: r.Accounts ?? [], next: r.NextToken})))).map((a) => a.Id!))
    const ous = await pages((NextToken) => send<O>(new sdk.ListOrganizationalUnitsForParentCommand({ParentId: parent, NextToken})).then((r) => ({items: r.OrganizationalUnits ?? [], next: r.NextToken})))
    for (const ou of ous) await walk(ou.Id!)
  }
  try {
    await walk(targetId)
  } catch (error) {
    const name = (error as {name?: string}).name
    if (name === 'ParentNotFoundException' || name === 'InvalidInputException') return undefined
    throw error
  }
  return {type: targetId.startsWith('r-') ? 'root' : 'ou', accounts: accounts.sort()}
}

export async function describeOrg(clients: Clients, opts: Opts = {}): Promise<{id: string; managementAccount: string}> {
  const {sdk, send} = await sender(clients, opts)
  const r = await send<{Organization?: {Id?: string; MasterAccountId?: string}}>(new sdk.DescribeOrganizationCommand({}))
  return {id: r.Organization?.Id ?? '', managementAccount: r.Organization?.MasterAccountId ?? ''}
}
