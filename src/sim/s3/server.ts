// S3 for the trail bucket, path-style (`/<bucket>/<key>`) on the simulator's one port: ListObjectsV2,
// GetObject and HeadObject over the delivery directory the trail writes its files into. As S3: SigV4
// verified (service `s3`, the bucket's region), authorized with IAM (`s3:ListBucket` on the bucket with
// `s3:prefix`/`s3:delimiter`/`s3:max-keys`, `s3:GetObject` on `bucket/key`), the bucket owned by the
// management account (no bucket policy, so another account's principals are refused), S3's XML errors
// (HEAD answers with the status alone). S3 reads are data events: a trail of management events does not
// log them, so reading the trail never adds to it. Every request is kept in `log` for tests and benches.
import {randomUUID} from 'node:crypto'
import {createReadStream} from 'node:fs'
import {stat} from 'node:fs/promises'
import type {IncomingMessage, ServerResponse} from 'node:http'
import {resolve as resolvePath, sep} from 'node:path'

import {requestContext} from '../authz.js'
import type {SimCore} from '../core.js'
import {AwsError} from '../errors.js'
import {type Caller, callerArn} from '../identity.js'
import {checkScope, parseAuthorization, verifySignature} from '../sigv4.js'
import {listDir} from './listing.js'
import {etagOf, listBucketResult, s3ErrorXml} from './xml.js'

export interface TrailBucketOptions {
  /** The bucket name clients address (`s3://<name>/AWSLogs/…`). */
  name: string
  /** The delivery directory: its files are the bucket's objects, keyed by their path under it. */
  dir?: string
  region: string
  /** The account that owns the bucket (the management account of an organization). */
  owner(): SimCore
  /** Which account a key belongs to, its caller and secret (the same lookup as every other service). */
  resolve(keyId: string, token: string | undefined, now: number): {caller: Caller; secret: string; core: SimCore}
  now(): number
}

export interface S3Request {
  op: 'ListObjectsV2' | 'GetObject' | 'HeadObject' | 'Unsupported'
  bucket: string
  key?: string
  prefix?: string
  delimiter?: string
  /** Keys and common prefixes returned (ListObjectsV2). */
  returned?: number
  /** Bytes sent (GetObject). */
  bytes?: number
  status: number
  error?: string
}

const MAX_KEYS = 1000

const s3Error = (code: string, message: string, status: number, extra?: Record<string, string>) => Object.assign(new AwsError(code, message, status), {extra})

/** Codes the shared identity layer uses for IAM/STS, as S3 spells them. */
const S3_CODES: Record<string, [string, string]> = {
  InvalidClientTokenId: ['InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.'],
  ExpiredToken: ['ExpiredToken', 'The provided token has expired.'],
  MissingAuthenticationToken: ['AccessDenied', 'Access Denied'],
  IncompleteSignature: ['AuthorizationHeaderMalformed', 'The authorization header is malformed.'],
}

function asS3(e: AwsError): AwsError & {extra?: Record<string, string>} {
  const mapped = S3_CODES[e.code]
  return mapped ? s3Error(mapped[0], mapped[1], e.code === 'IncompleteSignature' ? 400 : e.status) : e
}

/** A key names a file inside the directory, never a path out of it (`../`), and never a directory. */
function fileOf(dir: string, key: string): string | undefined {
  const parts = key.split('/')
  // A file's key is exactly its path under the directory: `a//b`, `./a` or `../a` name no file.
  if (parts.some((p) => p === '' || p === '.' || p === '..')) return undefined
  const root = resolvePath(dir)
  const file = resolvePath(root, ...parts)
  return file.startsWith(root + sep) ? file : undefined
}

function token(last: string): string {
  return Buffer.from(`1\n${last}`).toString('base64')
}

function fromToken(t: string): string {
  const text = Buffer.from(t, 'base64').toString('utf8')
  if (!text.startsWith('1\n') || token(text.slice(2)) !== t) throw s3Error('InvalidArgument', 'The continuation token provided is incorrect', 400, {ArgumentName: 'continuation-token'})
  return text.slice(2)
}

