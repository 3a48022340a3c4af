// Seeding: a parsed scenario becomes the account's starting state (fixed key ids and secrets kept, so a
// drill can hand out known credentials; everything else gets fresh AWS-shaped ids).
import {AWS_MANAGED} from './aws-managed.js'
import {newLongTermKeyId, newMfaSeed, newPolicyId, newRoleId, newSecret, newUserId} from './ids.js'
import {type ParsedScenario, parseWhen} from './scenario-schema.js'
import {type Account, type ManagedPolicy, customPolicyArn, emptyAccount} from './state.js'

const docText = (d: string | Record<string, unknown>) => (typeof d === 'string' ? d : JSON.stringify(d))
const tagList = (t: Record<string, string>) => Object.entries(t).map(([Key, Value]) => ({Key, Value}))

/** One account's IAM state: the top level of a scenario, or one member account of its organization. */
export function seedAccount(s: Pick<ParsedScenario, 'account' | 'policies' | 'users' | 'roles'>, now: number): Account {
  const a = emptyAccount(s.account.id, {id: s.account.rootAccessKeyId ?? newLongTermKeyId(), secret: s.account.rootSecretAccessKey ?? newSecret()})
  a.alias = s.account.alias
  for (const [arn, m] of Object.entries(AWS_MANAGED)) {
    a.policies.set(arn, {arn, name: m.name, id: m.id, path: '/', description: m.description, createdAt: Date.parse('2015-02-06T18:39:46Z'), updatedAt: Date.parse('2015-02-06T18:39:46Z'), defaultVersion: 'v1', versions: [{id: 'v1', document: JSON.stringify(m.document), createdAt: Date.parse('2015-02-06T18:39:46Z')}], nextVersion: 2, tags: [], awsManaged: true})
  }
  for (const p of s.policies) {
    const arn = customPolicyArn(a, p.path, p.name)
    const mp: ManagedPolicy = {arn, name: p.name, id: newPolicyId(), path: p.path, description: p.description, createdAt: now, updatedAt: now, defaultVersion: 'v1', versions: [{id: 'v1', document: docText(p.document), createdAt: now}], nextVersion: 2, tags: [], awsManaged: false}
    a.policies.set(arn, mp)
  }
  const resolveRef = (ref: string) => (ref.startsWith('arn:') ? ref : [...a.policies.values()].find((p) => p.name === ref && !p.awsManaged)!.arn)
  for (const u of s.users) {
    const createdAt = parseWhen(u.createdAt, now)
    a.users.set(u.name, {
      name: u.name,
      id: newUserId(),
      path: u.path,
      createdAt,
      tags: tagList(u.tags),
      inline: new Map(Object.entries(u.inlinePolicies).map(([n, d]) => [n, docText(d)])),
      attached: new Set(u.managedPolicies.map(resolveRef)),
    })
    for (const k of u.accessKeys) {
      const id = k.id ?? newLongTermKeyId()
      a.keys.set(id, {
        id,
        secret: k.secret ?? newSecret(),
        userName: u.name,
        status: k.status,
        // A relative createdAt (-30d) counts back from now, like every other date in a scenario; a key
        // without one was made with its user.
        createdAt: k.createdAt === undefined ? createdAt : parseWhen(k.createdAt, now),
        lastUsed: k.lastUsed && {at: parseWhen(k.lastUsed.at, now), service: k.lastUsed.service, region: k.lastUsed.region},
      })
    }
    if (u.mfa) {
      const serial = `arn:aws:iam::${a.id}:mfa/${u.mfa.name}`
      a.mfa.set(serial, {serial, seed: u.mfa.seed ?? newMfaSeed(), path: '/', createdAt, userName: u.name, enabledAt: createdAt})
    }
  }
  for (const r of s.roles) {
    a.roles.set(r.name, {
      name: r.name,
      id: newRoleId(),
      path: r.path,
      createdAt: parseWhen(r.createdAt, now),
      trust: docText(r.trust),
      description: r.description,
      maxSessionDuration: r.maxSessionDuration,
      tags: tagList(r.tags),
      inline: new Map(Object.entries(r.inlinePolicies).map(([n, d]) => [n, docText(d)])),
      attached: new Set(r.managedPolicies.map(resolveRef)),
    })
  }
  return a
}
