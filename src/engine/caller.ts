// Who is running lockdown (sts:GetCallerIdentity), and the preflight errors a person can act on when
// credentials are missing, wrong or expired, or the endpoint cannot be reached.
import {AwsTimeoutError, type Clients} from '../aws/clients.js'
import type {Caller} from '../actions/types.js'
import {principalOf} from '../aws/arn.js'
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
  const e = error as {name?: string; message?: string; code?: string}
  const name = e.name ?? ''
  if (/CredentialsProviderError|CredentialsError/.test(name) || /Could not load credentials/.test(e.message ?? '')) {
    return new PreflightError('no AWS credentials found', {next: 'aws sso login --profile NAME, then pass --profile NAME (or set AWS_PROFILE)', cause: error})
  }
  if (name === 'ExpiredToken' || name === 'ExpiredTokenException') {
    return new PreflightError('the AWS session has expired', {next: 'refresh the credentials (aws sso login --profile NAME) and run again', cause: error})
  }
  if (name === 'InvalidClientTokenId' || name === 'SignatureDoesNotMatch') {
    return new PreflightError(`AWS rejected the credentials (${name})`, {next: 'check AWS_PROFILE / AWS_ACCESS_KEY_ID; run: aws sts get-caller-identity', cause: error})
  }
  if (error instanceof AwsTimeoutError) {
    return new PreflightError(`the AWS endpoint did not answer (${e.message})`, {
      next: 'check --endpoint / AWS_ENDPOINT_URL* and the network; on a slow link raise --aws-timeout (LOCKDOWN_AWS_TIMEOUT)',
      cause: error,
    })
  }
  if (/ECONNREFUSED|ENOTFOUND|ETIMEDOUT|EAI_AGAIN/.test(`${e.code ?? ''} ${e.message ?? ''}`)) {
    return new PreflightError(`cannot reach the AWS endpoint (${e.message})`, {next: 'check --endpoint / AWS_ENDPOINT_URL* and the network', cause: error})
  }
  return new PreflightError(`preflight failed: ${name}: ${e.message}`, {cause: error})
}
