// CloudTrail Lake as a source: the query is pushed down as SQL (window, event names, key ids, user
// names), rows come back flat, and the graph is built locally. Lake keeps requestParameters and
// responseElements as string maps whose nested objects are JSON text, hence json_extract_scalar.
import {getLakeResults, startLakeQuery, type CloudTrailClient} from '../../aws/cloudtrail.js'
import {InvalidInputError} from '../../errors.js'
import {normalizeRecord, type TrailEvent} from '../event.js'
import {realClock, type Clock} from './rate.js'
import {matchesQuery, type SourceStats, type TrailQuery, type TrailSource} from './types.js'
import type {SourceDef} from './registry.js'

const COLUMNS: [string, string][] = [
  ['eventID', 'eventID'],
  ['eventTime', 'eventTime'],
  ['eventName', 'eventName'],
  ['eventSource', 'eventSource'],
  ['awsRegion', 'awsRegion'],
  ['sourceIPAddress', 'sourceIPAddress'],
  ['userAgent', 'userAgent'],
  ['errorCode', 'errorCode'],
  ['recipientAccountId', 'recipientAccountId'],
  ['sharedEventID', 'sharedEventID'],
  ['uiType', 'userIdentity.type'],
  ['uiArn', 'userIdentity.arn'],
  ['uiPrincipalId', 'userIdentity.principalId'],
  ['uiAccountId', 'userIdentity.accountId'],
  ['uiAccessKeyId', 'userIdentity.accessKeyId'],
  ['uiUserName', 'userIdentity.userName'],
  ['uiInvokedBy', 'userIdentity.invokedBy'],
  ['scCreationDate', 'userIdentity.sessionContext.attributes.creationDate'],
  ['scMfa', 'userIdentity.sessionContext.attributes.mfaAuthenticated'],
  ['scIssuerArn', 'userIdentity.sessionContext.sessionIssuer.arn'],
  ['scIssuerType', 'userIdentity.sessionContext.sessionIssuer.type'],
  ['scSourceIdentity', 'userIdentity.sessionContext.sourceIdentity'],
  ['credKey', "json_extract_scalar(element_at(responseElements, 'credentials'), '$.accessKeyId')"],
  ['credExpiration', "json_extract_scalar(element_at(responseElements, 'credentials'), '$.expiration')"],
  ['aruArn', "coalesce(json_extract_scalar(element_at(responseElements, 'assumedRoleUser'), '$.arn'), json_extract_scalar(element_at(responseElements, 'federatedUser'), '$.arn'))"],
  ['aruId', "coalesce(json_extract_scalar(element_at(responseElements, 'assumedRoleUser'), '$.assumedRoleId'), json_extract_scalar(element_at(responseElements, 'federatedUser'), '$.federatedUserId'))"],
  ['consoleLogin', "element_at(responseElements, 'ConsoleLogin')"],
  ['mfaUsed', "element_at(additionalEventData, 'MFAUsed')"],
  ['switchTo', "element_at(additionalEventData, 'SwitchTo')"],
  ['pRoleArn', "element_at(requestParameters, 'roleArn')"],
  ['pSessionName', "coalesce(element_at(requestParameters, 'roleSessionName'), element_at(requestParameters, 'name'))"],
  ['pPrincipalArn', "element_at(requestParameters, 'principalArn')"],
  ['pSourceIdentity', "element_at(requestParameters, 'sourceIdentity')"],
  ['pAccessKeyId', "element_at(requestParameters, 'accessKeyId')"],
  ['pStatus', "element_at(requestParameters, 'status')"],
  ['pUserName', "element_at(requestParameters, 'userName')"],
  ['pRoleName', "element_at(requestParameters, 'roleName')"],
  ['pPolicyName', "element_at(requestParameters, 'policyName')"],
  ['pPolicyDocument', "element_at(requestParameters, 'policyDocument')"],
]

const SAFE = /^[A-Za-z0-9_.@+=,:/-]+$/

function list(values: string[], what: string): string {
  for (const v of values) if (!SAFE.test(v)) throw new InvalidInputError(`Refusing ${what} '${v}' in a Lake query: unexpected characters`)
  return values.map((v) => `'${v}'`).join(', ')
}

function lakeTime(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, '')
}

/** The SQL for one query against an event data store (id or ARN). Values are checked, not escaped. */
export function lakeSql(eventDataStore: string, q: TrailQuery): string {
  if (!SAFE.test(eventDataStore)) throw new InvalidInputError(`Not an event data store id or ARN: ${eventDataStore}`)
  const eds = eventDataStore.includes('/') ? eventDataStore.slice(eventDataStore.lastIndexOf('/') + 1) : eventDataStore
  const where = [`eventTime >= '${lakeTime(q.start)}'`, `eventTime <= '${lakeTime(q.end)}'`]
  if (q.eventNames) where.push(`eventName IN (${list(q.eventNames, 'event name')})`)
  if (q.accessKeyIds) where.push(`userIdentity.accessKeyId IN (${list(q.accessKeyIds, 'access key id')})`)
  if (q.userNames) where.push(`userIdentity.userName IN (${list(q.userNames, 'user name')})`)
  return `SELECT ${COLUMNS.map(([alias, expr]) => `${expr} AS ${alias}`).join(', ')} FROM ${eds} WHERE ${where.join(' AND ')}`
}

