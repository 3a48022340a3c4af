// Identifiers in AWS's shapes: unique-id prefixes (AIDA user, AROA role, ANPA policy, AKIA/ASIA keys),
// base32-ish bodies, 40-character secrets. Forensics code keys on these prefixes, so they must be right.
import {randomBytes, randomUUID} from 'node:crypto'

const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'

function body(n: number): string {
  const bytes = randomBytes(n)
  let s = ''
  for (let i = 0; i < n; i++) s += B32[bytes[i]! & 31]
  return s
}

export const newUserId = () => 'AIDA' + body(17)
export const newRoleId = () => 'AROA' + body(17)
export const newPolicyId = () => 'ANPA' + body(17)
export const newLongTermKeyId = () => 'AKIA' + body(16)
export const newSessionKeyId = () => 'ASIA' + body(16)
export const newSecret = () => randomBytes(30).toString('base64').replace(/\+/g, 'X').replace(/\//g, 'Y')
/** Real tokens are opaque and long; ours are too, and carry no meaning a test could lean on. */
export const newSessionToken = () => 'IQoJb3JpZ2luX2VjE' + randomBytes(120).toString('base64')
export const newRequestId = () => randomUUID()
export const newMfaSeed = () => body(64)
