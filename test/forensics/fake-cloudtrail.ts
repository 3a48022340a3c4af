// A loopback CloudTrail that answers LookupEvents (JSON 1.1 protocol) from a list of records, so the
// lookup source is tested through the real SDK client. It records each request and can throttle.
import {createServer, type Server} from 'node:http'
import type {AddressInfo} from 'node:net'

export interface FakeRequest {
  region: string
  attr?: {AttributeKey: string; AttributeValue: string}
  nextToken?: string
}

type Rec = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

function matches(r: Rec, attr?: FakeRequest['attr']): boolean {
  if (!attr) return true
  const v = attr.AttributeValue
  switch (attr.AttributeKey) {
    case 'EventName':
      return r.eventName === v
    case 'AccessKeyId':
      return r.userIdentity?.accessKeyId === v
    case 'Username':
      return r.userIdentity?.userName === v
    default:
      return false
  }
}

export async function startFakeCloudTrail(records: Rec[], opts: {throttleFirst?: number} = {}) {
  const requests: FakeRequest[] = []
  let toThrottle = opts.throttleFirst ?? 0
  const server: Server = createServer((req, res) => {
    let body = ''
    req.on('data', (c) => (body += c))
    req.on('end', () => {
      const region = /Credential=[^/]+\/\d+\/([^/]+)\//.exec(req.headers.authorization ?? '')?.[1] ?? '?'
      const input = JSON.parse(body || '{}')
      const attr = input.LookupAttributes?.[0]
      requests.push({region, attr, nextToken: input.NextToken})
      res.setHeader('content-type', 'application/x-amz-json-1.1')
      if (toThrottle > 0) {
        toThrottle--
        res.statusCode = 400
        res.end(JSON.stringify({__type: 'ThrottlingException', message: 'Rate exceeded'}))
        return
      }
      const start = input.StartTime ? input.StartTime * 1000 : 0
      const end = input.EndTime ? input.EndTime * 1000 : Infinity
      const hits = records
        .filter((r) => r.awsRegion === region && matches(r, attr))
        .filter((r) => Date.parse(r.eventTime) >= start && Date.parse(r.eventTime) <= end)
        .sort((a, b) => Date.parse(b.eventTime) - Date.parse(a.eventTime))
      const from = Number(input.NextToken ?? 0)
      const page = hits.slice(from, from + Math.min(50, input.MaxResults ?? 50))
      const next = from + page.length < hits.length ? String(from + page.length) : undefined
      res.end(
        JSON.stringify({
          Events: page.map((r) => ({EventId: r.eventID, EventName: r.eventName, EventTime: Date.parse(r.eventTime) / 1000, CloudTrailEvent: JSON.stringify(r)})),
          NextToken: next,
        }),
      )
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {endpoint, requests, close: () => new Promise<void>((r) => server.close(() => r()))}
}
