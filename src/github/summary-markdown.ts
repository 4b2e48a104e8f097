/**
 * Pure: a change summary as the Markdown body of a pull request.
 *
 * Names come from Optimize users and are untrusted: escaping keeps them from
 * adding links, HTML, mentions or table cells to the body. GitHub rejects a
 * body over 65536 characters, so a long summary falls back to one line per
 * entity, then to counts only, with a note saying so.
 */
import type {
  ChangeSummary,
  DashboardChange,
  KindCounts,
  Named,
  ReportChange
} from './summary-model.js'
import {sortNamed, summaryCounts} from './summary-model.js'
import type {ValueChange} from './summary-reports.js'
import type {TileChange} from './summary-tiles.js'

export interface RenderOptions {
  /** Longest body to return, in UTF-16 code units. */
  maxLength?: number
  /** The heading; `Optimize changes` by default. */
  title?: string
}

/** Below GitHub's limit of 65536, leaving room for what the caller adds. */
export const DEFAULT_MAX_LENGTH = 60_000

type Detail = 'full' | 'compact' | 'counts'

export function renderSummaryMarkdown(summary: ChangeSummary, options: RenderOptions = {}): string {
  const maxLength = options.maxLength ?? DEFAULT_MAX_LENGTH
  for (const detail of ['full', 'compact', 'counts'] as const) {
    const text = render(summary, detail, options.title ?? 'Optimize changes', maxLength)
    if (text.length <= maxLength) return text
  }
  // Only a tiny maxLength gets here: cut on a code-point boundary.
  return Array.from(render(summary, 'counts', options.title ?? 'Optimize changes', maxLength))
    .slice(0, Math.max(0, maxLength - 1))
    .join('')
    .concat('…')
    .slice(0, maxLength)
}

function render(summary: ChangeSummary, detail: Detail, title: string, max: number): string {
  const counts = summaryCounts(summary)
  const lines = [
    `## ${escapeMarkdown(title)}`,
    '',
    `**Dashboards:** ${countText(counts.dashboards)} · **Reports:** ${countText(counts.reports)}`
  ]
  if (detail === 'counts') {
    if (summary.dashboards.length || summary.reports.length) {
      lines.push(
        '',
        `_The list of changes is longer than ${max} characters; see the changed files._`
      )
    }
    return `${lines.join('\n')}\n`
  }
  const boards = dashboardsToShow(summary)
  const standalone = summary.reports.filter(report => report.dashboards.length === 0)
  if (detail === 'compact') {
    lines.push(
      '',
      `_One line per dashboard and report: the full list is longer than ${max} characters._`
    )
    if (boards.length)
      lines.push('', '### Dashboards', '', ...boards.map(d => compactDashboard(d, summary)))
    if (summary.reports.length)
      lines.push('', '### Reports', '', ...summary.reports.map(compactReport))
    return `${lines.join('\n')}\n`
  }
  if (boards.length) {
    lines.push('', '### Dashboards', '')
    for (const board of boards) {
      lines.push(dashboardLine(board))
      for (const report of summary.reports.filter(r => r.dashboards.some(d => d.id === board.id))) {
        lines.push(`  - ${reportLine(report)}`)
      }
    }
  }
  if (standalone.length) {
    lines.push(
      '',
      '### Reports not on a dashboard',
      '',
      ...standalone.map(r => `- ${reportLine(r)}`)
    )
  }
  return `${lines.join('\n')}\n`
}

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

function countText(counts: KindCounts): string {
  const parts: string[] = []
  if (counts.added) parts.push(`${counts.added} added`)
  if (counts.removed) parts.push(`${counts.removed} removed`)
  if (counts.changed) {
    parts.push(`${counts.changed} changed${counts.renamed ? ` (${counts.renamed} renamed)` : ''}`)
  }
  return parts.length ? parts.join(', ') : 'no changes'
}

function dashboardLine(board: Named & {change?: DashboardChange}): string {
  const name = `**${escapeMarkdown(board.name)}**`
  const change = board.change
  if (!change) return `- ${name}`
  if (change.kind === 'added') return `- ${name} — added, ${plural(change.tileCount, 'tile')}`
  if (change.kind === 'removed') return `- ${name} — removed`
  const parts: string[] = []
  if (change.previousName !== undefined) {
    parts.push(`renamed from **${escapeMarkdown(change.previousName)}**`)
  }
  if (change.description) parts.push('description changed')
  if (change.filters.added.length) parts.push(`filters added: ${list(change.filters.added)}`)
  if (change.filters.removed.length) parts.push(`filters removed: ${list(change.filters.removed)}`)
  parts.push(...change.tiles.map(tileText))
  if (change.other.length) parts.push(`also changed: ${list(change.other)}`)
  return `- ${name} — ${parts.join('; ')}`
}

