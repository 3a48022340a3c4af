// The one AWS-error classifier. The SDK throws service exceptions (name = the AWS error code, with a
// `$metadata` a person should never see), credential-provider errors and network errors; everything
// above src/aws asks this file what an error means instead of matching names itself.
import {LockdownError, PartialApplyError, PreflightError, InvalidInputError} from '../errors.js'

export type AwsErrorKind = 'access-denied' | 'not-found' | 'throttled' | 'no-credentials' | 'expired' | 'bad-credentials' | 'unreachable' | 'other'

export interface AwsErrorInfo {
  kind: AwsErrorKind
  /** The AWS error code (AccessDenied, NoSuchEntity, …) or the error's name. */
  code: string
  /** The service's message, without SDK internals. */
  message: string
  /** The IAM action named in an AccessDenied message (`… is not authorized to perform: iam:PutRolePolicy …`). */
  action?: string
}

const ACCESS_DENIED = new Set(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation', 'UnauthorizedAccess', 'NotAuthorized'])
const NOT_FOUND = new Set(['NoSuchEntity', 'NoSuchEntityException', 'ResourceNotFoundException', 'NotFoundException', 'NoSuchBucket', 'NoSuchKey', 'NotFound'])
const THROTTLED = new Set(['Throttling', 'ThrottlingException', 'TooManyRequestsException', 'RequestLimitExceeded', 'SlowDown', 'RequestThrottled'])
const EXPIRED = new Set(['ExpiredToken', 'ExpiredTokenException', 'RequestExpired'])
const BAD_CREDENTIALS = new Set(['InvalidClientTokenId', 'SignatureDoesNotMatch', 'UnrecognizedClientException', 'InvalidAccessKeyId'])

export function classifyAwsError(error: unknown): AwsErrorInfo {
  const e = (error ?? {}) as {name?: string; Code?: string; code?: string; message?: string; $metadata?: {httpStatusCode?: number}}
  const code = e.Code ?? e.name ?? 'Error'
  const message = String(e.message ?? error)
  const kind: AwsErrorKind = ACCESS_DENIED.has(code)
    ? 'access-denied'
    : NOT_FOUND.has(code)
      ? 'not-found'
      : THROTTLED.has(code) || e.$metadata?.httpStatusCode === 429
        ? 'throttled'
        : EXPIRED.has(code)
          ? 'expired'
          : BAD_CREDENTIALS.has(code)
            ? 'bad-credentials'
            : /CredentialsProviderError|CredentialsError/.test(code) || /Could not load credentials/.test(message)
              ? 'no-credentials'
              : /ECONNREFUSED|ENOTFOUND|ETIMEDOUT|EAI_AGAIN|ECONNRESET|TimeoutError/.test(`${code} ${e.code ?? ''} ${message}`)
                ? 'unreachable'
                : 'other'
  const action = kind === 'access-denied' ? /perform: ([a-z0-9-]+:[A-Za-z0-9]+)/.exec(message)?.[1] : undefined
  return {kind, code, message, action}
}

export const isNoSuchEntity = (error: unknown) => classifyAwsError(error).kind === 'not-found'
export const isThrottle = (error: unknown) => classifyAwsError(error).kind === 'throttled'
export const isAccessDenied = (error: unknown) => classifyAwsError(error).kind === 'access-denied'

/** One line for a journal, a failure list or a check: the code and the service's message, never `$metadata`. */
export function awsErrorText(error: unknown): string {
  if (error instanceof LockdownError) return error.message
  const {code, message} = classifyAwsError(error)
  return code && code !== 'Error' && !message.startsWith(code) ? `${code}: ${message}` : message
}

export interface Where {
  /** What lockdown was doing, for the message: `plan step 'keys'`, `undo`, `trail chains`. */
  doing: string
  /** The playbook, for `lockdown permissions FILE`. */
  file?: string
  /** A named target the call was about (NoSuchEntity then means: that name does not exist). */
  target?: string
  /** The command that resumes this work (throttling past retries). */
  resume?: string
}

/**
 * The exit a person sees for an AWS error: AccessDenied is exit 3 naming the action and
 * `lockdown permissions FILE`; NoSuchEntity of a named target is exit 2 naming it; throttling past the
 * SDK's retries is exit 4 naming the resume; credentials and network are exit 3. Already-classified
 * lockdown errors, and errors that did not come from AWS (bugs), pass through.
 */
export function lockdownErrorFromAws(error: unknown, where: Where): Error {
  if (error instanceof LockdownError) return error
  const info = classifyAwsError(error)
  const perms = where.file ? `lockdown permissions ${where.file}` : 'lockdown permissions FILE'
  switch (info.kind) {
    case 'access-denied':
      return new PreflightError(`${where.doing}: AWS denied ${info.action ?? 'the call'} (${info.code}: ${info.message})`, {
        next: `grant the caller the policy from: ${perms}`,
        detail: {code: info.code, action: info.action},
        cause: error,
      })
    case 'not-found':
      return new InvalidInputError(`${where.doing}: ${where.target ? `'${where.target}' ` : ''}not found (${info.code}: ${info.message})`, [], {
        next: 'check the name in the playbook or --set (aws iam list-users / list-roles), then plan again',
      })
    case 'throttled':
      return new PartialApplyError(`${where.doing}: AWS kept throttling after the SDK's retries (${info.code})`, {
        next: where.resume ?? 'wait a minute and run the same command again (a run: lockdown run FILE --resume RUN)',
        detail: {code: info.code},
        cause: error,
      })
    case 'no-credentials':
      return new PreflightError('no AWS credentials found', {next: 'aws sso login --profile NAME, then pass --profile NAME (or set AWS_PROFILE)', cause: error})
    case 'expired':
      return new PreflightError('the AWS session has expired', {next: 'refresh the credentials (aws sso login --profile NAME) and run again', cause: error})
    case 'bad-credentials':
      return new PreflightError(`AWS rejected the credentials (${info.code})`, {next: 'check AWS_PROFILE / AWS_ACCESS_KEY_ID; run: aws sts get-caller-identity', cause: error})
    case 'unreachable':
      return new PreflightError(`cannot reach the AWS endpoint (${info.message})`, {next: 'check --endpoint / AWS_ENDPOINT_URL* and the network', cause: error})
    default:
      // Not from AWS at all (no response metadata): a bug, which stays exit 1 with its stack.
      if (!(error as {$metadata?: unknown})?.$metadata) return error instanceof Error ? error : new Error(String(error))
      return new PreflightError(`${where.doing}: AWS refused the call (${info.code}: ${info.message})`, {
        next: 'run again with DEBUG=lockdown* for the full error; if it persists, report it',
        detail: {code: info.code},
        cause: error,
      })
  }
}
