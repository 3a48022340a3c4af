// `action: forensics`: a read-only playbook step that writes the session report from LookupEvents, e.g.
// once before a revoke (who is in) and once after (the AccessDenied that proves containment).
import {mkdir, writeFile} from 'node:fs/promises'
import {dirname} from 'node:path'

import {z} from 'zod'

import {parseTimeArg} from '../forensics/time-window.js'
import {timeText} from '../playbook/time.js'
import {formatOfPath, REPORT_FORMATS, type ReportFormat} from '../report/formats.js'
import type {Action, Applied, Change, Ctx, StepPlan} from './types.js'

const params = z
  .object({
    since: timeText.describe('Start of the window: a duration back from now (48h) or an ISO time.'),
    until: timeText.optional().describe('End of the window; default: the moment the step runs.'),
    roles: z.array(z.string().min(1)).optional().describe('Role ARN or name globs to keep, with their chains.'),
    principals: z.array(z.string().min(1)).optional().describe('User/principal ARN or name globs to keep.'),
    accessKeys: z.array(z.string().regex(/^(AKIA|ASIA)[A-Z0-9]{4,}$/)).optional().describe('Access key ids to keep.'),
    regions: z.array(z.string().min(1)).optional().describe('Regions to read LookupEvents in; default: the playbook region.'),
    includeService: z.boolean().optional().describe('Keep sessions AWS services assumed for themselves.'),
    report: z.string().min(1).default('reports/${incident}.md').describe('File to write; ${incident} and ${runId} are filled in.'),
    format: z.enum(REPORT_FORMATS).optional().describe('md, html, json or csv; default: from the file extension.'),
  })
  .strict()

export type ForensicsParams = z.infer<typeof params>

interface ForensicsData {
  path: string
  format: ReportFormat
  start: string
  /** Absent: the window ends when apply runs, so a report after a revoke sees the denials. */
  end?: string
  params: ForensicsParams
}

function reportPath(p: ForensicsParams, ctx: Ctx): string {
  return p.report.replaceAll('${incident}', ctx.incident ?? ctx.runId).replaceAll('${runId}', ctx.runId)
}

export const forensicsAction: Action<ForensicsParams, ForensicsData> = {
  name: 'forensics',
  summary: 'Rebuild from CloudTrail who assumed which role, from where and what each session did; write the report.',
  params: params as unknown as z.ZodType<ForensicsParams>,
  permissions: ['cloudtrail:LookupEvents'],
  readOnly: true,
  writes: (p) => [{field: 'report', path: p.report}],
  example: `- id: evidence
  action: forensics
  with:
    since: 48h
    roles: ["app-*"]
    report: "reports/\${incident}.md"
`,

  async plan(p: ForensicsParams, ctx: Ctx): Promise<StepPlan<ForensicsData>> {
    const now = ctx.now()
    const start = parseTimeArg(p.since, now, 'since').toISOString()
    const end = p.until ? parseTimeArg(p.until, now, 'until').toISOString() : undefined
    const path = reportPath(p, ctx)
    const format = p.format ?? formatOfPath(path) ?? 'md'
    const filters = [p.roles?.length && `roles ${p.roles.join(', ')}`, p.principals?.length && `principals ${p.principals.join(', ')}`].filter(Boolean).join('; ')
    const change: Change<ForensicsData> = {
      target: `file:${path}`,
      principal: '',
      summary: `write ${format} forensics report ${path} (LookupEvents ${start} → ${end ?? 'step time'}${filters ? `; ${filters}` : ''})`,
      before: null,
      after: {path, format},
      data: {path, format, start, end, params: p},
    }
    return {changes: [change], skipped: [], notes: ['Read-only: LookupEvents only; the report file is the one thing written.']}
  },

  async apply(c: Change<ForensicsData>, ctx: Ctx): Promise<Applied<ForensicsData>> {
    const {data} = c
    // The collector, its sources and the renderers load only when the step runs: validating or planning a
    // playbook (and every other command) does not pay for them.
    const [{collectReport}, {LookupSource}, {renderReport}] = await Promise.all([
      import('../forensics/collect.js'),
      import('../forensics/sources/lookup.js'),
      import('../report/index.js'),
    ])
    const regions = data.params.regions?.length ? data.params.regions : [ctx.clients.region]
    const source = new LookupSource({regions, client: (r) => ctx.clients.cloudtrail(r)})
    ctx.log(`LookupEvents in ${regions.join(', ')}`)
    const report = await collectReport(source, {
      window: {start: new Date(data.start), end: data.end ? new Date(data.end) : ctx.now()},
      roles: data.params.roles,
      principals: data.params.principals,
      accessKeys: data.params.accessKeys,
      includeService: data.params.includeService,
      title: `Forensics${ctx.incident ? ` for ${ctx.incident}` : ''} (run ${ctx.runId}, step ${ctx.step.id})`,
      now: ctx.now(),
      signal: ctx.signal,
    })
    await mkdir(dirname(data.path), {recursive: true})
    await writeFile(data.path, renderReport(report, data.format))
    ctx.log(`${report.summary.sessions} sessions, ${report.summary.flags} flags, ${report.source.calls} calls → ${data.path}`)
    return {
      ...c,
      appliedAt: ctx.now().toISOString(),
      result: {path: data.path, sessions: report.summary.sessions, flags: report.summary.flags, calls: report.source.calls},
    }
  },
}