export function makeTrailBucket(opts: TrailBucketOptions) {
  const log: S3Request[] = []

  async function authorize(req: IncomingMessage, action: string, resource: string, extra: Record<string, string>): Promise<void> {
    const now = opts.now()
    let auth
    try {
      auth = parseAuthorization(req.headers)
      checkScope(auth, 's3')
    } catch (e) {
      throw e instanceof AwsError ? asS3(e) : e
    }
    if (auth.region !== opts.region) {
      throw s3Error('AuthorizationHeaderMalformed', `The authorization header is malformed; the region '${auth.region}' is wrong; expecting '${opts.region}'`, 400, {Region: opts.region})
    }
    // S3 signs the payload hash it is sent; a request without one is refused before the signature is looked at.
    if (typeof req.headers['x-amz-content-sha256'] !== 'string') throw s3Error('InvalidRequest', 'Missing required header for this request: x-amz-content-sha256', 400)
    let who
    try {
      who = opts.resolve(auth.accessKeyId, auth.token, now)
      verifySignature(auth, who.secret, {method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body: Buffer.alloc(0)})
    } catch (e) {
      throw e instanceof AwsError ? asS3(e) : e
    }
    const {caller, core} = who
    const owner = opts.owner()
    if (core.faults.errorRate > 0 && Math.random() < core.faults.errorRate) throw s3Error('InternalError', 'We encountered an internal error. Please try again.', 500)
    await core.authz.check(caller, action, resource, {...requestContext(core.account, caller, now, opts.region), ...extra})
    // The bucket has no bucket policy: another account's identity policy alone does not open it (as S3).
    if (core.account.id !== owner.account.id) {
      throw new AwsError('AccessDenied', `User: ${callerArn(core.account, caller)} is not authorized to perform: ${action} on resource: "${resource}" because no resource-based policy allows the ${action} action`, 403)
    }
  }

  async function list(req: IncomingMessage, res: ServerResponse, bucket: string, q: URLSearchParams, entry: S3Request, requestId: string): Promise<void> {
    const prefix = q.get('prefix') ?? ''
    const delimiter = q.get('delimiter') || undefined
    const rawMax = q.get('max-keys')
    if (rawMax !== null && !/^\d+$/.test(rawMax)) throw s3Error('InvalidArgument', 'Provided max-keys not an integer or within integer range', 400, {ArgumentName: 'max-keys', ArgumentValue: rawMax})
    const maxKeys = Math.min(MAX_KEYS, rawMax === null ? MAX_KEYS : Number(rawMax))
    Object.assign(entry, {prefix, delimiter})
    await authorize(req, 's3:ListBucket', `arn:aws:s3:::${bucket}`, {'s3:prefix': prefix, ...(delimiter ? {'s3:delimiter': delimiter} : {}), 's3:max-keys': String(maxKeys)})
    const continuationToken = q.get('continuation-token') ?? undefined
    const startAfter = q.get('start-after') ?? undefined
    const fromTok = continuationToken !== undefined ? fromToken(continuationToken) : ''
    // The token wins over start-after (S3: start-after only applies to the first page).
    const after = continuationToken !== undefined ? fromTok : (startAfter ?? '')
    const r = await listDir(opts.dir!, {prefix, delimiter, after, maxKeys})
    entry.returned = r.contents.length + r.prefixes.length
    const body = listBucketResult(r, {bucket, prefix, delimiter, maxKeys, startAfter, continuationToken, nextToken: r.truncated && r.last !== undefined ? token(r.last) : undefined, url: q.get('encoding-type') === 'url'})
    res.writeHead(200, {'content-type': 'application/xml', 'content-length': Buffer.byteLength(body), ...ids(requestId)})
    res.end(body)
  }

  async function object(req: IncomingMessage, res: ServerResponse, bucket: string, key: string, entry: S3Request, requestId: string): Promise<void> {
    await authorize(req, 's3:GetObject', `arn:aws:s3:::${bucket}/${key}`, {})
    const file = fileOf(opts.dir!, key)
    const st = file ? await stat(file).catch(() => undefined) : undefined
    if (!file || !st?.isFile()) throw s3Error('NoSuchKey', 'The specified key does not exist.', 404, {Key: key})
    const headers = {
      'content-type': key.endsWith('.gz') ? 'application/x-gzip' : 'application/json',
      'content-length': st.size,
      etag: etagOf(key, st.size, st.mtimeMs),
      'last-modified': new Date(st.mtimeMs).toUTCString(),
      'accept-ranges': 'bytes',
      // S3 encrypts every new object (SSE-S3) since January 2023; reads decrypt transparently.
      'x-amz-server-side-encryption': 'AES256',
      ...ids(requestId),
    }
    res.writeHead(200, headers)
    if (req.method === 'HEAD') return void res.end()
    entry.bytes = st.size
    await new Promise<void>((done) => {
      const stream = createReadStream(file, {highWaterMark: 256 * 1024})
      stream.on('error', () => {
        res.destroy()
        done()
      })
      res.on('close', () => {
        stream.destroy()
        done()
      })
      stream.pipe(res)
    })
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://s3.local')
    // The raw path, not URL's: a key is bytes, and `..` in one is a key's characters, never a step up.
    const raw = (req.url ?? '/').split('?')[0]
    const [, rawBucket = '', ...rest] = raw.split('/')
    const bucket = decodeURIComponent(rawBucket)
    const key = rest.map(decodeURIComponent).join('/')
    const method = req.method ?? 'GET'
    const entry: S3Request = {op: 'Unsupported', bucket, status: 200, ...(key ? {key} : {})}
    const requestId = randomUUID().replace(/-/g, '').slice(0, 16).toUpperCase()
    // Drain any body (nothing here takes one): the connection stays usable.
    req.resume()
    try {
      const listing = !key && method === 'GET' && url.searchParams.get('list-type') === '2'
      // The SDK tags requests with `x-id=<Operation>`; any other parameter is a subresource (acl, tagging…) not served here.
      const reading = key !== '' && (method === 'GET' || method === 'HEAD') && [...url.searchParams.keys()].every((k) => k === 'x-id')
      entry.op = listing ? 'ListObjectsV2' : reading ? (method === 'HEAD' ? 'HeadObject' : 'GetObject') : 'Unsupported'
      if (entry.op === 'Unsupported') throw s3Error('NotImplemented', 'A header you provided implies functionality that is not implemented', 501)
      if (bucket !== opts.name || !opts.dir) {
        // Authenticate first: an unsigned request learns nothing about which buckets exist.
        await authorize(req, listing ? 's3:ListBucket' : 's3:GetObject', `arn:aws:s3:::${bucket}${listing ? '' : `/${key}`}`, {})
        throw s3Error('NoSuchBucket', 'The specified bucket does not exist', 404, {BucketName: bucket})
      }
      if (listing) await list(req, res, bucket, url.searchParams, entry, requestId)
      else await object(req, res, bucket, key, entry, requestId)
    } catch (e) {
      const err = (e instanceof AwsError ? e : s3Error('InternalError', `We encountered an internal error. Please try again. (${(e as Error).message})`, 500)) as AwsError & {extra?: Record<string, string>}
      if (!(e instanceof AwsError)) console.error(e)
      entry.status = err.status
      entry.error = err.code
      if (res.headersSent) return void res.destroy()
      if (method === 'HEAD') {
        res.writeHead(err.status, ids(requestId))
        return void res.end()
      }
      const body = s3ErrorXml(err.code, err.message, requestId, err.extra)
      res.writeHead(err.status, {'content-type': 'application/xml', 'content-length': Buffer.byteLength(body), ...ids(requestId)})
      res.end(body)
    } finally {
      log.push(entry)
    }
  }

  return {name: opts.name, handle, log}
}

function ids(requestId: string): Record<string, string> {
  return {'x-amz-request-id': requestId, 'x-amz-id-2': Buffer.from(requestId).toString('base64')}
}

/**
 * Path-style S3 on the shared port: anything addressed below `/` (IAM, STS and the JSON services post to `/`)
 * unless its signature names another service: a Query call whose path changed after signing is theirs to
 * refuse (SignatureDoesNotMatch), not an S3 request.
 */
export function isS3Request(req: IncomingMessage): boolean {
  const url = req.url ?? '/'
  const q = url.indexOf('?')
  if ((q < 0 ? url : url.slice(0, q)) === '/') return false
  const scope = /Credential=[^/,\s]+\/\d{8}\/[^/]+\/([^/]+)\//.exec(String(req.headers.authorization ?? ''))
  return !scope || scope[1] === 's3'
}
