// What reading the files found that is not an event: records that cannot be read (and why), records whose
// time came from a wrapper field, files that could not be read to their end. Counted per file, in the
// order files sort (so workers and file order do not change the wording), and said three ways: in the
// report's gaps, on stderr, and as exit 2 when nothing readable is left.
export type Note = {count: number; line: number}

/** One file's findings. `error` means the file stopped early (corrupt or truncated gzip, over the size cap). */
export interface FileFindings {
  file: string
  records: number
  events: number
  unreadable: Record<string, Note>
  timeFrom: Record<string, Note>
  noIdentity?: Note
  error?: string
}

export function newFindings(file: string): FileFindings {
  return {file, records: 0, events: 0, unreadable: {}, timeFrom: {}}
}

export function note(into: Record<string, Note>, what: string, line: number): void {
  const n = into[what]
  if (n) n.count++
  else into[what] = {count: 1, line}
}

export interface InputReport {
  files: number
  /** Files with something to say, sorted by name. */
  findings: FileFindings[]
  /** Files that held any bytes other than whitespace: an empty directory of empty files is not an error. */
  nonEmpty: number
  events: number
}

export function inputReport(files: number, all: FileFindings[], nonEmpty: number): InputReport {
  const findings = all.filter((f) => f.error || f.noIdentity || Object.keys(f.unreadable).length || Object.keys(f.timeFrom).length).sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0))
  return {files, findings, nonEmpty, events: all.reduce((n, f) => n + f.events, 0)}
}

const MAX_NAMED = 20

/** The lines a person reads: one per failed file (the first 20 by name), one per kind of unreadable record. */
export function describeInput(r: InputReport): string[] {
  const out: string[] = []
  const failed = r.findings.filter((f) => f.error)
  for (const f of failed.slice(0, MAX_NAMED)) out.push(`${f.file}: ${f.error}${f.records ? ` (${f.records} records before that point were read)` : ''}`)
  if (failed.length > MAX_NAMED) out.push(`… and ${failed.length - MAX_NAMED} more files that could not be read to their end`)
  const byKind = (pick: (f: FileFindings) => Record<string, Note>, say: (what: string, count: number) => string) => {
    const kinds = [...new Set(r.findings.flatMap((f) => Object.keys(pick(f))))].sort()
    for (const k of kinds) {
      const with_ = r.findings.filter((f) => pick(f)[k])
      const count = with_.reduce((n, f) => n + pick(f)[k].count, 0)
      const first = with_[0]
      out.push(`${with_.length} of ${r.files} files: ${say(k, count)}; first at line ${pick(first)[k].line} of ${first.file}`)
    }
  }
  byKind((f) => f.unreadable, (why, n) => `${n} record${n === 1 ? '' : 's'} ${why}`)
  byKind((f) => f.timeFrom, (field, n) => `${n} record${n === 1 ? '' : 's'} without eventTime read with their ${field} (a wrapper's time, which may differ from the call's)`)
  byKind((f) => (f.noIdentity ? {x: f.noIdentity} : ({} as Record<string, Note>)), (_, n) => `${n} record${n === 1 ? '' : 's'} without userIdentity, counted as an unknown actor`)
  return out
}

/** Nothing readable came out of input that had something in it: a report would be a clean, wrong "nothing happened". */
export function nothingReadable(r: InputReport): boolean {
  return r.events === 0 && r.nonEmpty > 0
}