/** A flat Lake row back into the record shape normalizeRecord reads. */
export function lakeRowToRecord(r: Record<string, string>): Record<string, unknown> {
  const v = (k: string) => (r[k] === undefined || r[k] === '' || r[k] === 'null' ? undefined : r[k])
  return {
    eventID: v('eventID'),
    eventTime: v('eventTime')?.replace(' ', 'T').replace(/(\.\d+)?$/, 'Z').replace(/ZZ$/, 'Z'),
    eventName: v('eventName'),
    eventSource: v('eventSource'),
    awsRegion: v('awsRegion'),
    sourceIPAddress: v('sourceIPAddress'),
    userAgent: v('userAgent'),
    errorCode: v('errorCode'),
    recipientAccountId: v('recipientAccountId'),
    sharedEventID: v('sharedEventID'),
    userIdentity: {
      type: v('uiType'),
      arn: v('uiArn'),
      principalId: v('uiPrincipalId'),
      accountId: v('uiAccountId'),
      accessKeyId: v('uiAccessKeyId'),
      userName: v('uiUserName'),
      invokedBy: v('uiInvokedBy'),
      sessionContext: {
        attributes: {creationDate: v('scCreationDate'), mfaAuthenticated: v('scMfa')},
        sessionIssuer: {arn: v('scIssuerArn'), type: v('scIssuerType')},
        sourceIdentity: v('scSourceIdentity'),
      },
    },
    responseElements: {
      credentials: v('credKey') ? {accessKeyId: v('credKey'), expiration: v('credExpiration')} : undefined,
      assumedRoleUser: v('aruArn') ? {arn: v('aruArn'), assumedRoleId: v('aruId')} : undefined,
      ConsoleLogin: v('consoleLogin'),
    },
    additionalEventData: {MFAUsed: v('mfaUsed'), SwitchTo: v('switchTo')},
    requestParameters: {
      roleArn: v('pRoleArn'),
      roleSessionName: v('pSessionName'),
      principalArn: v('pPrincipalArn'),
      sourceIdentity: v('pSourceIdentity'),
      accessKeyId: v('pAccessKeyId'),
      status: v('pStatus'),
      userName: v('pUserName'),
      roleName: v('pRoleName'),
      policyName: v('pPolicyName'),
      policyDocument: v('pPolicyDocument'),
    },
  }
}

export interface LakeSourceOptions {
  eventDataStore: string
  client: CloudTrailClient
  pollMs?: number
  clock?: Clock
}

export class LakeSource implements TrailSource {
  readonly kind = 'lake'
  readonly indexed = true
  private readonly st: SourceStats = {calls: 0, events: 0, files: 0}
  constructor(private readonly opts: LakeSourceOptions) {}

  describe(): string {
    return `CloudTrail Lake event data store ${this.opts.eventDataStore} (${this.st.calls} calls, ${this.st.events} rows)`
  }

  stats(): SourceStats {
    return {...this.st}
  }

  async *events(q: TrailQuery, signal?: AbortSignal): AsyncGenerator<TrailEvent> {
    const {client, eventDataStore} = this.opts
    const clock = this.opts.clock ?? realClock
    this.st.calls++
    const queryId = await startLakeQuery(client, lakeSql(eventDataStore, q), signal)
    let nextToken: string | undefined
    for (;;) {
      this.st.calls++
      const page = await getLakeResults(client, {queryId, eventDataStore, nextToken}, signal)
      if (page.status === 'QUEUED' || page.status === 'RUNNING') {
        await clock.sleep(this.opts.pollMs ?? 1000, signal)
        continue
      }
      if (page.status !== 'FINISHED') throw new Error(`CloudTrail Lake query ${queryId} ${page.status}: ${page.error ?? 'no detail'}`)
      for (const row of page.rows) {
        const e = normalizeRecord(lakeRowToRecord(row))
        if (!e) continue
        this.st.events++
        if (matchesQuery(e, q)) yield e
      }
      if (!page.nextToken) return
      nextToken = page.nextToken
    }
  }
}

/** `--source lake` (or `--lake ID`): a CloudTrail Lake event data store, queried in SQL. */
export const lakeSource: SourceDef = {
  kind: 'lake',
  summary: 'CloudTrail Lake SQL over an event data store (closed to new customers since 2026-05-31).',
  flags: {lake: {description: 'CloudTrail Lake event data store id or ARN.'}},
  permissions: ['cloudtrail:StartQuery', 'cloudtrail:GetQueryResults'],
  impliedBy: (v) => typeof v.lake === 'string' && v.path === undefined,
  open(v, env) {
    const lake = v.lake as string | undefined
    if (!lake) throw new InvalidInputError('--source lake needs --lake <event data store id or ARN>', [], {next: 'aws cloudtrail list-event-data-stores'})
    const regions = v.regions as string[] | undefined
    return new LakeSource({eventDataStore: lake, client: env.clients().cloudtrail(regions?.[0])})
  },
}
