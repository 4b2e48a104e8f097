/**
 * Pure: a change summary as the Markdown body of a pull request.
 *
 * Names come from Optimize users and are untrusted: escaping keeps them from
 * adding links, HTML, mentions or table cells to the body. GitHub rejects a
 * body over 65536 characters, so a long summary falls back to one line per
 * entity, then to counts only, with a note saying so.
 *
 * What changed is open; what is gone (removed reports) folds into a
 * `<details>` block. With links (summary-links.ts), each dashboard links to
 * its files and to Optimize, and the changed ones are pictured.
 */
import type {ChangeSummary, DashboardChange, Named, ReportChange} from './summary-model.js'
import {sortNamed, summaryCounts} from './summary-model.js'
import {escapeMarkdown} from '../entities/markdown.js'
import {
  compactDashboard,
  compactReport,
  countText,
  dashboardLine,
  plural,
  reportLine
} from './summary-lines.js'

export interface RenderOptions {
  /** Longest body to return, in UTF-16 code units. */
  maxLength?: number
  /** The heading; `Optimize changes` by default. */
  title?: string
  /** Where a dashboard of this export is, by id; nothing for a removed one. */
  links?: (dashboardId: string) => DashboardLinks | undefined
}

/** URLs of one dashboard; each only when known. */
export interface DashboardLinks {
  /** Its JSON file and its SVG picture in the pull request's branch. */
  json?: string
  svg?: string
  /** The SVG as an image to embed. */
  picture?: string
  /** The dashboard in Optimize. */
  optimize?: string
}

/** Most dashboards pictured in one body; the others' pictures are among the changed files. */
export const MAX_PICTURES = 10

/** Below GitHub's limit of 65536, leaving room for what the caller adds. */
const DEFAULT_MAX_LENGTH = 60_000

type Detail = 'full' | 'compact' | 'counts'

export function renderSummaryMarkdown(summary: ChangeSummary, options: RenderOptions = {}): string {
  const maxLength = options.maxLength ?? DEFAULT_MAX_LENGTH
  // A first export of 2,000 reports fits no listing: say so without rendering two.
  const listings = shortestListing(summary) <= maxLength ? (['full', 'compact'] as const) : []
  for (const detail of listings) {
    const text = render(summary, detail, options, maxLength)
    if (text !== undefined) return text
  }
  const counts = render(summary, 'counts', options, maxLength) ?? ''
  if (counts.length <= maxLength) return counts
  // Only a tiny maxLength gets here: cut on a code-point boundary.
  return Array.from(counts)
    .slice(0, Math.max(0, maxLength - 1))
    .join('')
    .concat('…')
    .slice(0, maxLength)
}

/**
 * Lines of Markdown and their length as joined (each line and its line feed).
 * Rendering stops as soon as the text is over budget: a first export of 2,000
 * reports would otherwise render a full list only to throw it away.
 */
class Lines {
  readonly lines: string[] = []
  #length = 0

  constructor(private readonly max: number) {}

  push(...lines: string[]): void {
    for (const line of lines) {
      this.lines.push(line)
      this.#length += line.length + 1
    }
  }

  get over(): boolean {
    return this.#length > this.max
  }

  text(): string | undefined {
    return this.over ? undefined : `${this.lines.join('\n')}\n`
  }
}

/** The summary at one level of detail; undefined when it does not fit in `max` (except counts). */
function render(
  summary: ChangeSummary,
  detail: Detail,
  options: RenderOptions,
  max: number
): string | undefined {
  const title = options.title ?? 'Optimize changes'
  const counts = summaryCounts(summary)
  const out = new Lines(detail === 'counts' ? Infinity : max)
  out.push(
    `## ${escapeMarkdown(title)}`,
    '',
    `**Dashboards:** ${countText(counts.dashboards)} · **Reports:** ${countText(counts.reports)}`
  )
  if (detail === 'counts') {
    if (summary.dashboards.length || summary.reports.length) {
      out.push('', `_The list of changes is longer than ${max} characters; see the changed files._`)
    }
    return out.text()
  }
  const boards = dashboardsToShow(summary)
  const listed = summary.reports.filter(report => report.kind !== 'removed')
  const removed = summary.reports.filter(report => report.kind === 'removed')
  const reportsOf = reportsByDashboard(listed)
  const standalone = listed.filter(report => report.dashboards.length === 0)
  if (detail === 'compact') {
    out.push(
      '',
      `_One line per dashboard and report: the full list is longer than ${max} characters._`
    )
    if (boards.length) out.push('', '### Dashboards', '')
    for (const board of boards) {
      out.push(compactDashboard(board, reportsOf.get(board.id)?.length ?? 0))
      if (out.over) return undefined
    }
    if (listed.length) out.push('', '### Reports', '')
    for (const report of listed) {
      out.push(compactReport(report))
      if (out.over) return undefined
    }
    return folded(out, removed, compactReport)
  }
  const links = options.links ?? ((): undefined => undefined)
  if (boards.length) out.push('', '### Dashboards', '')
  for (const board of boards) {
    out.push(dashboardLine(board) + linkText(board.change?.kind, links(board.id)))
    for (const report of reportsOf.get(board.id) ?? []) out.push(`  - ${reportLine(report)}`)
    if (out.over) return undefined
  }
  pictures(out, boards, links)
  if (standalone.length) out.push('', '### Reports not on a dashboard', '')
  for (const report of standalone) {
    out.push(`- ${reportLine(report)}`)
    if (out.over) return undefined
  }
  return folded(out, removed, report => `- ${reportLine(report)}${homesText(report)}`)
}

