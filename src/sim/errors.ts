// AWS service errors as the simulator throws them. One class; the protocol layer renders it as a Query
// `<ErrorResponse>` (IAM, STS) or a JSON `__type` body (CloudTrail, Organizations) with AWS's HTTP status.
export class AwsError extends Error {
  /** Extra members of a JSON error body (Organizations' `Reason`, `Type`). */
  fields?: Record<string, string>
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    readonly type: 'Sender' | 'Receiver' = status >= 500 ? 'Receiver' : 'Sender',
  ) {
    super(message)
  }
}

export const noSuchEntity = (msg: string) => new AwsError('NoSuchEntity', msg, 404)
export const alreadyExists = (msg: string) => new AwsError('EntityAlreadyExists', msg, 409)
export const limitExceeded = (msg: string) => new AwsError('LimitExceeded', msg, 409)
export const deleteConflict = (msg: string) => new AwsError('DeleteConflict', msg, 409)
export const validation = (msg: string) => new AwsError('ValidationError', msg, 400)
export const invalidInput = (msg: string) => new AwsError('InvalidInput', msg, 400)
export const malformedPolicy = (msg: string) => new AwsError('MalformedPolicyDocument', msg, 400)
export const accessDenied = (msg: string) => new AwsError('AccessDenied', msg, 403)

/** The same failure has a different code in the JSON services (CloudTrail, Organizations). */
const JSON_CODES: Record<string, string> = {
  InvalidClientTokenId: 'UnrecognizedClientException',
  SignatureDoesNotMatch: 'InvalidSignatureException',
  ExpiredToken: 'ExpiredTokenException',
  AccessDenied: 'AccessDeniedException',
  Throttling: 'ThrottlingException',
  ServiceFailure: 'InternalFailure',
  ValidationError: 'ValidationException',
}

export function jsonErrorCode(code: string): string {
  return JSON_CODES[code] ?? code
}
