// Who is running lockdown (sts:GetCallerIdentity), and the preflight errors a person can act on when
// credentials are missing, wrong or expired, or the endpoint cannot be reached.
import {AwsTimeoutError, type Clients} from '../aws/clients.js'
import type {Caller} from '../actions/types.js'
import {principalOf} from '../aws/arn.js'
import {lockdownErrorFromAws} from '../aws/errors.js'
import {getIdentity} from '../aws/identity.js'
import {PreflightError} from '../errors.js'

export async function resolveCaller(clients: Clients, signal?: AbortSignal): Promise<Caller> {
  try {
    const id = await getIdentity(clients, signal)
    return {...id, principalArn: principalOf(id.arn).arn}
  } catch (error) {
    throw preflightFromAws(error)
  }
}

export function preflightFromAws(error: unknown): PreflightError {
  if (error instanceof AwsTimeoutError) {
    return new PreflightError(`the AWS endpoint did not answer (${error.message})`, {
      next: 'check --endpoint / AWS_ENDPOINT_URL* and the network; on a slow link raise --aws-timeout (LOCKDOWN_AWS_TIMEOUT)',
      cause: error,
    })
  }
  // Credentials missing, expired or rejected, an endpoint out of reach: the one classifier's words.
  const mapped = lockdownErrorFromAws(error, {doing: 'sts:GetCallerIdentity'})
  if (mapped instanceof PreflightError) return mapped
  const e = error as {name?: string; message?: string}
  return new PreflightError(`preflight failed: ${e.name}: ${e.message}`, {cause: error})
}
