// AWS Query output: `<XResponse xmlns=…><XResult>…</XResult><ResponseMetadata>…` with lists as `<member>`
// and timestamps in ISO 8601, the shape the SDK's AwsQueryProtocol deserializer reads.
import {isoSeconds} from '../clock.js'

export const NS = {
  iam: 'https://iam.amazonaws.com/doc/2010-05-08/',
  sts: 'https://sts.amazonaws.com/doc/2011-06-15/',
} as const

const ENTITIES: Record<string, string> = {'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;'}
const SPECIAL = /[&<>"']/

export function escapeXml(s: string): string {
  // Most values have nothing to escape; test first so the common case allocates nothing.
  return SPECIAL.test(s) ? s.replace(/[&<>"']/g, (c) => ENTITIES[c]!) : s
}

function node(name: string, v: unknown): string {
  if (v === undefined || v === null) return ''
  return `<${name}>${value(v)}</${name}>`
}

function value(v: unknown): string {
  if (v instanceof Date) return isoSeconds(v)
  if (Array.isArray(v)) return v.map((m) => node('member', m)).join('')
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64')
  if (typeof v === 'object' && v !== null) {
    return Object.entries(v)
      .map(([k, x]) => node(k, x))
      .join('')
  }
  return escapeXml(String(v))
}

export function queryResponse(ns: string, action: string, result: Record<string, unknown> | undefined, requestId: string): string {
  const inner = result === undefined ? '' : `<${action}Result>${value(result)}</${action}Result>`
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="${ns}">${inner}<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`
}

export function queryError(ns: string, type: 'Sender' | 'Receiver', code: string, message: string, requestId: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse xmlns="${ns}"><Error><Type>${type}</Type><Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`
}
