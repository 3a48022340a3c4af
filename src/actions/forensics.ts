// `action: forensics`: a read-only playbook step that writes the session report from LookupEvents (or the
// trail bucket in S3, or Athena over it: `source:`), e.g. once before a revoke (who is in) and once after
// (the AccessDenied that proves containment).
import {mkdir, writeFile} from 'node:fs/promises'
import {dirname} from 'node:path'

import {z} from 'zod'

import {parseTimeArg} from '../forensics/time-window.js'
import {timeText} from '../playbook/time.js'
import {formatOfPath, REPORT_FORMATS, type ReportFormat} from '../report/formats.js'
import type {AccountEntry} from '../forensics/sources/accounts.js'
import {sourceGrants} from '../forensics/sources/grants.js'
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

const SIZE = /^\s*\d+(?:\.\d+)?\s*(B|KB|MB|GB|TB|PB|KIB|MIB|GIB|TIB|PIB)?\s*$/i
const size = z.string().regex(SIZE, 'expected a size such as 500MB, 20GB or 1TB')
const s3Url = z.string().regex(/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/, 'expected s3://bucket or s3://bucket/prefix (the prefix that holds AWSLogs/)')

/**
 * Where the events come from: the CLI's `--source` and its flags, as one object. Exactly one of
 * `lookup: true` (the default), `s3:` (the trail bucket, `maxBytes` = `--max-bytes`) or `athena:`
 * (`--table`, `--workgroup`, `--athena-output`, `--max-scan`). Opened through the source registry.
 */
const sourceParam = z
  .object({
    lookup: z.literal(true).optional().describe('LookupEvents in each account and region (the default).'),
    s3: s3Url.optional().describe('The CloudTrail bucket read in place: s3://bucket/prefix (the prefix that holds AWSLogs/).'),
    maxBytes: size.optional().describe('With s3: refuse (exit 3) before reading when the listed objects are bigger than this (--max-bytes).'),
    athena: z
      .object({
        table: z.string().regex(/^[A-Za-z0-9_]+\.[A-Za-z0-9_]+$/, 'expected database.table (lockdown trail athena setup creates it)').describe('Athena table over the trail bucket, database.table (--table).'),
        workgroup: z.string().regex(/^[A-Za-z0-9._-]{1,128}$/, 'expected an Athena workgroup name').optional().describe('Workgroup to run in (default primary; --workgroup).'),
        output: s3Url.optional().describe('Where Athena writes results when the workgroup sets none (--athena-output).'),
        maxScan: size.optional().describe('Most one query may scan, held by the workgroup cutoff (--max-scan).'),
      })
      .strict()
      .optional()
      .describe('Athena SQL over the trail bucket: months of an organization, billed by bytes scanned.'),
  })
  .strict()
  .superRefine((v, ctx) => {
    const kinds = (['lookup', 's3', 'athena'] as const).filter((k) => v[k] !== undefined)
    if (kinds.length !== 1) ctx.addIssue({code: 'custom', message: `expected exactly one of lookup: true, s3: s3://bucket/prefix or athena: {table: db.table}${kinds.length ? ` (${kinds.join(' and ')} given)` : ''}`})
    if (v.maxBytes !== undefined && v.s3 === undefined) ctx.addIssue({code: 'custom', path: ['maxBytes'], message: 'maxBytes limits an s3: read; with athena: use athena.maxScan'})
  })

export type ForensicsSource = z.infer<typeof sourceParam>

/** The source's kind and its values keyed as the CLI flags are (what the registry's `open` and `grants` read). */
export function sourceValues(src: ForensicsSource | undefined): {kind: string; values: Record<string, unknown>} {
  if (src?.s3 !== undefined) return {kind: 's3', values: {path: src.s3, ...(src.maxBytes ? {'max-bytes': src.maxBytes} : {})}}
  if (src?.athena) {
    const a = src.athena
    return {kind: 'athena', values: {table: a.table, ...(a.workgroup ? {workgroup: a.workgroup} : {}), ...(a.output ? {'athena-output': a.output} : {}), ...(a.maxScan ? {'max-scan': a.maxScan} : {})}}
  }
  return {kind: 'lookup', values: {}}
}

