// CloudTrail Lake: the simulator has no Lake, so this is the rare unit that uses aws-sdk-client-mock.
import {CloudTrailClient, GetQueryResultsCommand, StartQueryCommand} from '@aws-sdk/client-cloudtrail'
import {mockClient} from 'aws-sdk-client-mock'
import {describe, expect, it} from 'vitest'

import {collectReport, LakeSource, lakeSql} from '../../src/forensics/index.js'
import {InvalidInputError} from '../../src/errors.js'

const WINDOW = {start: new Date('2024-07-30T00:00:00Z'), end: new Date('2024-07-31T00:00:00Z')}
const row = (o: Record<string, string>) => Object.entries(o).map(([k, v]) => ({[k]: v}))

describe('CloudTrail Lake source', () => {
  it('pushes the window, event names and keys down into the SQL', () => {
    const sql = lakeSql('arn:aws:cloudtrail:us-east-1:111122223333:eventdatastore/eds-1', {
      start: WINDOW.start.getTime(),
      end: WINDOW.end.getTime(),
      eventNames: ['AssumeRole', 'ConsoleLogin'],
      accessKeyIds: ['ASIAONE'],
    })
    expect(sql).toContain("FROM eds-1 WHERE eventTime >= '2024-07-30 00:00:00' AND eventTime <= '2024-07-31 00:00:00'")
    expect(sql).toContain("eventName IN ('AssumeRole', 'ConsoleLogin')")
    expect(sql).toContain("userIdentity.accessKeyId IN ('ASIAONE')")
    expect(() => lakeSql('eds-1', {start: 0, end: 1, accessKeyIds: ["x' OR 1=1 --"]})).toThrow(InvalidInputError)
  })

  it('runs two rounds of queries, polls until FINISHED and builds sessions from the rows', async () => {
    const ct = mockClient(CloudTrailClient)
    const sqls: string[] = []
    ct.on(StartQueryCommand).callsFake((input) => {
      sqls.push(input.QueryStatement)
      return {QueryId: `q${sqls.length}`}
    })
    let polls = 0
    ct.on(GetQueryResultsCommand).callsFake((input) => {
      if (input.QueryId === 'q1') {
        if (polls++ === 0) return {QueryStatus: 'RUNNING'}
        return {
          QueryStatus: 'FINISHED',
          QueryResultRows: [
            row({eventID: 'i1', eventTime: '2024-07-30 21:31:15.000', eventName: 'AssumeRole', eventSource: 'sts.amazonaws.com', awsRegion: 'us-east-1', sourceIPAddress: '192.0.2.10',
              uiType: 'IAMUser', uiArn: 'arn:aws:iam::111122223333:user/bob', uiAccessKeyId: 'AKIABOB', credKey: 'ASIAONE', credExpiration: '2024-07-30T22:31:15Z',
              aruArn: 'arn:aws:sts::111122223333:assumed-role/ops/bob', pRoleArn: 'arn:aws:iam::111122223333:role/ops', pSessionName: 'bob'}),
          ],
        }
      }
      return {
        QueryStatus: 'FINISHED',
        QueryResultRows: [
          row({eventID: 'u1', eventTime: '2024-07-30 21:40:00.000', eventName: 'CreateAccessKey', eventSource: 'iam.amazonaws.com', awsRegion: 'us-east-1', sourceIPAddress: '203.0.113.5',
            uiType: 'AssumedRole', uiArn: 'arn:aws:sts::111122223333:assumed-role/ops/bob', uiAccessKeyId: 'ASIAONE', scCreationDate: '2024-07-30T21:31:15Z', pUserName: 'backdoor'}),
        ],
      }
    })
    const source = new LakeSource({eventDataStore: 'eds-1', client: ct as unknown as CloudTrailClient, pollMs: 0})
    const r = await collectReport(source, {window: WINDOW})
    ct.restore()

    expect(sqls).toHaveLength(2)
    expect(sqls[0]).toContain("eventName IN ('AssumeRole'")
    // The session key, and the long-term key that issued it (what the leaked key did itself).
    expect(sqls[1]).toContain("userIdentity.accessKeyId IN ('ASIAONE', 'AKIABOB')")
    expect(r.source.calls).toBe(5) // 2 StartQuery + 3 GetQueryResults (one RUNNING poll)
    const s = r.sessions[0]
    expect(s).toMatchObject({arn: 'arn:aws:sts::111122223333:assumed-role/ops/bob', principal: 'arn:aws:iam::111122223333:role/ops', issuedAt: '2024-07-30T21:31:15.000Z'})
    expect(s.activity.byName).toEqual({CreateAccessKey: 1})
    expect(s.flags).toEqual(expect.arrayContaining(['ip-change', 'long-term-key']))
    expect(r.flags.find((f) => f.kind === 'persistence')!.detail).toContain('CreateAccessKey on user/backdoor')
  })
})
