// Containment evidence, not an attack: calls denied after lockdown's revoke-older-sessions policy.
import type {Flag} from '../../report/types.js'
import {iso} from '../graph/activity.js'
import type {Detection} from './types.js'

export const deniedAfterRevocation: Detection = {
  name: 'denied-after-revocation',
  summary: 'A session’s calls denied after a revoke-older-sessions policy on its role: containment working',
  tactic: 'response',
  kind: 'denied-after-revocation',
  reads: 'PutRolePolicy / PutUserPolicy with aws:TokenIssueTime; the session’s AccessDenied calls',
  detect({acc, sessions}) {
    const out: Flag[] = []
    for (const rev of acc.revocations) {
      const name = rev.params?.roleName
      if (!name) continue
      for (const s of sessions.values()) {
        if (!s.row.principal.endsWith(`/${name}`)) continue
        const denied = s.activity.errorSamples.filter((e) => e.time > rev.time && /AccessDenied|UnauthorizedOperation/.test(e.code))
        if (!denied.length) continue
        out.push({
          kind: 'denied-after-revocation',
          at: iso(denied[0].time)!,
          subject: s.row.id,
          detail: `${denied.length} call(s) denied after ${rev.name} ${rev.params?.policyName ?? ''} on ${name} at ${iso(rev.time)} (first: ${denied[0].name} from ${denied[0].ip}): containment evidence`,
          ip: denied[0].ip,
          evidence: [rev.eventId, denied[0].id],
        })
      }
    }
    return out
  },
}
