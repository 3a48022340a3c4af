// The account's state: plain records in Maps, mutated only by operation handlers and the scenario seeder.
// Policy documents are stored as the JSON text the caller sent (AWS returns them as given, URL-encoded).
export type Tags = Array<{Key: string; Value: string}>

export interface AccessKey {
  id: string
  secret: string
  userName: string
  status: 'Active' | 'Inactive'
  createdAt: number
  lastUsed?: {at: number; service: string; region: string}
}

export interface MfaDevice {
  serial: string
  seed: string // Base32
  path: string
  createdAt: number
  userName?: string // set while enabled
  enabledAt?: number
}

export interface User {
  name: string
  id: string
  path: string
  createdAt: number
  tags: Tags
  inline: Map<string, string>
  attached: Set<string> // policy ARNs
}

export interface Role {
  name: string
  id: string
  path: string
  createdAt: number
  trust: string
  description?: string
  maxSessionDuration: number
  tags: Tags
  inline: Map<string, string>
  attached: Set<string>
  lastUsed?: {at: number; region: string}
}

export interface PolicyVersion {
  id: string // v1, v2…
  document: string
  createdAt: number
}

export interface ManagedPolicy {
  arn: string
  name: string
  id: string
  path: string
  description?: string
  createdAt: number
  updatedAt: number
  defaultVersion: string
  versions: PolicyVersion[]
  nextVersion: number
  tags: Tags
  awsManaged: boolean
}

/** Temporary credentials: a role session, a federated user, or a user's GetSessionToken session. */
export interface Session {
  accessKeyId: string
  secret: string
  token: string
  kind: 'role' | 'federated' | 'user' | 'root'
  issuedAt: number
  expiresAt: number
  mfa: boolean
  sourceIdentity?: string
  /** The key that signed the issuing call: who this session came from. */
  parentKeyId: string
  roleName?: string
  roleId?: string
  sessionName?: string
  /** The user behind a user session or a federated session. */
  userName?: string
  userId?: string
  federatedName?: string
  /** Inline session policy (AssumeRole/GetFederationToken `Policy`), JSON text. */
  sessionPolicy?: string
  sessionTags: Tags
  transitiveTagKeys: string[]
  chained: boolean
}

export interface Account {
  id: string
  alias?: string
  rootKey: {id: string; secret: string}
  users: Map<string, User>
  roles: Map<string, Role>
  policies: Map<string, ManagedPolicy> // by ARN
  keys: Map<string, AccessKey> // by key id
  sessions: Map<string, Session> // by ASIA key id
  mfa: Map<string, MfaDevice> // by serial
}

export function emptyAccount(id: string, rootKey: {id: string; secret: string}): Account {
  return {id, rootKey, users: new Map(), roles: new Map(), policies: new Map(), keys: new Map(), sessions: new Map(), mfa: new Map()}
}

export const userArn = (a: Account, u: User) => `arn:aws:iam::${a.id}:user${u.path}${u.name}`
export const roleArn = (a: Account, r: Role) => `arn:aws:iam::${a.id}:role${r.path}${r.name}`
export const customPolicyArn = (a: Account, path: string, name: string) => `arn:aws:iam::${a.id}:policy${path}${name}`

export function defaultDocument(p: ManagedPolicy): string {
  return p.versions.find((v) => v.id === p.defaultVersion)!.document
}

/** Count of principals a managed policy is attached to (AttachmentCount). */
export function attachmentCount(a: Account, arn: string): number {
  let n = 0
  for (const u of a.users.values()) if (u.attached.has(arn)) n++
  for (const r of a.roles.values()) if (r.attached.has(arn)) n++
  return n
}

const sortBy = <T>(xs: Iterable<T>, key: (x: T) => string) => [...xs].sort((x, y) => (key(x) < key(y) ? -1 : key(x) > key(y) ? 1 : 0))
const obj = (m: Map<string, string>) => Object.fromEntries(sortBy(m.entries(), ([k]) => k).map(([k, v]) => [k, JSON.parse(v)]))

/** The whole account as plain JSON with stable ordering, for diffing before/after a run. Secrets are left out. */
export function snapshotAccount(a: Account): unknown {
  const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString())
  return {
    accountId: a.id,
    users: sortBy(a.users.values(), (u) => u.name).map((u) => ({
      name: u.name,
      id: u.id,
      path: u.path,
      createdAt: iso(u.createdAt),
      tags: sortBy(u.tags, (t) => t.Key),
      inlinePolicies: obj(u.inline),
      attachedPolicies: [...u.attached].sort(),
      accessKeys: sortBy([...a.keys.values()].filter((k) => k.userName === u.name), (k) => k.id).map((k) => ({
        id: k.id,
        status: k.status,
        createdAt: iso(k.createdAt),
        lastUsed: k.lastUsed && {at: iso(k.lastUsed.at), service: k.lastUsed.service, region: k.lastUsed.region},
      })),
      mfaDevices: sortBy([...a.mfa.values()].filter((m) => m.userName === u.name), (m) => m.serial).map((m) => m.serial),
    })),
    roles: sortBy(a.roles.values(), (r) => r.name).map((r) => ({
      name: r.name,
      id: r.id,
      path: r.path,
      createdAt: iso(r.createdAt),
      trust: JSON.parse(r.trust),
      description: r.description,
      maxSessionDuration: r.maxSessionDuration,
      tags: sortBy(r.tags, (t) => t.Key),
      inlinePolicies: obj(r.inline),
      attachedPolicies: [...r.attached].sort(),
    })),
    policies: sortBy([...a.policies.values()].filter((p) => !p.awsManaged), (p) => p.arn).map((p) => ({
      arn: p.arn,
      name: p.name,
      path: p.path,
      defaultVersion: p.defaultVersion,
      versions: p.versions.map((v) => ({id: v.id, document: JSON.parse(v.document), createdAt: iso(v.createdAt)})),
      tags: sortBy(p.tags, (t) => t.Key),
    })),
    mfaDevices: sortBy(a.mfa.values(), (m) => m.serial).map((m) => ({serial: m.serial, user: m.userName ?? null, enabledAt: iso(m.enabledAt)})),
    sessions: sortBy(a.sessions.values(), (s) => s.accessKeyId).map((s) => ({
      accessKeyId: s.accessKeyId,
      kind: s.kind,
      role: s.roleName,
      sessionName: s.sessionName ?? s.federatedName,
      user: s.userName,
      issuedAt: iso(s.issuedAt),
      expiresAt: iso(s.expiresAt),
      mfa: s.mfa,
      sourceIdentity: s.sourceIdentity,
      parentKeyId: s.parentKeyId,
    })),
  }
}
