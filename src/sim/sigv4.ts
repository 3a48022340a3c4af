// SigV4 verification: recompute the signature with the same smithy signer the SDK uses, from the stored
// secret, over exactly the headers the client says it signed. Any difference → SignatureDoesNotMatch.
import {createHash, timingSafeEqual} from 'node:crypto'
import type {IncomingHttpHeaders} from 'node:http'

import {Hash} from '@smithy/hash-node'
import {HttpRequest} from '@smithy/protocol-http'
import {SignatureV4} from '@smithy/signature-v4'

import {AwsError} from './errors.js'

export interface SignedRequestInfo {
  accessKeyId: string
  date: string // yyyymmdd
  region: string
  service: string
  signedHeaders: string[]
  signature: string
  amzDate: string
  token?: string
}

const AUTH_RE = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/

const missingAuth = () =>
  new AwsError('MissingAuthenticationToken', 'Request is missing Authentication Token', 403)

/** Read who claims to have signed: the key id, scope and signature (no cryptography yet). */
export function parseAuthorization(headers: IncomingHttpHeaders): SignedRequestInfo {
  const auth = headers.authorization
  if (!auth) throw missingAuth()
  const m = AUTH_RE.exec(auth)
  if (!m) throw new AwsError('IncompleteSignature', `Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters.`, 400)
  const amzDate = String(headers['x-amz-date'] ?? '')
  if (!/^\d{8}T\d{6}Z$/.test(amzDate)) throw new AwsError('IncompleteSignature', 'Authorization header requires existence of either a \'X-Amz-Date\' or a \'Date\' header.', 400)
  const token = headers['x-amz-security-token']
  return {
    accessKeyId: m[1]!,
    date: m[2]!,
    region: m[3]!,
    service: m[4]!,
    signedHeaders: m[5]!.split(';'),
    signature: m[6]!,
    amzDate,
    token: typeof token === 'string' ? token : undefined,
  }
}

const signers = new Map<string, SignatureV4>()

function signerFor(keyId: string, secret: string, token: string | undefined, region: string, service: string): SignatureV4 {
  // One signer per key+scope: the smithy signer caches derived signing keys, which keeps verification cheap.
  const k = `${keyId}\n${secret}\n${token ?? ''}\n${region}\n${service}`
  let s = signers.get(k)
  if (!s) {
    if (signers.size > 5000) signers.clear()
    s = new SignatureV4({credentials: {accessKeyId: keyId, secretAccessKey: secret, sessionToken: token}, region, service, sha256: Hash.bind(null, 'sha256'), applyChecksum: false})
    signers.set(k, s)
  }
  return s
}

function parseAmzDate(s: string): Date {
  return new Date(`${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}T${s.slice(9, 11)}:${s.slice(11, 13)}:${s.slice(13, 15)}Z`)
}

export async function verifySignature(
  info: SignedRequestInfo,
  secret: string,
  req: {method: string; url: string; headers: IncomingHttpHeaders; body: Buffer},
): Promise<void> {
  const url = new URL(req.url, 'http://placeholder')
  const headers: Record<string, string> = {}
  for (const h of info.signedHeaders) {
    const v = req.headers[h]
    if (v !== undefined) headers[h] = Array.isArray(v) ? v.join(',') : v
  }
  const declaredHash = headers['x-amz-content-sha256']
  if (declaredHash && declaredHash !== 'UNSIGNED-PAYLOAD' && declaredHash !== createHash('sha256').update(req.body).digest('hex')) {
    throw new AwsError('XAmzContentSHA256Mismatch', 'The provided \'x-amz-content-sha256\' header does not match what was computed.', 400)
  }
  const query: Record<string, string | string[]> = {}
  for (const [k, v] of url.searchParams) {
    const prev = query[k]
    query[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v]
  }
  const request = new HttpRequest({method: req.method, protocol: 'http:', hostname: 'x', path: url.pathname, query, headers, body: req.body.toString('utf8')})
  const signed = await signerFor(info.accessKeyId, secret, info.token, info.region, info.service).sign(request, {
    signingDate: parseAmzDate(info.amzDate),
    signableHeaders: new Set(info.signedHeaders),
  })
  const got = /Signature=([0-9a-f]{64})/.exec(String(signed.headers.authorization))?.[1] ?? ''
  if (got.length !== 64 || !timingSafeEqual(Buffer.from(got), Buffer.from(info.signature))) {
    throw new AwsError(
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
      403,
    )
  }
}
