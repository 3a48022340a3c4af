// What Organizations accepts as an SCP document: a JSON policy of Allow/Deny statements (no Principal, as
// SCPs apply to the account's principals), at most 5,120 characters with whitespace outside strings not
// counted; and at most five SCPs attached to one root, OU or account.
import {AwsError} from '../errors.js'
import {checkPolicyDocument} from '../iam/shapes.js'

export const MAX_SCP_CHARS = 5120
export const MAX_SCPS_PER_TARGET = 5

function orgError(code: string, message: string, reason?: string): AwsError {
  const e = new AwsError(code, message, 400)
  if (reason) e.fields = {Reason: reason}
  return e
}

export const malformedScp = () => orgError('MalformedPolicyDocumentException', "The provided policy document doesn't meet the requirements of the specified policy type.")

/** Returns the content as given; throws AWS's error for a malformed or oversized document. */
export function checkScpContent(content: unknown): string {
  const text = typeof content === 'string' ? content : ''
  let doc: {Statement?: unknown}
  try {
    doc = JSON.parse(text)
    checkPolicyDocument(text, 'identity')
  } catch {
    throw malformedScp()
  }
  const statements = Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement]
  if (statements.some((st) => st && typeof st === 'object' && ('Principal' in st || 'NotPrincipal' in st))) throw malformedScp()
  if (JSON.stringify(doc).length > MAX_SCP_CHARS) {
    throw orgError('ConstraintViolationException', 'You have exceeded the maximum size of a policy document.', 'POLICY_CONTENT_LIMIT_EXCEEDED')
  }
  return text
}
