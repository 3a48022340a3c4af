// Proof that a revocation holds, asked of IAM itself: with aws:TokenIssueTime one second before the
// cutoff every probe action is explicitly denied.
import type {Clients} from '../../aws/clients.js'
import {simulateDecisions, type ContextValues} from '../../aws/iam-simulate.js'
import type {Check} from '../types.js'
import type {SessionMatch} from '../../aws/policies/revoke.js'

const PROBES = ['iam:ListRoles', 'iam:GetUser', 'sts:AssumeRole', 's3:ListAllMyBuckets', 'ec2:DescribeInstances', 'cloudtrail:LookupEvents']

const at = (iso: string, deltaMs: number) => new Date(Date.parse(iso) + deltaMs).toISOString()

function sessionContext(match: SessionMatch | undefined): ContextValues {
  if (!match) return {}
  return 'userId' in match ? {'aws:userid': {type: 'string', value: match.userId}} : {'aws:SourceIdentity': {type: 'string', value: match.sourceIdentity}}
}

export async function proveCutoff(
  iam: Clients['iam'],
  principalArn: string,
  cutoff: string,
  opts: {target: string; match?: SessionMatch; signal?: AbortSignal},
): Promise<Check> {
  const extra = sessionContext(opts.match)
  const ctx = (t: string): ContextValues => ({...extra, 'aws:TokenIssueTime': {type: 'date', value: t}})
  // One simulation, one second before the cutoff: every probe must be explicitly denied. (A second one
  // after the cutoff used to be made too; no verdict depended on its answer.)
  const before = await simulateDecisions(iam, principalArn, PROBES, ctx(at(cutoff, -1000)), {signal: opts.signal})
  const notDenied = PROBES.filter((a) => before[a] !== 'explicitDeny')
  const who = opts.match ? ('userId' in opts.match ? `session ${opts.match.userId}` : `source identity ${opts.match.sourceIdentity}`) : 'sessions'
  const ok = notDenied.length === 0
  const detail = ok ? `${who} issued before ${cutoff}: explicitly denied (${PROBES.length} probe actions)` : `${who} issued before ${cutoff} are not denied for ${notDenied.join(', ')}`
  return {target: opts.target, name: opts.match ? 'session denied before cutoff' : 'sessions denied before cutoff', ok, detail}
}