/** The removed reports, folded: a reviewer opens them when they care. */
function folded(
  out: Lines,
  removed: readonly ReportChange[],
  line: (report: ReportChange) => string
): string | undefined {
  if (removed.length) {
    out.push('', `<details><summary>${plural(removed.length, 'report')} removed</summary>`, '')
    for (const report of removed) {
      out.push(line(report))
      if (out.over) return undefined
    }
    out.push('', '</details>')
  }
  return out.text()
}

/** The pictures of the dashboards shown (not removed ones), at most MAX_PICTURES. */
function pictures(
  out: Lines,
  boards: readonly (Named & {change?: DashboardChange})[],
  links: (id: string) => DashboardLinks | undefined
): void {
  const pictured = boards.flatMap(board => {
    const url = board.change?.kind === 'removed' ? undefined : links(board.id)?.picture
    return url ? [{name: board.name, url}] : []
  })
  if (!pictured.length) return
  out.push(
    '',
    '### Pictures',
    '',
    '_Tiles outlined in orange changed since the previous export; tiles outlined in green are new._'
  )
  for (const {name, url} of pictured.slice(0, MAX_PICTURES)) {
    out.push('', `**${escapeMarkdown(name)}**`, '', `![${escapeMarkdown(name)}](${url})`)
  }
  if (pictured.length > MAX_PICTURES) {
    const more = pictured.length - MAX_PICTURES
    out.push('', `_${plural(more, 'more dashboard')} changed: see their .svg files._`)
  }
}

/** ` · [JSON](…) · [SVG](…) · [Optimize](…)` for a dashboard of this export. */
function linkText(kind: string | undefined, links: DashboardLinks | undefined): string {
  if (!links || kind === 'removed') return ''
  const parts = (
    [
      ['JSON', links.json],
      ['SVG', links.svg],
      ['Optimize', links.optimize]
    ] as const
  ).flatMap(([label, url]) => (url ? [`[${label}](${url})`] : []))
  return parts.length ? ` · ${parts.join(' · ')}` : ''
}

/** Where a removed report was shown, e.g. `, on **Sales**`. */
function homesText(report: ReportChange): string {
  if (!report.dashboards.length) return ''
  return `, on ${report.dashboards.map(d => `**${escapeMarkdown(d.name)}**`).join(', ')}`
}

/** The reports of each dashboard, in the summary's order. */
function reportsByDashboard(reports: readonly ReportChange[]): Map<string, ReportChange[]> {
  const byBoard = new Map<string, ReportChange[]>()
  for (const report of reports) {
    for (const board of new Set(report.dashboards.map(d => d.id))) {
      const list = byBoard.get(board)
      if (list) list.push(report)
      else byBoard.set(board, [report])
    }
  }
  return byBoard
}

/**
 * Fewer characters than either listing takes: both give every changed
 * dashboard and every changed report a line with its name, which escaping
 * only makes longer, except for the format characters it drops.
 */
function shortestListing(summary: ChangeSummary): number {
  const visible = (name: string): number =>
    name.length - (name.match(FORMAT_CHARACTERS)?.length ?? 0)
  let length = 0
  for (const board of summary.dashboards) length += visible(board.name) + '- ****\n'.length
  for (const report of summary.reports) length += visible(report.name) + '- report **\n'.length
  return length
}

const FORMAT_CHARACTERS = /\p{Cf}/gu

/** Changed dashboards, plus the unchanged ones that show a changed report. */
function dashboardsToShow(summary: ChangeSummary): (Named & {change?: DashboardChange})[] {
  const shown = new Map<string, Named & {change?: DashboardChange}>()
  for (const report of summary.reports) {
    for (const board of report.dashboards) shown.set(board.id, {id: board.id, name: board.name})
  }
  for (const change of summary.dashboards)
    shown.set(change.id, {id: change.id, name: change.name, change})
  return sortNamed([...shown.values()])
}
