// Detections about one session as a whole: where it was used from, with what, and how it was made.
import type {Flag} from '../../report/types.js'
import {iso, isConsoleRelayIp, uaFamily, type IpStat} from '../graph/activity.js'
import type {LinkedSession} from '../graph/link.js'
import {containSession} from './contain.js'
import type {Detection, DetectionInput} from './types.js'

/** Calls an attacker makes first with credentials they just found: who am I, what is here. */
export const RECON = ['GetCallerIdentity', 'ListBuckets', 'GetAccountAuthorizationDetails', 'ListUsers', 'ListRoles', 'ListAccessKeys']

const ISSUER_IP = /^[0-9a-fA-F.:]+$/

/** The first call of the session, when it was reconnaissance. */
function reconFirst(s: LinkedSession): {name: string; id: string; ip: string} | undefined {
  for (const name of RECON) {
    const m = s.activity.marks.get(name)
    if (m && m.first === s.activity.first) return {name, id: m.firstId, ip: m.ip}
  }
  return undefined
}

const ips = (s: LinkedSession, pred: (st: IpStat) => boolean) => [...s.activity.ips.entries()].filter(([, st]) => pred(st)).sort((a, b) => a[1].first - b[1].first || (a[1].firstId < b[1].firstId ? -1 : 1))

const each = (input: DetectionInput, f: (s: LinkedSession) => Flag | undefined): Flag[] => {
  const out: Flag[] = []
  for (const s of input.sessions.values()) {
    const flag = f(s)
    if (flag) out.push(flag)
  }
  return out
}

export const serviceCredentialsOutside: Detection = {
  name: 'service-credentials-outside',
  summary: 'Credentials an AWS service holds (EC2 instance profile, Lambda, ECS task) used from outside it',
  tactic: 'credential-access',
  kind: 'service-credentials-outside',
  reads: 'AssumeRole by an AWS service; every call of the session (IP, user agent, first call GetCallerIdentity / ListBuckets / …)',
  detect: (input) =>
    each(input, (s) => {
      if (!s.serviceHeld) return undefined
      const serviceIps = new Set(ips(s, (st) => st.direct > st.human).map(([ip]) => ip))
      // A laptop's SDK or CLI, from an address the service itself never called from.
      const outside = ips(s, (st) => st.human > 0).filter(([ip]) => !serviceIps.has(ip))
      const recon = reconFirst(s)
      if (!outside.length && !recon) return undefined
      const [ip, st] = outside[0] ?? [recon!.ip, undefined]
      const why = [
        outside.length && `used with a non-service user agent from ${outside.map(([o]) => o).join(', ')}${serviceIps.size ? ` (the service called from ${[...serviceIps].join(', ')})` : ''}`,
        recon && `first call ${recon.name}`,
      ].filter(Boolean)
      return {
        kind: 'service-credentials-outside',
        at: iso(st?.first ?? s.activity.first)!,
        subject: s.row.id,
        detail: `${s.serviceHeld} credentials of ${s.row.principal} ${why.join('; ')}`,
        ip,
        evidence: [...new Set([...outside.map(([, x]) => x.firstId), ...(recon ? [recon.id] : [])])],
        contain: containSession(s, input.sessions),
      }
    }),
}

export const ipChange: Detection = {
  name: 'ip-change',
  summary: 'A session used from an IP other than the one it was created (or signed in) from',
  tactic: 'credential-access',
  kind: 'ip-change',
  reads: 'the issuing call (AssumeRole*, GetSessionToken, GetFederationToken) or ConsoleLogin IP; every call of the session (console calls by the browser IP they carry)',
  detect: (input) =>
    each(input, (s) => {
      // A service's session moves between AWS hosts: service-credentials-outside judges those.
      if (s.serviceHeld) return undefined
      const consoleKind = s.row.kind === 'console' || s.row.kind === 'console-inferred'
      // Calls that show where the caller sits: direct ones, and a console's calls from the browser.
      const used = ips(s, (st) => st.direct > 0 || (consoleKind && st.console > 0)).filter(([ip]) => !isConsoleRelayIp(ip))
      const issuedFrom = s.row.sourceIp && ISSUER_IP.test(s.row.sourceIp) && !s.issue?.actor.invokedBy ? s.row.sourceIp : undefined
      const origin = issuedFrom ?? used[0]?.[0]
      if (!origin) return undefined
      const others = used.filter(([ip]) => ip !== origin)
      if (!others.length) return undefined
      const [ip, st] = others[0]
      return {
        kind: 'ip-change',
        at: iso(st.first)!,
        subject: s.row.id,
        detail: `created from ${origin}, used from ${others.map(([o]) => o).join(', ')} (${ip} first at ${iso(st.first)}, ${st.n} calls)`,
        ip,
        evidence: others.map(([, x]) => x.firstId),
        contain: containSession(s, input.sessions),
      }
    }),
}

