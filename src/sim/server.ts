// The HTTP front door: one port for IAM, STS (AWS Query) and CloudTrail, Organizations (JSON 1.1).
// Per request: verify SigV4 → faults → authorize → handle → respond → one CloudTrail record.
import {randomUUID} from 'node:crypto'
import type {IncomingMessage, ServerResponse} from 'node:http'

import {requestContext} from './authz.js'
import type {SimCore} from './core.js'
import type {SimWorld} from './world.js'
import {AwsError, jsonErrorCode} from './errors.js'
import {TokenBucket} from './faults.js'
import type {Caller} from './identity.js'
import type {Op, OpContext, OpTable, Result} from './ops.js'
import {type Params, parseQueryForm} from './protocol/form.js'
import {NS, queryError, queryResponse} from './protocol/xml.js'
import {checkScope, parseAuthorization, verifySignature} from './sigv4.js'
import {buildRecord, camel, lookupUsername, typedParams} from './trail-record.js'

export type Service = 'iam' | 'sts' | 'cloudtrail' | 'organizations' | 'athena'

interface Parsed {
  service: Service
  protocol: 'query' | 'json'
  action: string
  params: Params
}

const JSON_TARGETS: Array<[string, Service]> = [
  ['com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.', 'cloudtrail'],
  ['CloudTrail_20131101.', 'cloudtrail'],
  ['AWSOrganizationsV20161128.', 'organizations'],
  ['AmazonAthena.', 'athena'],
]

/** Query API versions: IAM and STS share the protocol, and AWS tells them apart by host; one port here, so by Version. */
const QUERY_VERSIONS: Record<string, Service> = {'2010-05-08': 'iam', '2011-06-15': 'sts'}

function parseRequest(stsActions: OpTable, headers: IncomingMessage['headers'], body: Buffer, url: string): Parsed {
  const target = headers['x-amz-target']
  if (typeof target === 'string') {
    for (const [prefix, service] of JSON_TARGETS) {
      if (target.startsWith(prefix)) {
        const text = body.toString('utf8') || '{}'
        let params: Params
        try {
          params = JSON.parse(text)
        } catch {
          throw new AwsError('SerializationException', 'Start of structure or map found where not expected.', 400)
        }
        return {service, protocol: 'json', action: target.slice(prefix.length), params}
      }
    }
    throw new AwsError('UnknownOperationException', `Unknown target ${target}`, 400)
  }
  // The Query protocol also accepts GET with the parameters in the query string (the AWS CLI never does, curl might).
  const q = url.indexOf('?')
  const {action, version, params} = parseQueryForm(body.length || q < 0 ? body.toString('utf8') : url.slice(q + 1))
  // Which service the request is for comes from the request, never from the signature's scope (that is checked against it).
  const service: Service = QUERY_VERSIONS[version] ?? (Object.hasOwn(stsActions, action) ? 'sts' : 'iam')
  return {service, protocol: 'query', action, params}
}

/**
 * IAM, STS, CloudTrail and Organizations take small requests (a policy document is at most 10 KiB; AWS refuses
 * oversized ones before looking at the signature). The cap is checked before authentication, from the
 * declared length and while reading, so an unsigned 400 MB POST costs 1 MiB of memory, not 400.
 */
export const MAX_REQUEST_BYTES = 1024 * 1024

/** The body, or undefined when it is over the cap (reading stops there; the rest is never buffered). */
function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    if (Number(req.headers['content-length'] ?? 0) > MAX_REQUEST_BYTES) return resolve(undefined)
    const chunks: Buffer[] = []
    let size = 0
    const onData = (c: Buffer) => {
      size += c.length
      if (size > MAX_REQUEST_BYTES) {
        req.off('data', onData)
        req.pause()
        chunks.length = 0
        resolve(undefined)
      } else chunks.push(c)
    }
    req.on('data', onData)
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

