// Human rendering of a plan: what will change (before -> after), what is left alone and why, what the
// guards found and which IAM permissions the run needs.
import type {RunPlan} from '../engine/plan.js'

const short = (v: unknown) => (v === undefined ? '-' : JSON.stringify(v))

export function formatPlan(plan: RunPlan): string {
  const lines: string[] = []
  const inc = plan.playbook.incident ? ` (incident ${plan.playbook.incident})` : ''
  lines.push(`Plan: ${plan.playbook.name}${inc} — account ${plan.caller.account}, as ${plan.caller.arn}`)
  let total = 0
  for (const s of plan.steps) {
    lines.push('')
    if (s.disabled) {
      lines.push(`Step ${s.id} (${s.action}): not run (${s.disabled})`)
      continue
    }
    total += s.changes.length
    lines.push(`Step ${s.id} (${s.action}): ${s.changes.length} change${s.changes.length === 1 ? '' : 's'}${s.readOnly ? ' (read-only)' : ''}`)
    for (const w of s.warnings ?? []) lines.push(`  warning: ${w}`)
    for (const c of s.changes) {
      lines.push(`  ~ ${c.summary}`)
      if (!s.readOnly) lines.push(`      before: ${short(c.before)}`, `      after:  ${short(c.after)}`)
    }
    for (const k of s.skipped) lines.push(`  - skip ${k.target}: ${k.reason}`)
    for (const n of s.notes) lines.push(`  ! ${n}`)
  }
  const ids = plan.accountOrder ?? []
  if (ids.length > 1 || (ids.length === 1 && ids[0] !== plan.caller.account)) {
    lines.push('', `Accounts (${ids.length})${plan.organization ? ` of organization ${plan.organization.id}` : ''}:`)
    for (const id of ids) {
      const a = plan.accounts[id]
      const name = a.name ? ` ${a.name}${a.ou ? ` [${a.ou}]` : ''}` : ''
      const how = a.status !== 'planned' ? `${a.status}: ${a.reason}` : a.access === 'caller' ? 'the caller’s own account' : `via ${a.access?.chain.join(' -> ')}`
      const n = a.steps.reduce((k, s) => k + s.changes.length, 0)
      lines.push(`  ${id}${name}: ${how}${a.status === 'planned' ? `; ${n} change(s)` : ''}`)
    }
  }
  lines.push('')
  lines.push(`Guards: ${plan.guards.principals} principal(s) touched, maxTargets ${plan.guards.maxTargets}${plan.guards.protect.length ? `; protected: ${plan.guards.protect.join(', ')}` : ''}`)
  lines.push(`Permissions needed: ${plan.permissions.join(', ')}`)
  if (plan.permissionCheck) lines.push(`Permissions ${plan.permissionCheck.detail}`)
  lines.push(total ? `${total} change(s) planned.` : 'Nothing to change.')
  return lines.join('\n')
}