export const userAgentChange: Detection = {
  name: 'user-agent-change',
  summary: 'A session used by a different client (user-agent product) than the one that created it',
  tactic: 'credential-access',
  kind: 'user-agent-change',
  reads: 'the issuing call or ConsoleLogin user agent; user agents of every direct call of the session',
  detect: (input) =>
    each(input, (s) => {
      if (s.serviceHeld) return undefined
      const agents = [...s.activity.agents.entries()].sort((a, b) => a[1].first - b[1].first || (a[1].firstId < b[1].firstId ? -1 : 1))
      const consoleKind = s.row.kind === 'console' || s.row.kind === 'console-inferred' || s.row.kind === 'switch-role'
      // A console login's agent is the browser; its direct calls (CLI with console keys) are the change.
      const origin = s.row.userAgent && !s.issue?.actor.invokedBy ? uaFamily(s.row.userAgent) : consoleKind ? undefined : agents[0]?.[0]
      if (!origin) return undefined
      const others = agents.filter(([f]) => f !== origin && f !== '')
      if (!others.length) return undefined
      const [family, m] = others[0]
      return {
        kind: 'user-agent-change',
        at: iso(m.first)!,
        subject: s.row.id,
        detail: `created with ${origin}, used with ${others.map(([f]) => f).join(', ')} (${family} first at ${iso(m.first)} from ${m.ip})`,
        ip: m.ip,
        evidence: others.map(([, x]) => x.firstId),
        contain: containSession(s, input.sessions),
      }
    }),
}

export const longTermKey: Detection = {
  name: 'long-term-key',
  summary: 'A role, federation or session token issued with a long-term access key (AKIA…)',
  tactic: 'initial-access',
  kind: 'long-term-key',
  reads: 'AssumeRole, GetFederationToken, GetSessionToken signed with an AKIA key',
  detect: (input) =>
    each(input, (s) => {
      const r = s.row
      // The responder's own break-glass session is the response, not the attack.
      if (r.breakGlass || !r.issuer.accessKeyId?.startsWith('AKIA') || !(r.kind === 'role' || r.kind === 'federated' || r.kind === 'session-token')) return undefined
      return {
        kind: 'long-term-key',
        at: r.issuedAt ?? iso(s.activity.first) ?? '',
        subject: r.id,
        detail: `${s.issue?.name ?? 'issued'} by long-term key ${r.issuer.accessKeyId} of ${r.issuer.id}`,
        ip: r.sourceIp,
        evidence: s.issue ? [s.issue.id] : [],
        contain: containSession(s, input.sessions),
      }
    }),
}

export const deepChain: Detection = {
  name: 'deep-chain',
  summary: 'A role session two or more hops from a long-term principal',
  tactic: 'lateral-movement',
  kind: 'deep-chain',
  reads: 'AssumeRole signed with an ASIA key of another session',
  detect: (input) =>
    each(input, (s) => {
      const d = input.depth(s.row.id)
      if (d < 2 || s.row.breakGlass) return undefined
      return {kind: 'deep-chain', at: s.row.issuedAt ?? iso(s.activity.first) ?? '', subject: s.row.id, detail: `role chain ${d} sessions deep`, ip: s.row.sourceIp, evidence: s.issue ? [s.issue.id] : [], contain: containSession(s, input.sessions)}
    }),
}

export const consoleNoMfa: Detection = {
  name: 'console-no-mfa',
  summary: 'A console sign-in without MFA',
  tactic: 'initial-access',
  kind: 'console-no-mfa',
  reads: 'ConsoleLogin (additionalEventData.MFAUsed)',
  detect: (input) =>
    each(input, (s) => {
      const r = s.row
      if (r.kind !== 'console' || r.mfa !== false || r.issuer.kind === 'unknown') return undefined
      return {kind: 'console-no-mfa', at: r.issuedAt ?? '', subject: r.id, detail: `console login by ${r.arn} from ${r.sourceIp ?? '?'} without MFA`, ip: r.sourceIp, evidence: r.consoleLoginId ? [r.consoleLoginId] : [], contain: containSession(s, input.sessions)}
    }),
}
