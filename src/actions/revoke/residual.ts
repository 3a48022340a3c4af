// What a TokenIssueTime deny cannot cover, said plainly with the next step: it ends sessions that exist,
// it does not stop anyone who can still create new ones. Risks another step can cover (keys, chained
// roles) are residuals the engine judges across the whole playbook.
import type {Residual} from '../types.js'
import type {IamRole} from '../../aws/iam-roles.js'
import {nameFromArn} from '../../aws/arn.js'
import {accountOf, trustedPrincipals} from '../../aws/policies/trust.js'

export function residualRisk(
  roles: IamRole[],
  opts: {followChains: boolean; chainable: string[]; account: string; scope?: {accounts: string[]; file: string}},
): {notes: string[]; residual: Residual[]} {
  const notes: string[] = []
  const residual: Residual[] = []
  for (const role of roles) {
    const t = trustedPrincipals(role.trust)
    const users = t.aws.filter((p) => /:user\//.test(p))
    if (users.length) {
      residual.push({
        needs: 'keys',
        principals: users,
        note: (arns) => `${role.name}: users ${arns.map(nameFromArn).join(', ')} can assume it again with their long-term keys: add a deactivate-keys step for them.`,
      })
    }
    if (t.aws.includes(`arn:aws:iam::${opts.account}:root`)) {
      notes.push(`${role.name}: trusts its own account, so any principal here allowed sts:AssumeRole can start a new session: check who (lockdown trail chains --role ${role.name}).`)
    }
    const external = [...new Set(t.aws.map((p) => (p === '*' ? 'anyone' : accountOf(p))).filter((a) => a && a !== opts.account))]
    const outside = opts.scope ? external.filter((a): a is string => a !== undefined && a !== 'anyone' && !opts.scope!.accounts.includes(a)) : []
    const inside = external.filter((a) => !outside.includes(a as string))
    if (outside.length) {
      // A run over accounts covers the ones in its scope; one outside it is where an attacker can come from.
      notes.push(
        `${role.name}: trusts account(s) outside this run (${outside.join(', ')}); their principals can start new sessions and are not contained: add ${outside.map((a) => `"${a}"`).join(', ')} to accounts: and run: lockdown plan ${opts.scope!.file}`,
      )
    }
    if (inside.length) {
      notes.push(`${role.name}: trusts other accounts (${inside.join(', ')}); their principals can start new sessions: remove them from the trust policy.`)
    }
    if (t.services.includes('ec2.amazonaws.com')) {
      notes.push(`${role.name}: used by EC2 instance profiles; instances get fresh credentials every hour: isolate the instances or remove the role from the instance profile.`)
    }
    const otherServices = t.services.filter((s) => s !== 'ec2.amazonaws.com')
    if (otherServices.length) notes.push(`${role.name}: assumed by ${otherServices.join(', ')}; the service will start new sessions.`)
    if (t.federated.length) {
      notes.push(`${role.name}: federated through ${t.federated.join(', ')}; new sessions can be created through the identity provider: disable the user there.`)
    }
  }
  if (!opts.followChains && opts.chainable.length) {
    residual.push({
      needs: 'sessions',
      principals: opts.chainable,
      note: (arns) => `Sessions of these roles may have chained into ${arns.map(nameFromArn).join(', ')}; chained sessions have their own issue time: set followChains: true.`,
    })
  }
  return {notes, residual}
}
