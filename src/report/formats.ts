// The report formats and which one a file name implies: what a playbook is validated against, kept apart
// from the renderers so that validating one does not load them.
export const REPORT_FORMATS = ['md', 'html', 'json', 'csv'] as const
export type ReportFormat = (typeof REPORT_FORMATS)[number]

/** The format a file name implies (`.md`, `.html`, `.json`, `.csv`), if any. */
export function formatOfPath(path: string): ReportFormat | undefined {
  const m = /\.(md|markdown|html?|json|csv)$/i.exec(path)
  if (!m) return undefined
  const ext = m[1].toLowerCase()
  return ext === 'markdown' ? 'md' : ext.startsWith('htm') ? 'html' : (ext as ReportFormat)
}
