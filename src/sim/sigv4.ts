// SigV4 verification: recompute the signature from the stored secret over exactly the headers the client
// says it signed (AWS's algorithm: canonical request → string to sign → HMAC chain). Any difference →
// SignatureDoesNotMatch. Written on node:crypto rather than the smithy signer because it runs on every
// request and the benchmark needs it cheap; the test suite checks it against the SDK's own signer.
import {createHash, createHmac, timingSafeEqual} from 'node:crypto'
import type {IncomingHttpHeaders} from 'node:http'

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

/** Read who claims to have signed: the key id, scope and signature (no cryptography yet). */
export function parseAuthorization(headers: IncomingHttpHeaders): SignedRequestInfo {
  const auth = headers.authorization
  if (!auth) throw new AwsError('MissingAuthenticationToken', 'Request is missing Authentication Token', 403)
  const m = AUTH_RE.exec(auth)
  if (!m) throw new AwsError('IncompleteSignature', `Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters.`, 400)
  const amzDate = String(headers['x-amz-date'] ?? '')
  if (!/^\d{8}T\d{6}Z$/.test(amzDate) || amzDate.slice(0, 8) !== m[2]) {
    throw new AwsError('IncompleteSignature', "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.", 400)
  }
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

/** Services whose endpoint is global: AWS signs them for us-east-1 only. */
const GLOBAL_SERVICES = new Set(['iam', 'organizations'])
const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/

/**
 * The credential scope must name the service the request is for and a region it can be for, and `host`
 * must be signed: otherwise a signature made for one service (or one host) could be replayed against another.
 * Messages as AWS words them.
 */
export function checkScope(info: SignedRequestInfo, service: string): void {
  if (!info.signedHeaders.includes('host')) {
    throw new AwsError('IncompleteSignature', "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.", 400)
  }
  if (info.service !== service) throw new AwsError('SignatureDoesNotMatch', `Credential should be scoped to correct service: '${service}'. `, 403)
  const regionOk = GLOBAL_SERVICES.has(service) ? info.region === 'us-east-1' : REGION.test(info.region)
  if (!regionOk) throw new AwsError('SignatureDoesNotMatch', `Credential should be scoped to a valid region, not '${info.region}'. `, 403)
}

const keys = new Map<string, Buffer>()

/** kSigning = HMAC chain over date, region, service; cached (it changes once a day per key and scope). */
function signingKey(secret: string, date: string, region: string, service: string): Buffer {
  const k = `${secret}\n${date}\n${region}\n${service}`
  let key = keys.get(k)
  if (!key) {
    if (keys.size > 10_000) keys.clear()
    const hmac = (kk: string | Buffer, d: string) => createHmac('sha256', kk).update(d).digest()
    key = hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), 'aws4_request')
    keys.set(k, key)
  }
  return key
}

/** RFC 3986 encoding as SigV4 wants it (encodeURIComponent leaves !'()* alone). */
const rfc3986 = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)

function canonicalPath(path: string, service: string): string {
  if (path === '/' || path === '') return '/'
  // Non-S3 services encode each segment twice (once by the client, once for signing).
  const segs = path.split('/').map((seg) => rfc3986(decodeURIComponent(seg)))
  return (service === 's3' ? segs : segs.map(rfc3986)).join('/')
}

function canonicalQuery(search: string): string {
  if (!search || search === '?') return ''
  const pairs: Array<[string, string]> = []
  for (const part of search.replace(/^\?/, '').split('&')) {
    if (!part) continue
    const i = part.indexOf('=')
    const k = decodeURIComponent((i < 0 ? part : part.slice(0, i)).replace(/\+/g, ' '))
    const v = i < 0 ? '' : decodeURIComponent(part.slice(i + 1).replace(/\+/g, ' '))
    if (k.toLowerCase() === 'x-amz-signature') continue
    pairs.push([rfc3986(k), rfc3986(v)])
  }
  pairs.sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0))
  return pairs.map(([k, v]) => `${k}=${v}`).join('&')
}

const mismatch = () =>
  new AwsError(
    'SignatureDoesNotMatch',
    'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
    403,
  )

const compact = (ms: number) => new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '')

/** AWS refuses signatures more than 15 minutes from its clock (real time: the sim clock offset is for sessions). */
function checkFreshness(amzDate: string): void {
  const signedAt = Date.parse(`${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`)
  const now = Date.now()
  const skew = 15 * 60_000
  if (signedAt < now - skew) throw new AwsError('SignatureDoesNotMatch', `Signature expired: ${amzDate} is now earlier than ${compact(now - skew)} (${compact(now)} - 15 min.)`, 403)
  if (signedAt > now + skew) throw new AwsError('SignatureDoesNotMatch', `Signature not yet current: ${amzDate} is still later than ${compact(now + skew)} (${compact(now)} + 15 min.)`, 403)
}

export function verifySignature(info: SignedRequestInfo, secret: string, req: {method: string; url: string; headers: IncomingHttpHeaders; body: Buffer}): void {
  checkFreshness(info.amzDate)
  const q = req.url.indexOf('?')
  const path = q < 0 ? req.url : req.url.slice(0, q)
  const search = q < 0 ? '' : req.url.slice(q)
  const bodyHash = createHash('sha256').update(req.body).digest('hex')
  const declared = req.headers['x-amz-content-sha256']
  if (typeof declared === 'string' && declared !== 'UNSIGNED-PAYLOAD' && declared !== bodyHash) {
    throw new AwsError('XAmzContentSHA256Mismatch', "The provided 'x-amz-content-sha256' header does not match what was computed.", 400)
  }
  let headers = ''
  for (const h of info.signedHeaders) {
    const v = req.headers[h]
    if (v === undefined) throw mismatch()
    headers += `${h}:${(Array.isArray(v) ? v.join(',') : v).trim().replace(/\s+/g, ' ')}\n`
  }
  // IAM, STS, CloudTrail and Organizations sign the body itself: UNSIGNED-PAYLOAD is an S3 option, and
  // honouring it here let a ListUsers signature carry a CreateUser body.
  const canonical = [req.method, canonicalPath(path, info.service), canonicalQuery(search), headers, info.signedHeaders.join(';'), bodyHash].join('\n')
  const scope = `${info.date}/${info.region}/${info.service}/aws4_request`
  const toSign = `AWS4-HMAC-SHA256\n${info.amzDate}\n${scope}\n${createHash('sha256').update(canonical).digest('hex')}`
  const expected = createHmac('sha256', signingKey(secret, info.date, info.region, info.service)).update(toSign).digest()
  const got = Buffer.from(info.signature, 'hex')
  if (got.length !== expected.length || !timingSafeEqual(got, expected)) throw mismatch()
}
