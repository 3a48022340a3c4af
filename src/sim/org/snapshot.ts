// The organization's policy state as plain JSON, for tests and drills that prove an undo restored it:
// policies by name (an SCP deleted and created again gets a new id), their content and targets, sorted.
import type {Organization} from './state.js'

export function snapshotOrganization(o: Organization): unknown {
  const targetsOf = (id: string) => [...o.attachments].filter(([, ids]) => ids.has(id)).map(([t]) => t).sort()
  return {
    policyTypes: [...o.policyTypes].sort(),
    policies: [...o.policies.values()]
      .map((p) => ({name: p.name, description: p.description, awsManaged: p.awsManaged, content: p.content, targets: targetsOf(p.id)}))
      .sort((a, b) => a.name.localeCompare(b.name)),
  }
}
