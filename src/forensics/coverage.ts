// What a fan-out across accounts read and could not read goes into the report itself: the header names
// both (report/chains.ts scopeLine), and each account or region not read opens the gaps, so a report
// with a hole in it never reads as a clean "nothing happened there".
import type {ForensicReport} from '../report/types.js'
import {unreachedText} from './sources/accounts.js'
import type {TrailSource} from './sources/types.js'

export function withCoverage(report: ForensicReport, source: TrailSource): ForensicReport {
  const coverage = source.coverage?.()
  if (!coverage) return report
  report.coverage = coverage
  report.gaps.unshift(...coverage.unreached.map((u) => `Not read: ${unreachedText(u)}. Its events are missing from this report.`))
  return report
}
