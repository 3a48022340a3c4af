// Pure renderers: a ForensicReport in, text out. Formats are listed once, here.
import {renderCsv} from './csv.js'
import {renderHtml} from './html.js'
import {renderMarkdown} from './markdown.js'
import type {ForensicReport} from './types.js'

export const REPORT_FORMATS = ['md', 'html', 'json', 'csv'] as const
export type ReportFormat = (typeof REPORT_FORMATS)[number]

export function renderJson(r: ForensicReport): string {
  return `${JSON.stringify(r, null, 2)}\n`
}

export function renderReport(r: ForensicReport, format: ReportFormat): string {
  switch (format) {
    case 'md':
      return renderMarkdown(r)
    case 'html':
      return renderHtml(r)
    case 'json':
      return renderJson(r)
    case 'csv':
      return renderCsv(r)
  }
}

/** The format a file name implies (`.md`, `.html`, `.json`, `.csv`), if any. */
export function formatOfPath(path: string): ReportFormat | undefined {
  const m = /\.(md|markdown|html?|json|csv)$/i.exec(path)
  if (!m) return undefined
  const ext = m[1].toLowerCase()
  return ext === 'markdown' ? 'md' : ext.startsWith('htm') ? 'html' : (ext as ReportFormat)
}

export {renderCsv, renderHtml, renderMarkdown}
export {renderTree} from './tree.js'
export type * from './types.js'
