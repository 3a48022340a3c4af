// "Undo restores every account": the drill reads the whole state (every account's IAM, the organization's
// SCPs) just before the response and again after undo, and names the first place they differ.
import type {Check} from '../actions/types.js'
import type {DrillTarget} from './target.js'

/** Every account and the organization read back after undo exactly as just before the response. */
export function restoredCheck(target: DrillTarget, before: unknown): Check {
  const name = 'undo restores every account and the organization'
  if (before === undefined || !target.snapshot) return {target: 'journal', name, ok: false, detail: `${target.description} cannot be read whole: only the simulator proves it`}
  const diff = firstDifference(before, target.snapshot())
  return {target: 'journal', name, ok: diff === undefined, detail: diff ?? 'IAM of every account and the SCPs read back as before the response'}
}

/** Where two JSON values first differ (a path and both values), or undefined when equal. */
export function firstDifference(a: unknown, b: unknown, path = ''): string | undefined {
  if (JSON.stringify(a) === JSON.stringify(b)) return undefined
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])]
    for (const k of keys) {
      const d = firstDifference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}/${k}`)
      if (d) return d
    }
  }
  return `${path || '/'}: before ${JSON.stringify(a)?.slice(0, 300)}, after undo ${JSON.stringify(b)?.slice(0, 300)}`
}

