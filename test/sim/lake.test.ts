// CloudTrail Lake subset: the SQL shape lockdown's forensics pushes down, answered from the trail.
import {GetQueryResultsCommand, StartQueryCommand} from '@aws-sdk/client-cloudtrail'
import {AssumeRoleCommand, GetCallerIdentityCommand} from '@aws-sdk/client-sts'
import {describe, expect, it} from 'vitest'

import {useSim} from '../support/sim.js'

const ACCT = '111122223333'

describe('CloudTrail Lake queries', async () => {
  const sim = await useSim({scenario: 'playbooks/scenarios/demo-account.yaml'})
  const ci = sim.clientsAs(sim.credentialsFor('ci-deploy'))
  const r = await ci.sts.send(new AssumeRoleCommand({RoleArn: `arn:aws:iam::${ACCT}:role/app-web`, RoleSessionName: 'lake-1', SourceIdentity: 'dev'}))
  await sim.clientsAs({accessKeyId: r.Credentials!.AccessKeyId!, secretAccessKey: r.Credentials!.SecretAccessKey!, sessionToken: r.Credentials!.SessionToken!}).sts.send(new GetCallerIdentityCommand({}))
  const ct = sim.clients.cloudtrail()
  const t = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, '')

  async function query(sql: string) {
    const {QueryId} = await ct.send(new StartQueryCommand({QueryStatement: sql}))
    const out = await ct.send(new GetQueryResultsCommand({QueryId}))
    expect(out.QueryStatus).toBe('FINISHED')
    return (out.QueryResultRows ?? []).map((cols) => Object.assign({}, ...cols) as Record<string, string>)
  }

  it('answers the forensics SELECT with element_at, json_extract_scalar, coalesce, time window and IN', async () => {
    const rows = await query(
      `SELECT eventID AS eventID, eventTime AS eventTime, eventName AS eventName, userIdentity.accessKeyId AS uiAccessKeyId, ` +
        `userIdentity.sessionContext.sourceIdentity AS scSourceIdentity, ` +
        `json_extract_scalar(element_at(responseElements, 'credentials'), '$.accessKeyId') AS credKey, ` +
        `coalesce(json_extract_scalar(element_at(responseElements, 'assumedRoleUser'), '$.arn'), json_extract_scalar(element_at(responseElements, 'federatedUser'), '$.arn')) AS aruArn, ` +
        `element_at(requestParameters, 'roleSessionName') AS pSessionName ` +
        `FROM 11112222-eds WHERE eventTime >= '${t(Date.now() - 60_000)}' AND eventTime <= '${t(Date.now() + 60_000)}' AND eventName IN ('AssumeRole', 'GetCallerIdentity')`,
    )
    const assume = rows.find((x) => x.eventName === 'AssumeRole')!
    expect(assume).toMatchObject({uiAccessKeyId: 'AKIASIMCIDEPLOY00001', credKey: r.Credentials!.AccessKeyId, aruArn: r.AssumedRoleUser!.Arn, pSessionName: 'lake-1'})
    expect(assume.eventTime).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.000$/)
    const used = rows.find((x) => x.eventName === 'GetCallerIdentity' && x.uiAccessKeyId === r.Credentials!.AccessKeyId)!
    expect(used.scSourceIdentity).toBe('dev')
    expect(used.credKey).toBeUndefined()
    expect(await query(`SELECT eventName FROM eds WHERE eventTime < '${t(Date.now() - 3600_000)}'`)).toEqual([])
  })

  it('orders, limits and rejects what it cannot parse', async () => {
    const rows = await query(`SELECT eventName AS n, eventTime AS t FROM eds WHERE userIdentity.userName = 'ci-deploy' ORDER BY t DESC LIMIT 1`)
    expect(rows).toHaveLength(1)
    await expect(ct.send(new StartQueryCommand({QueryStatement: 'DELETE FROM eds'}))).rejects.toMatchObject({name: 'InvalidQueryStatementException'})
    await expect(ct.send(new GetQueryResultsCommand({QueryId: 'nope'}))).rejects.toMatchObject({name: 'QueryIdNotFoundException'})
  })
})