function tooLarge(req: IncomingMessage, res: ServerResponse, requestId: string): void {
  const error = new AwsError('RequestEntityTooLarge', `Request must be smaller than ${MAX_REQUEST_BYTES} bytes.`, 413)
  res.setHeader('connection', 'close')
  send(res, undefined, undefined, error, requestId, typeof req.headers['x-amz-target'] === 'string')
  // The client may still be sending: nothing more is read (the socket stays paused); the connection closes
  // shortly after the answer is out, leaving the client a moment to read it first.
  res.on('finish', () => setTimeout(() => req.socket.destroy(), 1000).unref())
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

export function makeHandler(world: SimWorld, tables: Record<Service, OpTable>) {
  // IAM throttles writes per account: one account's burst does not slow another's.
  const writeBuckets = new Map<string, TokenBucket>()
  const writeBucket = (accountId: string) => {
    let b = writeBuckets.get(accountId)
    if (!b) {
      b = new TokenBucket(
        () => world.faults.iamWriteRate,
        () => world.faults.iamWriteBurst,
      )
      writeBuckets.set(accountId, b)
    }
    return b
  }

  return async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = randomUUID()
    const body = await readBody(req)
    if (!body) return tooLarge(req, res, requestId)
    const now = world.clock.now()
    // The account the credentials belong to serves the request; until they are known, the management account.
    let sim: SimCore = world.management
    let parsed: Parsed | undefined
    let caller: Caller | undefined
    let keyId = ''
    let region = 'us-east-1'
    let op: Op | undefined
    let result: Result
    let error: AwsError | undefined
    let ctx: OpContext | undefined
    try {
      const auth = parseAuthorization(req.headers)
      keyId = auth.accessKeyId
      region = auth.region
      parsed = parseRequest(tables.sts, req.headers, body, req.url ?? '/')
      checkScope(auth, parsed.service)
      const resolved = world.resolve(auth.accessKeyId, auth.token, now)
      verifySignature(auth, resolved.secret, {method: req.method ?? 'POST', url: req.url ?? '/', headers: req.headers, body})
      // Only a verified signature names the caller: a failed one proves nothing about who sent it.
      caller = resolved.caller
      sim = resolved.core
      if (caller.kind === 'user') caller.key.lastUsed = {at: now, service: parsed.service, region: parsed.service === 'iam' ? 'us-east-1' : region}
      op = tables[parsed.service][parsed.action]
      if (!op) throw unknownAction(parsed)
      if (sim.faults.errorRate > 0 && Math.random() < sim.faults.errorRate) {
        throw new AwsError('ServiceFailure', 'An internal error occurred. Please try again.', 500)
      }
      if (parsed.service === 'iam' && !op.readOnly && !writeBucket(sim.account.id).take()) throw new AwsError('Throttling', 'Rate exceeded', 400)
      ctx = {sim, caller, region: parsed.service === 'iam' ? 'us-east-1' : region, requestId, now}
      if (!op.noAuth) {
        const iamAction = `${parsed.service}:${parsed.action}`
        const resource = op.resource ? op.resource(parsed.params, ctx) : '*'
        await sim.authz.check(caller, iamAction, resource, requestContext(sim.account, caller, now, ctx.region, world.org?.id), shownResource(sim.account.id, parsed, resource))
      }
      result = await op.handle(parsed.params, ctx)
    } catch (e) {
      error = e instanceof AwsError ? e : new AwsError('ServiceFailure', `Internal error: ${(e as Error).message}`, 500)
      if (!(e instanceof AwsError)) console.error(e)
    }
    if (sim.faults.latencyMs > 0) await sleep(sim.faults.latencyMs)
    send(res, parsed, result, error, requestId, typeof req.headers['x-amz-target'] === 'string')
    // A request whose key the account does not know has no identity to attribute; AWS does not log it either.
    if (parsed && caller) record(world, sim, {parsed, caller, keyId, op, result, error, requestId, now, region: ctx?.region ?? (parsed.service === 'iam' ? 'us-east-1' : region), req, ctx})
  }
}

/** IAM names list actions' resource as the collection (`arn:aws:iam::123:user/`) in denial messages. */
const LIST_NOUN: Record<string, string> = {ListUsers: 'user', ListRoles: 'role', ListPolicies: 'policy', ListVirtualMFADevices: 'mfa'}
function shownResource(accountId: string, p: Parsed, resource: string): string {
  const noun = p.service === 'iam' && resource === '*' ? LIST_NOUN[p.action] : undefined
  return noun ? `arn:aws:iam::${accountId}:${noun}/` : resource
}

