// Splitting the files across worker threads must not change the answer: same sessions, flags, timeline.
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {collectReport, FileSource} from '../../src/forensics/index.js'
import {ALL_TIME, FIXTURES} from './helpers.js'

describe('parallel file scan', () => {
  it('gives the same report with 2 workers as on one thread (35 stratus files, services included)', async () => {
    const opts = {window: ALL_TIME, includeService: true, now: new Date('2024-01-01T00:00:00Z')}
    const one = await collectReport(new FileSource(join(FIXTURES, 'stratus-red-team')), opts)
    const two = await collectReport(new FileSource(join(FIXTURES, 'stratus-red-team')), {...opts, workers: 2})
    expect(two.source.description).toContain('2 workers')
    expect(two.sessions).toEqual(one.sessions)
    expect(two.flags).toEqual(one.flags)
    expect(two.timeline).toEqual(one.timeline)
    expect(two.summary).toEqual(one.summary)
  })
})