function tileText(change: TileChange): string {
  const {tile} = change
  const label =
    tile.type === 'text'
      ? 'text tile'
      : tile.type === 'external_url'
        ? `external page tile *${escapeMarkdown(tile.label)}*`
        : `tile *${escapeMarkdown(tile.label)}*`
  const at = point(change.position)
  if (change.kind === 'added') return `${label} added at ${at}, ${size(change.dimensions)}`
  if (change.kind === 'removed') return `${label} removed from ${at}`
  const previous = change.previous ?? change
  const parts: string[] = []
  if (change.moved) parts.push(`moved from ${point(previous.position)} to ${at}`)
  if (change.resized) {
    parts.push(`resized from ${size(previous.dimensions)} to ${size(change.dimensions)}`)
  }
  if (change.reconfigured) {
    const what = tile.type === 'text' ? 'text edited' : 'tile options changed'
    parts.push(change.moved ? what : `at ${at} ${what}`)
  }
  return `${label} ${parts.join(', ')}`
}

function reportLine(report: ReportChange): string {
  const name = `report *${escapeMarkdown(report.name)}*`
  if (report.kind !== 'changed') {
    const shows = report.shows ? ` (${escapeMarkdown(report.shows)})` : ''
    return `${name} — ${report.kind}${shows}`
  }
  const parts: string[] = []
  if (report.previousName !== undefined) {
    parts.push(`renamed from *${escapeMarkdown(report.previousName)}*`)
  }
  if (report.description) parts.push('description changed')
  const value = (label: string, change?: ValueChange): void => {
    if (change) parts.push(`${label} ${escapeMarkdown(change.from)} → ${escapeMarkdown(change.to)}`)
  }
  value('visualization', report.visualization)
  value('view', report.view)
  value('group-by', report.groupBy)
  value('distributed-by', report.distributedBy)
  for (const [label, changes] of [
    ['filter', report.filters],
    ['definition', report.definitions]
  ] as const) {
    if (changes.added.length) parts.push(`${label} added: ${list(changes.added)}`)
    if (changes.removed.length) parts.push(`${label} removed: ${list(changes.removed)}`)
    if (changes.changed.length) parts.push(`${label} changed: ${list(changes.changed)}`)
  }
  if (report.combined.added.length) parts.push(`combines also ${list(report.combined.added)}`)
  if (report.combined.removed.length)
    parts.push(`no longer combines ${list(report.combined.removed)}`)
  if (report.configuration.length) parts.push(`configuration: ${list(report.configuration)}`)
  if (report.other.length) parts.push(`also changed: ${list(report.other)}`)
  return `${name} — ${parts.length ? parts.join('; ') : 'changed'}`
}

function compactDashboard(
  board: Named & {change?: DashboardChange},
  summary: ChangeSummary
): string {
  const reports = summary.reports.filter(r => r.dashboards.some(d => d.id === board.id)).length
  const parts: string[] = []
  const change = board.change
  if (change && change.kind !== 'changed') parts.push(change.kind)
  if (change?.previousName !== undefined) parts.push('renamed')
  if (change?.kind === 'changed' && change.tiles.length) {
    parts.push(plural(change.tiles.length, 'tile change'))
  }
  if (reports) parts.push(plural(reports, 'report') + ' changed')
  if (!parts.length) parts.push('changed')
  return `- **${escapeMarkdown(board.name)}** — ${parts.join(', ')}`
}

function compactReport(report: ReportChange): string {
  const name = `- report *${escapeMarkdown(report.name)}*`
  if (report.kind !== 'changed') return `${name} — ${report.kind}`
  const aspects = (
    [
      ['renamed', report.previousName !== undefined],
      ['description', report.description],
      ['visualization', report.visualization],
      ['view', report.view],
      ['group-by', report.groupBy],
      ['distributed-by', report.distributedBy],
      ['filters', hasAny(report.filters)],
      ['definitions', hasAny(report.definitions)],
      ['combined reports', report.combined.added.length + report.combined.removed.length > 0],
      ['configuration', report.configuration.length > 0],
      ['other fields', report.other.length > 0]
    ] as const
  ).filter(([, present]) => Boolean(present))
  return `${name} — changed: ${aspects.map(([label]) => label).join(', ') || 'details'}`
}

function hasAny(changes: {added: string[]; removed: string[]; changed: string[]}): boolean {
  return changes.added.length + changes.removed.length + changes.changed.length > 0
}

function list(items: readonly string[]): string {
  return items.map(escapeMarkdown).join(', ')
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`
}

function point(p: {x: number; y: number}): string {
  return `(${p.x},${p.y})`
}

function size(s: {width: number; height: number}): string {
  return `${s.width}×${s.height}`
}

/**
 * Text safe to put anywhere in a Markdown line: control characters become
 * spaces, format characters (bidi overrides, zero-width marks) are dropped,
 * and everything Markdown or HTML could act on is escaped. A zero-width space
 * (as Renovate does) keeps `@team` from notifying anyone and URLs from linking.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD')
    .replace(/[\p{Cc}\u2028\u2029]/gu, ' ')
    .replace(/\p{Cf}/gu, '')
    .replace(/[\\`*_[\]|~#!]/g, char => `\\${char}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/@/g, '@&#8203;')
    .replace(/:\/\//g, ':&#8203;//')
    .replace(/\bwww\./gi, match => `${match.slice(0, 3)}&#8203;.`)
}
