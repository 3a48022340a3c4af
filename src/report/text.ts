// Text from CloudTrail is attacker-controlled: anyone who can sign a request chooses its session name,
// user agent and (for some services) the source IP text. What the plain-text renderers share: control
// characters (NUL, ESC, DEL, C1) and the invisible bidi/zero-width characters that make a name read
// backwards (U+202E) or hide a difference are shown as visible code points instead of being passed on.
// HTML has its own escaping (svg.ts `esc`); Markdown and CSV add theirs on top of this.

/** C0/C1 controls, DEL, bidi embeddings/overrides/isolates/marks, zero-width characters and the BOM. */
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g

/** Each invisible character as ‹U+XXXX›; `keep` lists the ones a format carries safely itself (CSV's quoted newlines). */
export function visible(text: string, keep = ''): string {
  return text.replace(INVISIBLE, (c) => (keep.includes(c) ? c : `‹U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}›`))
}

/**
 * Inline Markdown text: no raw HTML (`<`, `>`, `&` become entities), no links or images (`[`, `]`), no
 * code spans that could close a fence (`` ` ``), no table breaks (`|`, newlines), and backslashes kept
 * literal. Emphasis characters are left alone: they can only restyle text, not hide or run anything.
 */
export function mdText(v: unknown): string {
  const s = visible(String(v ?? '').replace(/\r\n|\r|\n/g, ' '))
  return s.replace(/[\\`[\]|&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : `\\${c}`))
}

/** A Mermaid node label's text (inside "…"): Mermaid's own entity codes, one line. */
export function mermaidText(v: unknown): string {
  const s = visible(String(v ?? '').replace(/\r\n|\r|\n/g, ' '))
  return s.replace(/["<>`#&]/g, (c) => ({'"': '#quot;', '<': '#lt;', '>': '#gt;', '`': '#96;', '#': '#35;', '&': '#amp;'})[c]!)
}
