// The timeline is for people: at most 2,000 entries, the earliest, in time order, the rest counted. A
// 100k-session trail makes hundreds of thousands of candidate entries; which 2,000 are kept must not
// depend on the order the calls arrive in (they are cut back while being made, graph/timeline.ts).
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {collectReport, FileSource} from '../../src/forensics/index.js'
import {ALL_TIME} from './helpers.js'

const SESSIONS = 5000
const T0 = Date.parse('2024-05-01T00:00:00Z')

/** Session i: one call at T0 + i seconds from its own IP, so it adds exactly one timeline entry (its first call). */
function call(i: number): Record<string, unknown> {
  const at = new Date(T0 + i * 1000).toISOString().replace('.000', '')
  const arn = `arn:aws:sts::111122223333:assumed-role/app/s${i}`
  return {
    eventVersion: '1.08', eventID: `cap-${i}`, eventTime: at, eventName: 'ListBuckets', eventSource: 's3.amazonaws.com', awsRegion: 'us-east-1',
    sourceIPAddress: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, userAgent: 'aws-cli/2.15', recipientAccountId: '111122223333',
    userIdentity: {type: 'AssumedRole', principalId: `AROAAPP:s${i}`, arn, accountId: '111122223333', accessKeyId: `ASIACAP${String(i).padStart(9, '0')}`, sessionContext: {attributes: {creationDate: at, mfaAuthenticated: 'false'}, sessionIssuer: {type: 'Role', arn: 'arn:aws:iam::111122223333:role/app', accountId: '111122223333', userName: 'app'}}},
  }
}

describe('timeline cap', () => {
  it('keeps the 2,000 earliest entries in time order whatever order the calls arrive in, and counts the rest', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lockdown-cap-'))
    // Latest first, in files of 250: the earliest entries arrive last.
    const recs = Array.from({length: SESSIONS}, (_, i) => call(SESSIONS - 1 - i))
    for (let k = 0; k < recs.length; k += 250) writeFileSync(join(dir, `f${String(k).padStart(5, '0')}.json`), JSON.stringify({Records: recs.slice(k, k + 250)}))
    const r = await collectReport(new FileSource(dir), {window: ALL_TIME, includeService: true})
    expect(r.summary.sessions).toBe(SESSIONS)
    const firstCalls = r.timeline.filter((t) => t.kind === 'first-ip')
    expect(r.timeline).toHaveLength(2000)
    expect(firstCalls).toHaveLength(2000)
    expect(r.timelineDropped).toBe(SESSIONS - 2000)
    expect(firstCalls.map((t) => t.at)).toEqual(Array.from({length: 2000}, (_, i) => new Date(T0 + i * 1000).toISOString()))
  })
})
