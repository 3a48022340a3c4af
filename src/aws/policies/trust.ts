// Reading role trust policies: who may assume a role. Used to follow role chains (which roles a role's
// sessions can move into) and to explain residual risk (who can start new sessions after a revoke).
import type {PolicyDocument, Statement} from './document.js'

export interface TrustedPrincipals {
  /** IAM principals named by ARN (users, roles) or account roots. */
  aws: string[]
  services: string[]
  /** SAML / OIDC providers. */
  federated: string[]
}

const asList = (v: unknown): string[] => (v === undefined ? [] : Array.isArray(v) ? v.map(String) : [String(v)])

function assumes(s: Statement): boolean {
  return asList(s.Action).some((a) => /^sts:(AssumeRole|AssumeRoleWith(SAML|WebIdentity)|\*)$/i.test(a) || a === '*')
}

export function trustedPrincipals(trust: PolicyDocument): TrustedPrincipals {
  const out: TrustedPrincipals = {aws: [], services: [], federated: []}
  for (const s of trust.Statement) {
    if (s.Effect !== 'Allow' || !assumes(s)) continue
    const p = s.Principal
    if (p === '*') {
      out.aws.push('*')
      continue
    }
    if (!p || typeof p !== 'object') continue
    const principal = p as Record<string, unknown>
    out.aws.push(...asList(principal.AWS).map(normaliseAwsPrincipal))
    out.services.push(...asList(principal.Service))
    out.federated.push(...asList(principal.Federated))
  }
  return out
}

/** "123456789012" means that account's root, as AWS itself rewrites it. */
function normaliseAwsPrincipal(p: string): string {
  return /^\d{12}$/.test(p) ? `arn:aws:iam::${p}:root` : p
}

export function accountOf(arn: string): string | undefined {
  return /^arn:aws[a-z-]*:(iam|sts)::(\d{12}):/.exec(arn)?.[2]
}

/**
 * How a trust policy lets `principalArn` in: `direct` when it names the principal, `account` when it
 * trusts the principal's account root (then the principal's own permissions decide), or false.
 */
export function trustFor(trust: PolicyDocument, principalArn: string): 'direct' | 'account' | false {
  const t = trustedPrincipals(trust)
  if (t.aws.includes(principalArn)) return 'direct'
  const acct = accountOf(principalArn)
  if (t.aws.includes('*') || (acct && t.aws.includes(`arn:aws:iam::${acct}:root`))) return 'account'
  return false
}
