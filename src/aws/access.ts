// Entering an account: the one client provider for "step × account × change". The caller's own account
// is reached with the caller's credentials; any other account through AssumeRole of the access role,
// chained through `via` when given, with session name `lockdown-<run id>` (findable in both accounts'
// trails), SourceIdentity = the caller's own name (it survives every hop of the chain, so the target
// account's trail names the person), and ExternalId on the last hop (the one whose trust asks for it).
// Credentials are renewed before they expire: a revoke of 1,000 roles in 100 accounts outlives a session.
import type {AwsCredentialIdentity} from '@smithy/types'

import {makeClients, type AwsOptions, type Clients} from './clients.js'
import {awsErrorText, classifyAwsError} from './errors.js'
import {principalOf} from './arn.js'
import {assumeRole} from './sts-sessions.js'

/** How lockdown gets into member accounts (the playbook's `access:`). */
export interface AccessPath {
  /** The role's name (or path/name) in each member account. */
  role: string
  externalId?: string
  /** Role ARNs assumed first, in order, before the access role (a hub account's role, say). */
  via?: string[]
}

export const DEFAULT_ACCESS: AccessPath = {role: 'OrganizationAccountAccessRole'}

/** How an account was reached: with the caller's own credentials, or through this chain of roles. */
export type AccessHow = 'caller' | {role: string; chain: string[]}

/** Who lockdown is in an account (sts:GetCallerIdentity there). */
export interface AccountIdentity {
  account: string
  arn: string
  userId: string
  /** The IAM principal behind `arn` (the role, for a role session). */
  principalArn: string
  accessKeyId?: string
}

/** The caller's clients and where they came from: entering another account starts from these. */
export interface AccessBase {
  clients: Clients
  aws: AwsOptions
  identity: AccountIdentity
}

export interface EnteredAccount {
  id: string
  clients: Clients
  identity: AccountIdentity
  access: AccessHow
  /** Closes the clients built for this account (never the base's). */
  close(): void
}

export interface EnterOptions {
  runId: string
  signal?: AbortSignal
  /** Defaults to the caller's own name (sourceIdentityOf). */
  sourceIdentity?: string
  /** Session length asked of STS; a chained hop is capped at 1 hour by AWS. */
  durationSeconds?: number
  /** Re-assume when less than this is left of a session (default 10 minutes). */
  renewBeforeMs?: number
  /** The clock renewal judges by (tests move it; default Date.now). */
  now?: () => number
}

/** An account lockdown could not enter, and why: the run marks it unreachable and goes on with the others. */
export class AccountUnreachableError extends Error {
  constructor(
    readonly account: string,
    /** The role ARN whose AssumeRole failed, or the check that failed. */
    readonly hop: string,
    readonly reason: string,
    readonly kind: ReturnType<typeof classifyAwsError>['kind'] | 'wrong-account',
  ) {
    super(`account ${account}: ${reason}`)
    this.name = 'AccountUnreachableError'
  }
}

const SESSION_NAME_MAX = 64

/** `lockdown-<run id>`, within STS's 64 characters and its alphabet. */
export function sessionNameFor(runId: string): string {
  return `lockdown-${runId}`.replace(/[^\w+=,.@-]/g, '-').slice(0, SESSION_NAME_MAX)
}

/**
 * The caller's own name for SourceIdentity: a user's name, an assumed role's session name (SSO puts the
 * person's e-mail there), within STS's alphabet and 2–64 characters.
 */
export function sourceIdentityOf(callerArn: string): string {
  const p = principalOf(callerArn)
  const name = p.kind === 'role' ? (callerArn.split('/')[2] ?? p.name) : p.name
  const clean = name.replace(/[^\w+=,.@-]/g, '-').slice(0, 64)
  return clean.length >= 2 ? clean : `${clean}--`.slice(0, 2)
}

/** The access role's ARN in an account (the role may carry a path: `ops/lockdown-access`). */
export function accessRoleArn(account: string, role: string, partition = 'aws'): string {
  return `arn:${partition}:iam::${account}:role/${role.replace(/^\/+/, '')}`
}

/** The role ARNs assumed, in order, to reach `account`: `via`, then the access role. */
export function chainFor(account: string, access: AccessPath): string[] {
  return [...(access.via ?? []), accessRoleArn(account, access.role)]
}

/**
 * Clients for `accountId`: the base itself for the caller's account, otherwise AssumeRole along the
 * chain. The account reached is checked before anything uses the clients, so a mistyped `via` or role can
 * never act in the wrong account: from the last AssumeRole's own answer (its AssumedRoleUser is the session
 * made, in the account of the role assumed: what GetCallerIdentity would answer, one round trip less for
 * every account entered).
 */
