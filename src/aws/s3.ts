// S3 calls for reading a CloudTrail bucket: one ListObjectsV2 page, and an object as a byte stream
// (never buffered here: the reader decides what to hold). A source takes its client from
// `Clients.s3(region)`; retries are the client's (adaptive), plus a retry of a read cut mid-body.
import {GetObjectCommand, ListObjectsV2Command, type S3Client} from '@aws-sdk/client-s3'
import type {Readable} from 'node:stream'

import {classifyAwsError} from './errors.js'

export type {S3Client} from '@aws-sdk/client-s3'

export interface ListedObject {
  key: string
  size: number
}

export interface ListPage {
  objects: ListedObject[]
  prefixes: string[]
  nextToken?: string
}

export async function listObjectsPage(
  client: S3Client,
  a: {bucket: string; prefix: string; delimiter?: string; token?: string; maxKeys?: number},
  signal?: AbortSignal,
): Promise<ListPage> {
  const r = await client.send(
    new ListObjectsV2Command({Bucket: a.bucket, Prefix: a.prefix, Delimiter: a.delimiter, ContinuationToken: a.token, MaxKeys: a.maxKeys}),
    {abortSignal: signal},
  )
  return {
    objects: (r.Contents ?? []).map((o) => ({key: o.Key ?? '', size: Number(o.Size ?? 0)})),
    prefixes: (r.CommonPrefixes ?? []).map((p) => p.Prefix ?? ''),
    nextToken: r.IsTruncated ? r.NextContinuationToken : undefined,
  }
}

/** The object's bytes as a stream, and its length. */
export async function getObjectStream(client: S3Client, bucket: string, key: string, signal?: AbortSignal): Promise<{body: Readable; size: number}> {
  const r = await client.send(new GetObjectCommand({Bucket: bucket, Key: key}), {abortSignal: signal})
  if (!r.Body) throw new Error(`GetObject s3://${bucket}/${key}: no body`)
  return {body: r.Body as Readable, size: Number(r.ContentLength ?? 0)}
}

/** Errors a retry can fix: the connection dropped mid-body, S3 asked to slow down, an internal error. */
export function isRetryableRead(e: unknown): boolean {
  if ((e as {name?: string}).name === 'AbortError') return false
  const {kind} = classifyAwsError(e)
  const status = (e as {$metadata?: {httpStatusCode?: number}}).$metadata?.httpStatusCode ?? 0
  return kind === 'throttled' || kind === 'unreachable' || status >= 500 || /ERR_STREAM_PREMATURE_CLOSE|EPIPE|aborted/.test(`${(e as {code?: string}).code ?? ''} ${(e as Error).message ?? ''}`)
}
