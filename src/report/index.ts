// Pure renderers: a ForensicReport in, text out. Formats are listed once, here.
import {renderCsv} from './csv.js'
import {renderHtml} from './html.js'
import {renderMarkdown} from './markdown.js'
import type {ReportFormat} from './formats.js'
import type {ForensicReport} from './types.js'

export {formatOfPath, REPORT_FORMATS, type ReportFormat} from './formats.js'

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

export {renderCsv, renderHtml, renderMarkdown}
export {renderTree} from './tree.js'
export type * from './types.js'
