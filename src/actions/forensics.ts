// `action: forensics`: a read-only playbook step that writes the session report from LookupEvents, e.g.
// once before a revoke (who is in) and once after (the AccessDenied that proves containment).
import {mkdir, writeFile} from 'node:fs/promises'
import {dirname} from 'node:path'

import {z} from 'zod'

import {parseTimeArg} from '../forensics/time-window.js'
import {timeText} from '../playbook/time.js'
import {formatOfPath, REPORT_FORMATS, type ReportFormat} from '../report/formats.js'
import type {AccountEntry} from '../forensics/sources/accounts.js'
import type {Action, Applied, Change, Ctx, StepPlan} from './types.js'

/**
 * The accounts this step reads: the `accounts:` it names, out of the run's scope; an account named but
 * not in the scope is a gap with that reason, not a silent omission. Undefined: the step's account alone.
 */
export function accountsToRead(p: {accounts?: string[]}, ctx: Ctx): AccountEntry[] | undefined {
  if (!p.accounts && !ctx.accounts) return undefined
  const scope = ctx.accounts ?? [{id: ctx.caller.account, clients: ctx.clients}]
  const ids = p.accounts ? [...new Set(p.accounts.map((a) => (a === 'current' ? ctx.caller.account : a)))] : scope.map((a) => a.id)
  return ids.map((id) => {
    const a = scope.find((s) => s.id === id)
    if (!a) return {id, unreachable: "not in the playbook's accounts: (the run did not enter it); add it there"}
    const clients = a.clients
    return {id, name: a.name, ...(clients ? {cloudtrail: (r: string) => clients.cloudtrail(r)} : {unreachable: a.unreachable ?? 'not entered'})}
  })
}

const params = z
  .object({
    since: timeText.describe('Start of the window: a duration back from now (48h) or an ISO time.'),
    until: timeText.optional().describe('End of the window; default: the moment the step runs.'),
    roles: z.array(z.string().min(1)).optional().describe('Role ARN or name globs to keep, with their chains.'),
    principals: z.array(z.string().min(1)).optional().describe('User/principal ARN or name globs to keep.'),
    accessKeys: z.array(z.string().regex(/^(AKIA|ASIA)[A-Z0-9]{4,}$/)).optional().describe('Access key ids to keep.'),
    regions: z.array(z.string().min(1)).optional().describe('Regions to read LookupEvents in; default: the playbook region.'),
    accounts: z
      .array(z.union([z.literal('current'), z.string().regex(/^\d{12}$/, 'expected a 12-digit account id or "current"')]))
      .min(1)
      .optional()
      .describe("Accounts to read, side by side (chains are joined across them); default: every account of the playbook's accounts:."),
    includeService: z.boolean().optional().describe('Keep sessions AWS services assumed for themselves.'),
    report: z.string().min(1).default('reports/${incident}.md').describe('File to write; ${incident}, ${runId} and ${account} are filled in.'),
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
  const path = p.report.replaceAll('${incident}', ctx.incident ?? ctx.runId).replaceAll('${runId}', ctx.runId).replaceAll('${account}', ctx.account.id)
  // Planned once per account (an engine that does not hand this step the run's accounts): a member
  // account's report must not overwrite the caller account's under the same name.
  if (ctx.accounts || p.report.includes('${account}') || ctx.account.id === ctx.caller.account) return path
  const dot = path.lastIndexOf('.')
  return dot > path.lastIndexOf('/') ? `${path.slice(0, dot)}-${ctx.account.id}${path.slice(dot)}` : `${path}-${ctx.account.id}`
}

export const forensicsAction: Action<ForensicsParams, ForensicsData> = {
  name: 'forensics',
  summary: 'Rebuild from CloudTrail who assumed which role, from where and what each session did; write the report.',
  params: params as unknown as z.ZodType<ForensicsParams>,
  permissions: ['cloudtrail:LookupEvents'],
  readOnly: true,
  // One report over every account of the run: a chain from dev into prod is one chain, not two files.
  scope: 'run',
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
    const accounts = accountsToRead(p, ctx)
    const filters = [
      accounts && `accounts ${accounts.map((a) => a.id).join(', ')}`,
      p.roles?.length && `roles ${p.roles.join(', ')}`,
      p.principals?.length && `principals ${p.principals.join(', ')}`,
    ]
      .filter(Boolean)
      .join('; ')
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
    const [{collectReport}, {LookupSource}, {AccountsLookupSource}, {renderReport}] = await Promise.all([
      import('../forensics/collect.js'),
      import('../forensics/sources/lookup.js'),
      import('../forensics/sources/accounts.js'),
      import('../report/index.js'),
    ])
    const regions = data.params.regions?.length ? data.params.regions : [ctx.clients.region]
    const accounts = accountsToRead(data.params, ctx)
    const source = accounts ? new AccountsLookupSource({accounts, regions}) : new LookupSource({regions, client: (r) => ctx.clients.cloudtrail(r)})
    ctx.log(`LookupEvents in ${accounts ? `${accounts.length} account(s) × ` : ''}${regions.join(', ')}`)
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
      result: {
        path: data.path,
        sessions: report.summary.sessions,
        flags: report.summary.flags,
        calls: report.source.calls,
        ...(report.coverage ? {accounts: report.coverage.covered.map((c) => c.account), unreached: report.coverage.unreached} : {}),
      },
    }
  },
}
