// The attacker: credentials it holds (named identities), the steps it detonates, and the calls it keeps
// making in the background while the response runs, each outcome timestamped so the moment
// containment takes effect is measured, not assumed.
import {createAccessKey, getSessionToken, probe, putRolePolicyAs, type CallOutcome, type ProbeAction} from '../aws/attack-ops.js'
import type {Clients} from '../aws/clients.js'
import {getIdentity} from '../aws/identity.js'
import {assumeRole} from '../aws/sts-sessions.js'
import type {AttackStep} from './schema.js'

export interface Credentials {
  accessKeyId: string
  secretAccessKey: string
  sessionToken?: string
}

export interface Identity {
  id: string
  kind: 'key' | 'session'
  credentials: Credentials
  /** For long-term keys: the owner, so the drill can check the key's status. */
  userName?: string
  /** For sessions: the assumed-role ARN, so a surviving session is named with its account. */
  arn?: string
  /** One attempt per call: each probe's outcome is measured as it is. */
  clients: Clients
  /** Retrying clients for the attack steps: a transient 5xx must not abort the detonation. */
  actor: Clients
}

export interface CallRecord {
  at: number
  as: string
  call: ProbeAction
  ok: boolean
  error?: string
}

/** Errors that mean "refused": the containment working. Anything else (5xx, throttling) is noise. */
const REFUSED = new Set(['AccessDenied', 'AccessDeniedException', 'InvalidClientTokenId', 'ExpiredToken', 'UnrecognizedClientException'])
export const isRefusal = (o: CallOutcome) => !o.ok && REFUSED.has(o.error ?? '')

export class Attacker {
  readonly identities = new Map<string, Identity>()
  readonly calls: CallRecord[] = []
  private stopped = false
  private loops: Promise<void>[] = []

  constructor(private readonly clientsFor: (c: Credentials, maxAttempts: number) => Clients) {}

  hold(id: string, c: Credentials, kind: Identity['kind'], userName?: string, arn?: string): Identity {
    // Keep only what signs requests (an expiration string would confuse the SDK's credential cache).
    const credentials = {accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, sessionToken: c.sessionToken}
    const identity = {id, kind, credentials, userName, arn, clients: this.clientsFor(credentials, 1), actor: this.clientsFor(credentials, 4)}
    this.identities.set(id, identity)
    return identity
  }

  get(id: string): Identity {
    const i = this.identities.get(id)
    if (!i) throw new Error(`the attacker holds no identity '${id}'`)
    return i
  }

  /** One attack step; returns a line for the task list (never a secret). */
  async detonate(step: AttackStep): Promise<string> {
    if ('assumeRole' in step) {
      const s = step.assumeRole
      const from = this.get(s.as)
      const account = /^\d{12}$/.test(s.role) ? s.role : undefined
      const roleArn = s.role.startsWith('arn:') ? s.role : `arn:aws:iam::${account ?? (await this.accountOf(from))}:role/${s.role}`
      const r = await assumeRole(from.actor, {roleArn, sessionName: s.sessionName, sourceIdentity: s.sourceIdentity})
      this.hold(step.id, r.credentials, 'session', undefined, r.assumedRoleArn)
      return `${s.as} assumed ${s.role} as ${r.assumedRoleArn}`
    }
    if ('getSessionToken' in step) {
      const from = this.get(step.getSessionToken.as)
      this.hold(step.id, await getSessionToken(from.actor), 'session')
      return `${step.getSessionToken.as} got session-token credentials that outlive a key deactivation`
    }
    if ('createAccessKey' in step) {
      const s = step.createAccessKey
      const key = await createAccessKey(this.get(s.as).actor, s.user)
      this.hold(step.id, key, 'key', s.user)
      return `${s.as} created backdoor key …${key.accessKeyId.slice(-4)} for ${s.user}`
    }
    const s = step.putRolePolicy
    await putRolePolicyAs(this.get(s.as).actor, s.role, s.name, s.document)
    return `${s.as} put inline policy ${s.name} on ${s.role}`
  }

  /** Starts calling every ~intervalMs per pressure entry until stop(). */
  startPressure(entries: {as: string; call: ProbeAction}[], intervalMs = 200): void {
    this.stopped = false
    this.loops = entries.map(async ({as, call}) => {
      const identity = this.get(as)
      while (!this.stopped) {
        const started = Date.now()
        const outcome = await probe(identity.clients, call)
        this.calls.push({at: started, as, call, ...outcome})
        await new Promise((r) => setTimeout(r, Math.max(0, intervalMs - (Date.now() - started))))
      }
    })
  }

  async stopPressure(): Promise<void> {
    this.stopped = true
    await Promise.all(this.loops)
  }

  /** One more call per identity, after everything: the final word on whether it is contained. */
  async finalProbe(id: string, call: ProbeAction = 'iam:GetUser'): Promise<CallOutcome> {
    // Retrying: a transient 5xx is not an answer; a refusal is final and is not retried.
    return probe(this.get(id).actor, call)
  }

  destroy(): void {
    for (const i of this.identities.values()) {
      i.clients.destroy()
      i.actor.destroy()
    }
  }

  private account?: string
  private async accountOf(from: Identity): Promise<string> {
    this.account ??= (await getIdentity(from.actor)).account
    return this.account
  }
}
