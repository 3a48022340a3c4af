// Detections over what a session or a long-term key did in bulk (counts kept by the activity aggregate,
// not single notes): secret reads, and bursts of denied calls that mark someone probing permissions.
import type {Containment, Flag, FlagKind} from '../../report/types.js'
import {DENIED, DENIED_MARK, iso, type ActivityAcc} from '../graph/activity.js'
import {containSession, userName} from './contain.js'
import type {Detection, DetectionInput, Tactic} from './types.js'

interface Subject {
  id: string
  activity: ActivityAcc
  serviceHeld?: string
  /** What would contain it: worked out only for a subject that raised a flag. */
  contain(): Containment
}

/**
 * Every session and every long-term key, as a subject a flag can be about: one at a time, so a 100k-session
 * trail never holds 100k subjects (and their containment, a chain walk each) for a few flags.
 */
function* subjects(input: DetectionInput): Generator<Subject> {
  for (const s of input.sessions.values()) yield {id: s.row.id, activity: s.activity, serviceHeld: s.serviceHeld, contain: () => containSession(s, input.sessions)}
  for (const l of input.acc.longTerm.values()) {
    const user = userName(l.arn)
    yield {id: l.arn, activity: l.activity, contain: () => ({keys: l.key?.startsWith('AKIA') ? [l.key] : undefined, users: user ? [user] : undefined, manual: user ? undefined : 'root credentials: rotate them'})}
  }
}

function activityDetection(spec: {name: string; summary: string; tactic: Tactic; kind: FlagKind; reads: string; judge: (s: Subject) => {n: number; first: number; evidence: string[]; ip: string; what: string} | undefined}): Detection {
  return {
    name: spec.name,
    summary: spec.summary,
    tactic: spec.tactic,
    kind: spec.kind,
    reads: spec.reads,
    detect(input) {
      const out: Flag[] = []
      for (const s of subjects(input)) {
        const j = spec.judge(s)
        if (j) out.push({kind: spec.kind, at: iso(j.first)!, subject: s.id, detail: j.what, ip: j.ip, evidence: j.evidence, contain: s.contain()})
      }
      return out
    },
  }
}

/** Reads that hand out secrets; one a while is an app, these many in one session is a sweep. */
const SECRET_READS = ['GetSecretValue', 'BatchGetSecretValue', 'GetParameter', 'GetParameters', 'GetParametersByPath', 'GetPasswordData']
/** Always worth a look: a batch of secrets at once, or a Windows instance's administrator password. */
const ALWAYS = new Set(['BatchGetSecretValue', 'GetPasswordData'])
const SWEEP = 5

export const secretsRead = activityDetection({
  name: 'secrets-read',
  summary: 'Secrets, SecureString parameters or instance passwords read in bulk by one session or key',
  tactic: 'credential-access',
  kind: 'credential-access',
  reads: SECRET_READS.join(', '),
  judge: (s) => {
    if (s.serviceHeld) return undefined
    const hits = SECRET_READS.map((n) => [n, s.activity.marks.get(n)] as const).filter(([, m]) => m)
    const total = hits.reduce((t, [, m]) => t + m!.n, 0)
    if (!hits.length || (total < SWEEP && !hits.some(([n]) => ALWAYS.has(n)))) return undefined
    const first = hits.reduce((a, b) => (b[1]!.first < a[1]!.first ? b : a))[1]!
    const failed = s.activity.errorSamples.filter((e) => SECRET_READS.includes(e.name)).length
    return {n: total, first: first.first, ip: first.ip, evidence: hits.map(([, m]) => m!.firstId), what: `${hits.map(([n, m]) => `${n} ×${m!.n}`).join(', ')}${failed ? ` (${failed}${failed >= 50 ? '+' : ''} failed)` : ''} from ${first.ip}`}
  },
})

const BURST = 10

export const deniedBurst = activityDetection({
  name: 'denied-burst',
  summary: 'Ten or more calls denied in one session or key: someone probing what the credentials can do',
  tactic: 'discovery',
  kind: 'discovery',
  reads: 'errorCode AccessDenied / UnauthorizedOperation on any call',
  judge: (s) => {
    if (s.serviceHeld) return undefined
    const n = [...s.activity.errors].filter(([code]) => DENIED.test(code)).reduce((t, [, c]) => t + c, 0)
    if (n < BURST) return undefined
    const first = s.activity.marks.get(DENIED_MARK)!
    const samples = s.activity.errorSamples.filter((e) => DENIED.test(e.code))
    const names = [...new Set(samples.map((e) => e.name))]
    const what = `${n} calls denied${names.length ? ` (${names.slice(0, 5).join(', ')})` : ''} from ${first.ip}`
    return {n, first: first.first, ip: first.ip, evidence: [...new Set([first.firstId, ...samples.slice(0, 2).map((e) => e.id)])], what}
  },
})
