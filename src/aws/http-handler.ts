// The request handler of the IAM clients: a revoke of 1,000 roles makes some 4,000 IAM calls, and the
// SDK's NodeHttpHandler spent a third of each call's CPU on itself (up to five timers a request, the
// response handed on as a stream the SDK then collects again); with this one the 1,000-role revoke
// benchmark went from 12.6 s to 7.4 s. This one does what an IAM call needs — keep-alive
// HTTP(S), a connection timeout on a new socket, the call's abort signal — and buffers the answer, which
// the query protocol reads whole anyway. Not for streamed bodies (S3 objects): those keep the SDK's handler.
import {Agent as HttpAgent, request as httpRequest, type ClientRequest, type IncomingMessage} from 'node:http'
import {Agent as HttpsAgent, request as httpsRequest} from 'node:https'
import type {Socket} from 'node:net'
import {Readable} from 'node:stream'
import {buildQueryString, HttpResponse, type HttpHandler} from '@smithy/core/protocols'
import type {HttpHandlerOptions, HttpRequest} from '@smithy/types'
import {abortError, onAbortOf} from './on-abort.js'

export interface LeanHttpHandlerOptions {
  /** A socket that is not connected by then fails the attempt with a TimeoutError (which the SDK retries). */
  connectionTimeout?: number
  /** Sockets per host: above the 64 changes a step may run at once (each with a proof in flight beside it), so no call waits for a socket. */
  maxSockets?: number
}

/** Codes of a connection that dropped or timed out: named TimeoutError, as the SDK's handler does, so they are retried. */
const TIMEOUT_CODES = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT'])

function asDropped(error: NodeJS.ErrnoException): Error {
  return error.code && TIMEOUT_CODES.has(error.code) ? Object.assign(error, {name: 'TimeoutError'}) : error
}

export class LeanHttpHandler implements HttpHandler<Record<string, never>> {
  readonly metadata = {handlerProtocol: 'http/1.1'}
  private readonly http: HttpAgent
  private readonly https: HttpsAgent
  private readonly connectionTimeout: number

  constructor(options: LeanHttpHandlerOptions = {}) {
    const maxSockets = options.maxSockets ?? 128
    this.http = new HttpAgent({keepAlive: true, maxSockets})
    this.https = new HttpsAgent({keepAlive: true, maxSockets})
    this.connectionTimeout = options.connectionTimeout ?? 0
  }

  handle(request: HttpRequest, options: HttpHandlerOptions = {}): Promise<{response: HttpResponse}> {
    // Every signal the SDK or withDeadline passes is a DOM AbortSignal (the type also allows a legacy shape).
    const abortSignal = options.abortSignal as AbortSignal | undefined
    return new Promise((resolve, reject) => {
      if (abortSignal?.aborted) return reject(abortError(abortSignal.reason))
      const secure = request.protocol === 'https:'
      const query = request.query ? buildQueryString(request.query) : ''
      const host = request.hostname.startsWith('[') && request.hostname.endsWith(']') ? request.hostname.slice(1, -1) : request.hostname
      const req: ClientRequest = (secure ? httpsRequest : httpRequest)({
        agent: secure ? this.https : this.http,
        host,
        port: request.port,
        method: request.method,
        path: (query ? `${request.path}?${query}` : request.path) + (request.fragment ? `#${request.fragment}` : ''),
        headers: request.headers,
        ...(request.username != null || request.password != null ? {auth: `${request.username ?? ''}:${request.password ?? ''}`} : {}),
      })
      let settled = false
      const fail = (error: Error) => {
        if (settled) return
        settled = true
        unfollow()
        req.destroy()
        reject(error)
      }
      // Declared after `fail`, which calls it: the signal is not aborted yet, so neither runs before this line.
      const unfollow = onAbortOf(abortSignal, (reason) => fail(abortError(reason)))
      req.on('error', (error: NodeJS.ErrnoException) => fail(asDropped(error)))
      // Only a new socket connects: a kept-alive one costs no timer.
      if (this.connectionTimeout > 0) req.once('socket', (socket: Socket) => this.boundConnect(socket, fail))
      req.on('response', (res: IncomingMessage) => {
        const chunks: Buffer[] = []
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.on('error', (error: NodeJS.ErrnoException) => fail(asDropped(error)))
        // A connection that closed before the whole body came is a dropped connection, retried as one.
        res.on('close', () => {
          if (!res.complete) fail(Object.assign(new Error('the connection closed before the response was complete'), {name: 'TimeoutError', code: 'ECONNRESET'}))
        })
        res.on('end', () => {
          if (settled) return
          settled = true
          unfollow()
          const headers: Record<string, string> = {}
          for (const [name, value] of Object.entries(res.headers)) if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : value
          const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)
          resolve({response: new HttpResponse({statusCode: res.statusCode ?? -1, reason: res.statusMessage, headers, body: new Uint8Array(body.buffer, body.byteOffset, body.byteLength)})})
        })
      })
      writeBody(req, request.body)
    })
  }

  private boundConnect(socket: Socket, fail: (error: Error) => void): void {
    if (!socket.connecting) return
    const ms = this.connectionTimeout
    const timer = setTimeout(() => fail(Object.assign(new Error(`the socket did not connect within ${ms} ms`), {name: 'TimeoutError'})), ms)
    socket.once('connect', () => clearTimeout(timer))
    socket.once('close', () => clearTimeout(timer))
  }

  /** The SDK hands its resolved settings here; this handler takes its own at construction. */
  updateHttpClientConfig(): void {}
  httpHandlerConfigs(): Record<string, never> {
    return {}
  }

  destroy(): void {
    this.http.destroy()
    this.https.destroy()
  }
}

function writeBody(req: ClientRequest, body: unknown): void {
  if (body instanceof Readable) {
    body.pipe(req)
    return
  }
  if (body === undefined || body === null) return void req.end()
  if (typeof body === 'string' || Buffer.isBuffer(body)) return void req.end(body)
  if (body instanceof Uint8Array) return void req.end(Buffer.from(body.buffer, body.byteOffset, body.byteLength))
  req.end(Buffer.from(body as ArrayBuffer))
}
