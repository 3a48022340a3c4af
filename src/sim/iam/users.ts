// IAM users, their tags and access keys (at most two per user, as AWS allows).
import {callerUser} from '../identity.js'
import {alreadyExists, deleteConflict, limitExceeded, noSuchEntity, validation} from '../errors.js'
import {newLongTermKeyId, newSecret, newUserId} from '../ids.js'
import type {OpContext, OpTable} from '../ops.js'
import type {Params} from '../protocol/form.js'
import {type User, userArn} from '../state.js'
import {applyTags, byPrefix, checkName, paginate, pathOf, tagsOf, userShape} from './shapes.js'
import {tagOps} from './tags.js'

const userRes = (p: Params, c: OpContext) => {
  const name = p.UserName ?? callerUser(c.sim.account, c.caller)?.name
  const u = name ? c.sim.account.users.get(String(name)) : undefined
  return u ? userArn(c.sim.account, u) : `arn:aws:iam::${c.sim.account.id}:user/${name ?? ''}`
}

/** Operations that default UserName to the calling user (GetUser, CreateAccessKey, ListAccessKeys…). */
function targetUser(p: Params, c: OpContext): User {
  if (p.UserName !== undefined) return c.sim.user(p.UserName)
  const u = callerUser(c.sim.account, c.caller)
  if (!u) throw validation('Must specify userName when calling with non-User credentials')
  return u
}

/** The user's access key named in the request; AWS's NoSuchEntity when it is not that user's. */
function userKey(p: Params, c: OpContext) {
  const u = targetUser(p, c)
  const k = c.sim.account.keys.get(String(p.AccessKeyId))
  if (!k || k.userName !== u.name) throw noSuchEntity(`The Access Key with id ${p.AccessKeyId} cannot be found.`)
  return k
}

const userResource = (p: Params, r: unknown, c: OpContext) => {
  const name = p.UserName ?? (r as {User?: {UserName: string}})?.User?.UserName ?? callerUser(c.sim.account, c.caller)?.name
  return name ? [{type: 'AWS::IAM::User', name: String(name)}] : []
}

const keyShape = (k: {userName: string; id: string; status: string; createdAt: number}) => ({UserName: k.userName, AccessKeyId: k.id, Status: k.status, CreateDate: new Date(k.createdAt)})

export const userOps: OpTable = {
  CreateUser: {
    readOnly: false,
    resource: userRes,
    resources: userResource,
    handle(p, c) {
      const a = c.sim.account
      const name = checkName(p.UserName, 'userName')
      if ([...a.users.keys()].some((n) => n.toLowerCase() === name.toLowerCase())) throw alreadyExists(`User with name ${name} already exists.`)
      const u: User = {name, id: newUserId(), path: pathOf(p), createdAt: c.now, tags: applyTags([], tagsOf(p)), inline: new Map(), attached: new Set()}
      a.users.set(name, u)
      c.sim.index.created(`user:${name}`)
      return {User: userShape(a, u, true)}
    },
  },
  GetUser: {
    readOnly: true,
    resource: userRes,
    handle(p, c) {
      if (p.UserName === undefined && c.caller.kind === 'root') {
        const id = c.sim.account.id
        return {User: {UserId: id, Arn: `arn:aws:iam::${id}:root`, CreateDate: new Date(0)}}
      }
      const u = targetUser(p, c)
      return {User: userShape(c.sim.account, u, true)}
    },
  },
  ListUsers: {
    readOnly: true,
    handle(p, c) {
      const a = c.sim.account
      return paginate(byPrefix(a.users.values(), p.PathPrefix).map((u) => userShape(a, u)), p, 'Users')
    },
  },
  DeleteUser: {
    readOnly: false,
    resource: userRes,
    resources: userResource,
    handle(p, c) {
      const a = c.sim.account
      const u = c.sim.user(p.UserName)
      const hasKeys = [...a.keys.values()].some((k) => k.userName === u.name)
      const hasMfa = [...a.mfa.values()].some((m) => m.userName === u.name)
      const blocker = hasKeys ? 'access keys' : hasMfa ? 'MFA devices' : u.inline.size || u.attached.size ? 'policies' : undefined
      if (blocker) throw deleteConflict(`Cannot delete entity, must delete ${blocker} first.`)
      a.users.delete(u.name)
      c.sim.index.forget(`user:${u.name}`)
      return undefined
    },
  },
  ...tagOps('User', (p, c) => c.sim.user(p.UserName), userRes, userResource),
  CreateAccessKey: {
    readOnly: false,
    resource: userRes,
    resources: userResource,
    handle(p, c) {
      const a = c.sim.account
      const u = targetUser(p, c)
      if ([...a.keys.values()].filter((k) => k.userName === u.name).length >= 2) throw limitExceeded('Cannot exceed quota for AccessKeysPerUser: 2')
      const k = {id: newLongTermKeyId(), secret: newSecret(), userName: u.name, status: 'Active' as const, createdAt: c.now}
      a.keys.set(k.id, k)
      return {AccessKey: {...keyShape(k), SecretAccessKey: k.secret}}
    },
  },
  ListAccessKeys: {
    readOnly: true,
    resource: userRes,
    handle(p, c) {
      const u = targetUser(p, c)
      const keys = [...c.sim.account.keys.values()].filter((k) => k.userName === u.name).sort((x, y) => x.createdAt - y.createdAt)
      return paginate(keys.map(keyShape), p, 'AccessKeyMetadata')
    },
  },
  UpdateAccessKey: {
    readOnly: false,
    resource: userRes,
    resources: (p, r, c) => [...userResource(p, r, c), {type: 'AWS::IAM::AccessKey', name: String(p.AccessKeyId)}],
    handle(p, c) {
      const k = userKey(p, c)
      if (p.Status !== 'Active' && p.Status !== 'Inactive') throw validation(`1 validation error detected: Value '${p.Status}' at 'status' failed to satisfy constraint: Member must satisfy enum value set: [Active, Inactive]`)
      k.status = p.Status
      return undefined
    },
  },
  DeleteAccessKey: {
    readOnly: false,
    resource: userRes,
    resources: (p, r, c) => [...userResource(p, r, c), {type: 'AWS::IAM::AccessKey', name: String(p.AccessKeyId)}],
    handle(p, c) {
      const k = userKey(p, c)
      c.sim.account.keys.delete(k.id)
      return undefined
    },
  },
  GetAccessKeyLastUsed: {
    readOnly: true,
    resource: (p, c) => {
      const k = c.sim.account.keys.get(String(p.AccessKeyId))
      const u = k && c.sim.account.users.get(k.userName)
      return u ? userArn(c.sim.account, u) : '*'
    },
    handle(p, c) {
      const k = c.sim.account.keys.get(String(p.AccessKeyId))
      if (!k) throw noSuchEntity(`The Access Key with id ${p.AccessKeyId} cannot be found.`)
      const used = k.lastUsed
      return {
        UserName: k.userName,
        AccessKeyLastUsed: used ? {LastUsedDate: new Date(used.at), ServiceName: used.service, Region: used.region} : {ServiceName: 'N/A', Region: 'N/A'},
      }
    },
  },
}
