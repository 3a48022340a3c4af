// The defenders' side of a drill: sessions responders opened before the response (so issued before any
// cutoff the response sets) keep calling while it runs. A containment that also locks out the people
// containing it has failed; only the exemptions (access role, caller, break-glass) keep these alive, and
// that is proven from the responder's side, not read from the plan.
import type {Check} from '../actions/types.js'
import {Attacker, isRefusal} from './attacker.js'
import type {Drill} from './schema.js'
import type {DrillTarget} from './target.js'

/** Holds the responders' keys and opens their sessions; the returned holder records their calls apart from the attacker's. */
export async function openResponderSessions(holder: Attacker, d: Drill, target: DrillTarget): Promise<string[]> {
  const lines: string[] = []
  for (const [id, src] of Object.entries(d.responders?.identities ?? {})) holder.hold(id, target.credentialsFor(src.user, src.account), 'key', src.user)
  for (const step of d.responders?.sessions ?? []) lines.push(await holder.detonate(step))
  if (d.responders?.pressure.length) holder.startPressure(d.responders.pressure)
  return lines
}

/** One check per keepWorking identity: it worked before the response, was never refused after it began, and works now. */
export async function responderChecks(holder: Attacker, d: Drill, respondStart: number): Promise<Check[]> {
  await holder.stopPressure()
  const checks: Check[] = []
  for (const id of d.expect.keepWorking) {
    const call = d.responders?.pressure.find((p) => p.as === id)?.call ?? 'iam:GetUser'
    const mine = holder.calls.filter((c) => c.as === id && c.call === call)
    const before = mine.some((c) => c.ok && c.at < respondStart)
    const refusedDuring = mine.filter((c) => c.at >= respondStart && isRefusal(c))
    const now = await holder.finalProbe(id, call)
    const arn = holder.get(id).arn
    checks.push({
      target: id,
      name: 'responder session keeps working',
      ok: before && refusedDuring.length === 0 && now.ok,
      detail: !before
        ? `${call} never succeeded before the response: the drill cannot show the session survived`
        : refusedDuring.length
          ? `${call} refused ${refusedDuring.length} time(s) during the response (first: ${refusedDuring[0]!.error})${arn ? ` as ${arn}` : ''}`
          : now.ok
            ? `${call} still succeeds${arn ? ` as ${arn}` : ''}, issued before the response`
            : `${call} refused now with ${now.error}${arn ? ` as ${arn}` : ''}`,
    })
  }
  return checks
}
