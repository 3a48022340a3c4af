// From findings to a response: the playbook `trail report --emit-playbook` writes. One revoke-sessions
// step for every role and user on the flagged chains, one deactivate-keys step for the keys that signed
// and the keys (and users) the attacker made, with explicit names, never globs, so a person can read
// exactly what it will do before `lockdown plan` / `lockdown run`. What no action can do is a comment.
import {stringify} from 'yaml'

import type {ForensicReport, FlagKind} from '../../report/types.js'
import {mergeContain} from './contain.js'

/** Hygiene, not attack: a no-MFA login alone does not make its user an attacker to lock out. */
const NOT_CONTAINED = new Set<FlagKind>(['console-no-mfa', 'denied-after-revocation'])

const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/

export interface EmittedPlaybook {
  yaml: string
  steps: number
  /** What a person must do by hand (no lockdown action does it). */
  manual: string[]
}

function slug(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60) || 'incident'
}

export function emitPlaybook(r: ForensicReport): EmittedPlaybook {
  const acted = r.findings.filter((f) => !NOT_CONTAINED.has(f.kind))
  const c = mergeContain(...acted.map((f) => f.contain))
  const manual = c.manual ? c.manual.split('; ') : []
  const steps: Record<string, unknown>[] = []
  if (c.roles || c.users) {
    steps.push({id: 'revoke-sessions', action: 'revoke-sessions', with: {...(c.roles ? {roles: c.roles} : {}), ...(c.users ? {users: c.users} : {}), issuedBefore: 'now'}})
  }
  if (c.keys || c.keyUsers) {
    steps.push({id: 'deactivate-keys', action: 'deactivate-keys', with: {...(c.keys ? {keys: c.keys} : {}), ...(c.keyUsers ? {users: c.keyUsers} : {})}})
  }
  const regions = r.regions.filter((x) => REGION.test(x))
  const doc = {
    version: 1,
    name: `contain-${slug(r.title)}`,
    description: `Containment for ${acted.length} finding(s) of "${r.title}" (${r.source.description}); review, then lockdown plan / lockdown run.`,
    accounts: ['current'],
    ...(regions.length ? {regions} : {}),
    steps,
  }
  const head = [
    `# Written by lockdown trail report --emit-playbook at ${r.generatedAt}.`,
    `# Findings behind it (${acted.length}):`,
    ...acted.slice(0, 50).map((f) => `#   - ${f.detection}: ${f.who.replace(/\s+/g, ' ')} (evidence ${f.evidence.slice(0, 2).join(', ')})`),
    ...(acted.length > 50 ? [`#   … and ${acted.length - 50} more (see the report)`] : []),
    ...(r.accounts.length > 1 ? [`# The findings span accounts ${r.accounts.join(', ')}: set accounts: and access: before running.`] : []),
    ...(manual.length ? ['# By hand (no lockdown action does these):', ...manual.map((m) => `#   - ${m}`)] : []),
  ]
  if (!steps.length) head.push('# Nothing in IAM to contain: no step would change anything.')
  return {yaml: `${head.join('\n')}\n${steps.length ? stringify(doc) : ''}`, steps: steps.length, manual}
}
