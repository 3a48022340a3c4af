// Who signed a request: the account root, an IAM user's long-term key, or temporary credentials.
// This resolves the key, applies AWS's refusals (unknown, inactive, expired) and names the caller the way
// ARNs, GetCallerIdentity and CloudTrail's userIdentity do.
import {AwsError} from './errors.js'
import {type AccessKey, type Account, type Session, type User, roleArn, userArn} from './state.js'

export type Caller =
  | {kind: 'root'; keyId: string}
  | {kind: 'user'; keyId: string; user: User; key: AccessKey}
  | {kind: 'session'; keyId: string; session: Session}

const invalidToken = () => new AwsError('InvalidClientTokenId', 'The security token included in the request is invalid.', 403)

/** Returns the caller and the secret to verify the signature with. */
export function resolveKey(a: Account, keyId: string, token: string | undefined, now: number): {caller: Caller; secret: string} {
  if (keyId === a.rootKey.id) return {caller: {kind: 'root', keyId}, secret: a.rootKey.secret}
  const key = a.keys.get(keyId)
  if (key) {
    // AWS answers an inactive key exactly like an unknown one.
    if (key.status !== 'Active') throw invalidToken()
    const user = a.users.get(key.userName)
    if (!user) throw invalidToken()
    return {caller: {kind: 'user', keyId, user, key}, secret: key.secret}
  }
  const s = a.sessions.get(keyId)
  if (!s || s.token !== token) throw invalidToken()
  if (now >= s.expiresAt) throw new AwsError('ExpiredToken', 'The security token included in the request is expired', 400)
  return {caller: {kind: 'session', keyId, session: s}, secret: s.secret}
}

export function callerArn(a: Account, c: Caller): string {
  if (c.kind === 'root') return `arn:aws:iam::${a.id}:root`
  if (c.kind === 'user') return userArn(a, c.user)
  const s = c.session
  if (s.kind === 'role') return `arn:aws:sts::${a.id}:assumed-role/${s.roleName}/${s.sessionName}`
  if (s.kind === 'federated') return `arn:aws:sts::${a.id}:federated-user/${s.federatedName}`
  if (s.kind === 'root') return `arn:aws:iam::${a.id}:root`
  const u = a.users.get(s.userName!)
  return u ? userArn(a, u) : `arn:aws:iam::${a.id}:user/${s.userName}`
}

/** aws:userid / GetCallerIdentity UserId / CloudTrail principalId. */
export function callerUserId(a: Account, c: Caller): string {
  if (c.kind === 'root') return a.id
  if (c.kind === 'user') return c.user.id
  const s = c.session
  if (s.kind === 'role') return `${s.roleId}:${s.sessionName}`
  if (s.kind === 'federated') return `${a.id}:${s.federatedName}`
  if (s.kind === 'root') return a.id
  return s.userId!
}

/** The IAM user behind the caller, when there is one (long-term key, GetSessionToken or federation session). */
export function callerUser(a: Account, c: Caller): User | undefined {
  if (c.kind === 'user') return c.user
  if (c.kind === 'session' && (c.session.kind === 'user' || c.session.kind === 'federated')) return a.users.get(c.session.userName!)
  return undefined
}

/** The ARN policies name this principal by: for a role session that is the role (aws:PrincipalArn). */
export function principalArn(a: Account, c: Caller): string {
  if (c.kind === 'session' && c.session.kind === 'role') {
    const r = a.roles.get(c.session.roleName!)
    return r ? roleArn(a, r) : `arn:aws:iam::${a.id}:role/${c.session.roleName}`
  }
  return callerArn(a, c)
}

export function isRoot(c: Caller): boolean {
  return c.kind === 'root' || (c.kind === 'session' && c.session.kind === 'root')
}