const params = z
  .object({
    since: timeText.describe('Start of the window: a duration back from now (48h) or an ISO time.'),
    until: timeText.optional().describe('End of the window; default: the moment the step runs.'),
    roles: z.array(z.string().min(1)).optional().describe('Role ARN or name globs to keep, with their chains.'),
    principals: z.array(z.string().min(1)).optional().describe('User/principal ARN or name globs to keep.'),
    accessKeys: z.array(z.string().regex(/^(AKIA|ASIA)[A-Z0-9]{4,}$/)).optional().describe('Access key ids to keep.'),
    regions: z.array(z.string().min(1)).optional().describe('Regions to read; default: the playbook region for LookupEvents, every region the bucket or table holds for s3 and athena.'),
    accounts: z
      .array(z.union([z.literal('current'), z.string().regex(/^\d{12}$/, 'expected a 12-digit account id or "current"')]))
      .min(1)
      .optional()
      .describe("Accounts to read, side by side (chains are joined across them); default: every account of the playbook's accounts:."),
    source: sourceParam.optional().describe('Where events come from: {lookup: true} (default), {s3: "s3://bucket/prefix", maxBytes?} or {athena: {table: db.table, workgroup?, output?, maxScan?}}.'),
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

/** The step's source as written: validated, or (variables still pending) read loosely for its kind and names. */
function sourceOf(p: unknown): ForensicsSource | undefined {
  const raw = (p as {source?: unknown} | undefined)?.source
  if (raw === undefined) return undefined
  const parsed = sourceParam.safeParse(raw)
  if (parsed.success) return parsed.data
  const o = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>
  const a = (o.athena && typeof o.athena === 'object' ? o.athena : undefined) as Record<string, unknown> | undefined
  if (typeof o.s3 === 'string') return {s3: o.s3}
  if (a) return {athena: {table: String(a.table ?? ''), ...(typeof a.workgroup === 'string' ? {workgroup: a.workgroup} : {}), ...(typeof a.output === 'string' ? {output: a.output} : {}), ...(typeof a.maxScan === 'string' ? {maxScan: a.maxScan} : {})}}
  return undefined
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
  // What the chosen source needs, on the bucket / table / workgroup the step names (the source registry's grants).
  permissionsFor(p, where) {
    const {kind, values} = sourceValues(sourceOf(p))
    return sourceGrants(kind, values, where) ?? [{actions: forensicsAction.permissions, resources: ['*']}]
  },
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
    const {kind} = sourceValues(p.source)
    const from = kind === 's3' ? `S3 ${p.source!.s3}` : kind === 'athena' ? `Athena ${p.source!.athena!.table}` : 'LookupEvents'
    const change: Change<ForensicsData> = {
      target: `file:${path}`,
      principal: '',
      summary: `write ${format} forensics report ${path} (${from} ${start} → ${end ?? 'step time'}${filters ? `; ${filters}` : ''})`,
      before: null,
      after: {path, format},
      data: {path, format, start, end, params: p},
    }
    // What no policy can name: the key an encrypted trail's objects (or Athena's results) are sealed with.
    const kms = kind === 'lookup' ? [] : [`${kind === 's3' ? 'SSE-KMS encrypted trail objects need' : 'SSE-KMS encrypted trail objects or results need'} kms:Decrypt on their key as well (lockdown permissions prints the rest).`]
    return {changes: [change], skipped: [], notes: [`Read-only: ${from} only; the report file is the one thing written.`, ...kms]}
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
    const accounts = accountsToRead(data.params, ctx)
    const {kind, values} = sourceValues(data.params.source)
    let source
    if (kind === 'lookup') {
      const regions = data.params.regions?.length ? data.params.regions : [ctx.clients.region]
      source = accounts ? new AccountsLookupSource({accounts, regions}) : new LookupSource({regions, client: (r) => ctx.clients.cloudtrail(r)})
      ctx.log(`LookupEvents in ${accounts ? `${accounts.length} account(s) × ` : ''}${regions.join(', ')}`)
    } else {
      // A bucket or a table holds every account: it is read once, from this account, for the accounts in
      // question (an account the run could not enter is still in the bucket). The CLI's path, not a second one.
      const ids = accounts ? accounts.map((a) => a.id) : [ctx.account.id]
      const {findSource} = await import('../forensics/sources/registry.js')
      source = findSource(kind)!.open({...values, accounts: ids, ...(data.params.regions?.length ? {regions: data.params.regions} : {})}, {clients: () => ctx.clients})
      ctx.log(`${kind === 's3' ? `S3 ${values.path}` : `Athena ${values.table}`} for account(s) ${ids.join(', ')}`)
    }
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