function unknownAction(p: Parsed): AwsError {
  if (p.protocol === 'json') return new AwsError('UnknownOperationException', `Unknown operation ${p.action}`, 400)
  const version = p.service === 'iam' ? '2010-05-08' : '2011-06-15'
  return new AwsError('InvalidAction', `Could not find operation ${p.action} for version ${version}`, 400)
}

function send(res: ServerResponse, p: Parsed | undefined, result: Result, error: AwsError | undefined, requestId: string, jsonTarget: boolean): void {
  // Before the body is parsed (e.g. no signature) the X-Amz-Target header still tells a JSON client apart.
  const json = p ? p.protocol === 'json' : jsonTarget
  if (error) {
    if (json) {
      const code = jsonErrorCode(error.code)
      res.writeHead(error.status, {'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': requestId, 'x-amzn-errortype': code})
      res.end(JSON.stringify({__type: code, message: error.message, ...error.fields}))
    } else {
      res.writeHead(error.status, {'content-type': 'text/xml', 'x-amzn-requestid': requestId})
      res.end(queryError(p?.service === 'sts' ? NS.sts : NS.iam, error.type, error.code, error.message, requestId))
    }
    return
  }
  if (json) {
    res.writeHead(200, {'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': requestId})
    res.end(JSON.stringify(result ?? {}, (_k, v) => v))
  } else {
    res.writeHead(200, {'content-type': 'text/xml', 'x-amzn-requestid': requestId})
    res.end(queryResponse(p!.service === 'sts' ? NS.sts : NS.iam, p!.action, result, requestId))
  }
}

interface RecordArgs {
  parsed: Parsed
  caller: Caller
  keyId: string
  op: Op | undefined
  result: Result
  error: AwsError | undefined
  requestId: string
  now: number
  region: string
  req: IncomingMessage
  ctx: OpContext | undefined
}

function record(world: SimWorld, sim: SimCore, a: RecordArgs): void {
  const {parsed, op} = a
  const params = camel(typedParams(parsed.params), false) as Record<string, unknown>
  const readOnly = op?.readOnly ?? false
  let responseElements: unknown = null
  if (!a.error && op) responseElements = op.responseElements ? op.responseElements(a.result, parsed.params) : readOnly ? null : a.result ? camel(a.result) : null
  const resources = !a.error && op?.resources && a.ctx ? op.resources(parsed.params, a.result, a.ctx) : []
  const rec = buildRecord({
    account: sim.account,
    caller: a.caller,
    keyId: a.keyId,
    time: a.now,
    service: parsed.service,
    eventName: parsed.action,
    region: a.region,
    sourceIp: a.req.socket.remoteAddress?.replace(/^::ffff:/, '') ?? '127.0.0.1',
    userAgent: String(a.req.headers['user-agent'] ?? ''),
    requestParameters: Object.keys(params).length ? params : null,
    responseElements,
    error: a.error && {code: a.error.code, message: a.error.message},
    requestId: a.requestId,
    readOnly,
    resources: parsed.action.startsWith('AssumeRole') ? resources.map((r) => ({ARN: r.name, accountId: accountOfArn(r.name) ?? sim.account.id, type: r.type})) : undefined,
  })
  // A call into another account (cross-account AssumeRole) is logged in both: one event, one sharedEventID,
  // the other account's copy naming itself as the recipient.
  const other = op?.alsoLoggedIn && a.ctx ? op.alsoLoggedIn(parsed.params, a.ctx) : undefined
  const target = other && other !== sim.account.id ? world.core(other) : undefined
  const stored = (r: Record<string, unknown>) => ({
    record: r,
    time: a.now,
    region: a.region,
    eventId: r.eventID as string,
    eventName: parsed.action,
    eventSource: rec.eventSource as string,
    readOnly,
    username: lookupUsername(a.caller),
    accessKeyId: a.keyId,
    resources,
  })
  if (!target) {
    sim.trail.add(stored(rec))
    return
  }
  const sharedEventID = randomUUID()
  rec.sharedEventID = sharedEventID
  sim.trail.add(stored(rec))
  target.trail.add(stored({...rec, eventID: randomUUID(), recipientAccountId: target.account.id, sharedEventID}))
}

const accountOfArn = (arn: string) => /^arn:aws:[a-z]+::(\d{12}):/.exec(arn)?.[1]
