/**
 * What the command line prints on stdout: a command's results, in one of
 * three forms a user picks.
 *
 * - text (the default), for a person at a terminal: each output as a
 *   `name: value` line, a long list (an export's `files`) as its count, then
 *   the opening of the summary as plain text: its title and the sentences
 *   under it, without the lists, tables and folded parts that the job summary
 *   and a pull request show. Progress and warnings are on stderr already.
 * - `--json`: one JSON object of every output, the whole Markdown summary
 *   among them, for scripts (`| jq`).
 * - `--summary`: the whole Markdown summary alone (`> summary.md`).
 */
import {Output} from './constants.js'

export type ResultForm = 'text' | 'json' | 'summary'

/** Outputs longer than this are shown by their count in the text form. */
const LONG = 200

/**
 * The results as printed: the command's outputs (strings, as the action sets
 * them) and its summary, which is also the `summary` output.
 */
export function resultText(
  outputs: Record<string, string>,
  summary: string,
  form: ResultForm
): string {
  const others = Object.entries(outputs).filter(([name]) => name !== Output.Summary)
  if (form === 'json')
    return `${JSON.stringify(Object.fromEntries([[Output.Summary, summary], ...others]))}\n`
  if (form === 'summary') return summary.endsWith('\n') || !summary ? summary : `${summary}\n`
  const lines = others.map(([name, value]) => `${name}: ${brief(value)}`)
  const parts = [lines.join('\n'), summaryOpening(summary)].filter(Boolean)
  return parts.length ? `${parts.join('\n\n')}\n` : ''
}

/** A long JSON list or object (`files`, `imported-ids`) as its count. */
function brief(value: string): string {
  if (value.length <= LONG) return value
  try {
    const parsed: unknown = JSON.parse(value)
    if (parsed && typeof parsed === 'object')
      return `${Object.keys(parsed).length} entries (--json lists them)`
  } catch {
    // Not JSON: printed as it is.
  }
  return value
}

/**
 * The opening of a Markdown summary as plain text: the first block (the
 * title) and each paragraph or heading after it, up to the first list,
 * table, folded part (`<details>`), sub-heading (`###`) or bold label
 * ("**Prerequisites**"). Notes (quotes such as warnings, italic lines) are
 * left out.
 */
export function summaryOpening(markdown: string): string {
  const blocks = markdown
    .split(/\n\s*\n/)
    .map(block => block.trim())
    .filter(Boolean)
  const kept: string[] = []
  for (const [i, block] of blocks.entries()) {
    if (i > 0 && /^(?:[-*] |\||<|###|\*\*[^*]+\*\*$)/.test(block)) break
    if (i > 0 && /^(?:>|_)/.test(block)) continue
    kept.push(plain(block))
  }
  return kept.join('\n')
}

/** Markdown marks off: heading hashes, bold, code quotes, escapes and entities. */
function plain(block: string): string {
  return block
    .replace(/^#+ /, '')
    .replace(/\\([\\`*_[\]|~#!<>])|\*\*|`/g, (_, escaped?: string) => escaped ?? '')
    .replace(/&(lt|gt|amp);/g, (_, name: string) => ENTITIES[name] ?? '')
}

const ENTITIES: Record<string, string> = {lt: '<', gt: '>', amp: '&'}