export async function enterAccount(base: AccessBase, accountId: string, access: AccessPath, opts: EnterOptions): Promise<EnteredAccount> {
  if (accountId === base.identity.account) {
    return {id: accountId, clients: base.clients, identity: base.identity, access: 'caller', close: () => {}}
  }
  const chain = chainFor(accountId, access)
  let session: {arn: string; userId: string} | undefined
  const clients = assumeChain(base, chain, {...opts, externalId: access.externalId, account: accountId, onAssumed: (s) => (session ??= s)})
  try {
    // Asking the clients for credentials assumes the chain (the provider's first call).
    const creds = await clients.sts.config.credentials().catch((error: unknown) => {
      throw error instanceof AccountUnreachableError ? error : unreachable(accountId, chain.at(-1)!, error)
    })
    const reached = session!.arn.split(':')[4]
    if (reached !== accountId) {
      throw new AccountUnreachableError(accountId, chain.at(-1)!, `the chain ${chain.join(' -> ')} reached account ${reached}, not ${accountId}`, 'wrong-account')
    }
    const identity = {account: reached, arn: session!.arn, userId: session!.userId, accessKeyId: creds.accessKeyId, principalArn: principalOf(session!.arn).arn}
    return {id: accountId, clients, identity, access: {role: access.role, chain}, close: () => clients.destroy()}
  } catch (error) {
    clients.destroy()
    throw error
  }
}

/**
 * Clients whose credentials come from AssumeRole along `chain`, starting from the base's credentials.
 * The provider re-assumes the whole chain when less than `renewBeforeMs` is left of the shortest hop's
 * session (a hop cannot outlive the one it was assumed from).
 */
export function assumeChain(
  base: AccessBase,
  chain: string[],
  opts: EnterOptions & {
    externalId?: string
    account?: string
    /** Told the session each assumption of the whole chain ends in (the last hop's AssumedRoleUser). */
    onAssumed?: (session: {arn: string; userId: string}) => void
  },
): Clients {
  const now = opts.now ?? Date.now
  const renewBefore = opts.renewBeforeMs ?? 10 * 60_000
  const sessionName = sessionNameFor(opts.runId)
  const sourceIdentity = opts.sourceIdentity ?? sourceIdentityOf(base.identity.arn)
  let current: {creds: AwsCredentialIdentity; expiresAt: number} | undefined
  let pending: Promise<{creds: AwsCredentialIdentity; expiresAt: number}> | undefined
  const hopClients: Clients[] = []
  const assumeAll = async () => {
    let from = base.clients
    let creds: AwsCredentialIdentity | undefined
    let expiresAt = Infinity
    for (const [i, roleArn] of chain.entries()) {
      const last = i === chain.length - 1
      const hop = (withSourceIdentity: boolean) =>
        assumeRole(
          from,
          {
            roleArn,
            sessionName,
            // Set once on the first hop: STS carries it along the chain and refuses a different one later.
            ...(i === 0 && withSourceIdentity ? {sourceIdentity} : {}),
            ...(last && opts.externalId ? {externalId: opts.externalId} : {}),
            // A chained hop may not ask for more than an hour.
            durationSeconds: Math.min(opts.durationSeconds ?? 3600, 3600),
          },
          {signal: opts.signal},
        )
      try {
        // The OrganizationAccountAccessRole AWS creates trusts the management account for sts:AssumeRole
        // only: STS refuses a SourceIdentity there (sts:SetSourceIdentity). The session name still carries
        // the run id, so the role is entered without one rather than not at all.
        const r = await hop(true).catch((error: unknown) => {
          if (i === 0 && classifyAwsError(error).action === 'sts:SetSourceIdentity') return hop(false)
          throw error
        })
        creds = {accessKeyId: r.credentials.accessKeyId, secretAccessKey: r.credentials.secretAccessKey, sessionToken: r.credentials.sessionToken}
        expiresAt = Math.min(expiresAt, Date.parse(r.credentials.expiration))
        if (last) opts.onAssumed?.({arn: r.assumedRoleArn, userId: r.assumedRoleId})
      } catch (error) {
        throw unreachable(opts.account ?? accountOf(roleArn), roleArn, error)
      }
      if (!last) {
        from = makeClients({...base.aws, credentials: creds, credentialsProvider: undefined, runId: opts.runId})
        hopClients.push(from)
      }
    }
    for (const c of hopClients.splice(0)) c.destroy()
    return {creds: creds!, expiresAt}
  }
  const provider = async (): Promise<AwsCredentialIdentity> => {
    if (!current || current.expiresAt - now() <= renewBefore) {
      // One AssumeRole chain at a time, whatever number of calls ask for credentials at once.
      pending ??= assumeAll().finally(() => (pending = undefined))
      current = await pending
    }
    // The expiry reported is always "near", so the SDK asks this provider before every call (it is a cached
    // read) and the renewal is decided here, by this clock, not by the SDK's own five-minute window.
    return {...current.creds, expiration: new Date(Date.now())}
  }
  return makeClients({...base.aws, credentials: undefined, credentialsProvider: provider, runId: opts.runId})
}

function accountOf(roleArn: string): string {
  return roleArn.split(':')[4] ?? roleArn
}

function unreachable(account: string, roleArn: string, error: unknown): AccountUnreachableError {
  const info = classifyAwsError(error)
  return new AccountUnreachableError(account, roleArn, `sts:AssumeRole ${roleArn} failed: ${awsErrorText(error)}`, info.kind)
}
