// S3's REST XML: the ListBucketResult of ListObjectsV2 and the `<Error>` document S3 answers with (no
// Query-style `<ErrorResponse>` wrapper, the bucket or key named in its own element).
import {escapeXml} from '../protocol/xml.js'
import type {ListResult} from './listing.js'

export const S3_NS = 'http://s3.amazonaws.com/doc/2006-03-01/'

const el = (name: string, v: string | number | boolean | undefined) => (v === undefined ? '' : `<${name}>${escapeXml(String(v))}</${name}>`)

/** `encoding-type=url`: keys as S3 encodes them (the SDK asks for it when keys may hold XML-unsafe bytes). */
export function encodeKey(s: string, url: boolean): string {
  return url ? encodeURIComponent(s).replace(/%2F/g, '/') : s
}

export interface ListEcho {
  bucket: string
  prefix: string
  delimiter?: string
  maxKeys: number
  startAfter?: string
  continuationToken?: string
  nextToken?: string
  url: boolean
}

export function etagOf(key: string, size: number, mtime: number): string {
  // Opaque and stable while the file is unchanged (S3's MD5 would mean reading every object to list it).
  let h = 2166136261
  for (const c of `${key}\n${size}\n${Math.floor(mtime)}`) h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0
  return `"${h.toString(16).padStart(8, '0')}${size.toString(16).padStart(24, '0')}"`
}

export function listBucketResult(r: ListResult, e: ListEcho): string {
  const enc = (s: string) => encodeKey(s, e.url)
  const contents = r.contents
    .map((o) => `<Contents>${el('Key', enc(o.key))}${el('LastModified', new Date(o.mtime).toISOString())}${el('ETag', etagOf(o.key, o.size, o.mtime))}${el('Size', o.size)}${el('StorageClass', 'STANDARD')}</Contents>`)
    .join('')
  const prefixes = r.prefixes.map((p) => `<CommonPrefixes>${el('Prefix', enc(p))}</CommonPrefixes>`).join('')
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult xmlns="${S3_NS}">` +
    el('Name', e.bucket) +
    el('Prefix', enc(e.prefix)) +
    el('Delimiter', e.delimiter === undefined ? undefined : enc(e.delimiter)) +
    el('MaxKeys', e.maxKeys) +
    (e.url ? el('EncodingType', 'url') : '') +
    el('KeyCount', r.contents.length + r.prefixes.length) +
    el('IsTruncated', r.truncated) +
    el('ContinuationToken', e.continuationToken) +
    el('NextContinuationToken', e.nextToken) +
    el('StartAfter', e.startAfter === undefined ? undefined : enc(e.startAfter)) +
    contents +
    prefixes +
    '</ListBucketResult>'
  )
}

export function s3ErrorXml(code: string, message: string, requestId: string, extra: Record<string, string> = {}): string {
  const fields = Object.entries(extra)
    .map(([k, v]) => el(k, v))
    .join('')
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error>${el('Code', code)}${el('Message', message)}${fields}${el('RequestId', requestId)}${el('HostId', Buffer.from(requestId).toString('base64'))}</Error>`
}
