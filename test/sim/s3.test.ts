// The simulator's trail bucket through the real @aws-sdk/client-s3: its objects are the delivered trail
// files, listed as S3 pages them, read and refused as S3 does.
import {GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, S3Client} from '@aws-sdk/client-s3'
import {mkdirSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {gunzipSync} from 'node:zlib'
import {describe, expect, it} from 'vitest'

import {userWith} from '../support/principals.js'
import {useSim} from '../support/sim.js'

const dir = mkdtempSync(join(tmpdir(), 'sim-s3-'))
const BUCKET = 'org-trail'
const sim = await useSim({trailDir: dir, trailBucket: BUCKET})
const s3 = await sim.clients.s3()

// 2,500 extra objects in one day's prefix of another account: more than two pages.
const many = join(dir, 'AWSLogs', '999988887777', 'CloudTrail', 'eu-west-1', '2026', '01', '02')
mkdirSync(many, {recursive: true})
for (let i = 0; i < 2500; i++) writeFileSync(join(many, `f${String(i).padStart(5, '0')}.json`), '{"Records":[]}')
writeFileSync(join(dir, '..', `${dir.split('/').pop()}-outside.txt`), 'not under the bucket')
writeFileSync(join(dir, 'inside.txt'), 'an object')

async function refusal(p: Promise<unknown>): Promise<{name: string; message: string; status?: number}> {
  const e = (await p.then(() => undefined, (x) => x)) as {name: string; message: string; $metadata?: {httpStatusCode?: number}} | undefined
  if (!e) throw new Error('expected a refusal')
  return {name: e.name, message: e.message, status: e.$metadata?.httpStatusCode}
}

describe('sim S3: the trail bucket', () => {
  it('serves the files the trail delivered: a delimiter listing finds the account, GetObject gives the same gzip', async () => {
    await sim.clients.sts.send(new (await import('@aws-sdk/client-sts')).GetCallerIdentityCommand({}))
    const [file] = sim.flushTrail()
    const top = await s3.send(new ListObjectsV2Command({Bucket: BUCKET, Prefix: 'AWSLogs/', Delimiter: '/'}))
    expect(top.CommonPrefixes?.map((p) => p.Prefix)).toEqual([`AWSLogs/${sim.accountId}/`, 'AWSLogs/999988887777/'])
    expect(top.Contents ?? []).toEqual([])
    const key = file.slice(dir.length + 1).split('\\').join('/')
    const listed = await s3.send(new ListObjectsV2Command({Bucket: BUCKET, Prefix: `AWSLogs/${sim.accountId}/CloudTrail/`}))
    expect(listed.Contents?.map((o) => o.Key)).toEqual([key])
    expect(listed.Contents?.[0].Size).toBe(readFileSync(file).length)
    const got = await s3.send(new GetObjectCommand({Bucket: BUCKET, Key: key}))
    const bytes = Buffer.from(await got.Body!.transformToByteArray())
    expect(bytes.equals(readFileSync(file))).toBe(true)
    expect(JSON.parse(gunzipSync(bytes).toString()).Records[0].eventName).toBe('GetCallerIdentity')
    const head = await s3.send(new HeadObjectCommand({Bucket: BUCKET, Key: key}))
    expect(head.ContentLength).toBe(bytes.length)
    expect(head.ETag).toBe(got.ETag)
  })

  it('pages as S3 does: 1,000 keys a page at most, continuation tokens, KeyCount, start-after', async () => {
    const prefix = 'AWSLogs/999988887777/CloudTrail/eu-west-1/2026/01/02/'
    const sizes: number[] = []
    const keys: string[] = []
    let token: string | undefined
    do {
      const page = await s3.send(new ListObjectsV2Command({Bucket: BUCKET, Prefix: prefix, MaxKeys: 5000, ContinuationToken: token}))
      expect(page.MaxKeys).toBe(1000)
      sizes.push(page.KeyCount!)
      keys.push(...page.Contents!.map((o) => o.Key!))
      token = page.NextContinuationToken
      expect(page.IsTruncated).toBe(token !== undefined)
    } while (token)
    expect(sizes).toEqual([1000, 1000, 500])
    expect(keys).toEqual([...keys].sort())
    expect(new Set(keys).size).toBe(2500)
    const small = await s3.send(new ListObjectsV2Command({Bucket: BUCKET, Prefix: prefix, MaxKeys: 2, StartAfter: `${prefix}f00100.json`}))
    expect(small.Contents?.map((o) => o.Key)).toEqual([`${prefix}f00101.json`, `${prefix}f00102.json`])
    const bad = await refusal(s3.send(new ListObjectsV2Command({Bucket: BUCKET, Prefix: prefix, ContinuationToken: 'bm90LWEtdG9rZW4='})))
    expect(bad).toMatchObject({name: 'InvalidArgument', status: 400})
  })

  it('refuses as S3 does: NoSuchBucket, NoSuchKey, NotFound on HEAD, no path out of the bucket', async () => {
    expect(await refusal(s3.send(new ListObjectsV2Command({Bucket: 'someone-elses'})))).toMatchObject({name: 'NoSuchBucket', status: 404})
    expect(await refusal(s3.send(new GetObjectCommand({Bucket: BUCKET, Key: 'AWSLogs/nope.json.gz'})))).toMatchObject({name: 'NoSuchKey', message: 'The specified key does not exist.', status: 404})
    expect(await refusal(s3.send(new HeadObjectCommand({Bucket: BUCKET, Key: 'AWSLogs/nope.json.gz'})))).toMatchObject({name: 'NotFound', status: 404})
    // A directory is a prefix, not an object; and a key never reaches past the delivery directory.
    expect((await refusal(s3.send(new GetObjectCommand({Bucket: BUCKET, Key: 'AWSLogs'})))).name).toBe('NoSuchKey')
    const escape = await refusal(s3.send(new GetObjectCommand({Bucket: BUCKET, Key: `../${dir.split('/').pop()}-outside.txt`})))
    expect(escape.name).toBe('NoSuchKey')
    // A key is its exact path: a dot segment that would lead back to a real object is no key of it.
    expect((await refusal(s3.send(new GetObjectCommand({Bucket: BUCKET, Key: `AWSLogs/../inside.txt`})))).name).toBe('NoSuchKey')
    expect((await s3.send(new HeadObjectCommand({Bucket: BUCKET, Key: 'inside.txt'}))).ContentLength).toBe(9)
  })

  it('authorizes with IAM: s3:ListBucket on the bucket, s3:GetObject on the key; a bad signature is refused', async () => {
    const lister = await userWith(sim, 's3-lister', [{Effect: 'Allow', Action: 's3:ListBucket', Resource: `arn:aws:s3:::${BUCKET}`}])
    const as = await sim.clientsAs(lister).s3()
    const page = await as.send(new ListObjectsV2Command({Bucket: BUCKET, Prefix: 'AWSLogs/', Delimiter: '/'}))
    expect(page.CommonPrefixes?.length).toBe(2)
    const denied = await refusal(as.send(new GetObjectCommand({Bucket: BUCKET, Key: 'AWSLogs/999988887777/CloudTrail/eu-west-1/2026/01/02/f00001.json'})))
    expect(denied).toMatchObject({name: 'AccessDenied', status: 403})
    expect(denied.message).toContain(`s3:GetObject on resource: arn:aws:s3:::${BUCKET}/AWSLogs/999988887777/CloudTrail/eu-west-1/2026/01/02/f00001.json`)
    // s3:prefix is in the request context: a policy can confine a reader to one account's logs.
    const scoped = await userWith(sim, 's3-scoped', [
      {Effect: 'Allow', Action: 's3:ListBucket', Resource: `arn:aws:s3:::${BUCKET}`, Condition: {StringLike: {'s3:prefix': ['AWSLogs/999988887777/*']}}} as never,
    ])
    const sc = await sim.clientsAs(scoped).s3()
    expect((await sc.send(new ListObjectsV2Command({Bucket: BUCKET, Prefix: 'AWSLogs/999988887777/CloudTrail/', MaxKeys: 1}))).KeyCount).toBe(1)
    expect((await refusal(sc.send(new ListObjectsV2Command({Bucket: BUCKET, Prefix: 'AWSLogs/'})))).name).toBe('AccessDenied')
    const forged = new S3Client({endpoint: sim.endpoint, region: sim.region, forcePathStyle: true, maxAttempts: 1, credentials: {accessKeyId: lister.accessKeyId, secretAccessKey: 'wrong'}})
    expect((await refusal(forged.send(new ListObjectsV2Command({Bucket: BUCKET})))).name).toBe('SignatureDoesNotMatch')
    const unknown = new S3Client({endpoint: sim.endpoint, region: sim.region, forcePathStyle: true, maxAttempts: 1, credentials: {accessKeyId: 'AKIAUNKNOWNUNKNOWN00', secretAccessKey: 'x'}})
    expect((await refusal(unknown.send(new ListObjectsV2Command({Bucket: BUCKET})))).name).toBe('InvalidAccessKeyId')
    const otherRegion = new S3Client({endpoint: sim.endpoint, region: 'eu-west-1', forcePathStyle: true, maxAttempts: 1, credentials: sim.rootCredentials})
    expect((await refusal(otherRegion.send(new ListObjectsV2Command({Bucket: BUCKET})))).name).toBe('AuthorizationHeaderMalformed')
    forged.destroy()
    unknown.destroy()
    otherRegion.destroy()
  })

  it('S3 reads are data events: they never show in the management-event trail; the request log has them', async () => {
    const before = sim.records().length
    await s3.send(new ListObjectsV2Command({Bucket: BUCKET, Prefix: 'AWSLogs/', Delimiter: '/'}))
    expect(sim.records().length).toBe(before)
    const last = sim.trailBucket!.requests().at(-1)!
    expect(last).toMatchObject({op: 'ListObjectsV2', bucket: BUCKET, prefix: 'AWSLogs/', delimiter: '/', returned: 2, status: 200})
  })
})
