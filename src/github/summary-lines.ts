/**
 * Pure: one line of Markdown per change of a summary (summary-markdown.ts
 * puts them together).
 */
import {escapeMarkdown} from '../entities/markdown.js'
import type {DashboardChange, KindCounts, Named, ReportChange} from './summary-model.js'
import type {ValueChange} from './summary-reports.js'
import type {TileChange} from './summary-tiles.js'

export function countText(counts: KindCounts): string {
  const parts: string[] = []
  if (counts.added) parts.push(`${counts.added} added`)
  if (counts.removed) parts.push(`${counts.removed} removed`)
  if (counts.changed) {
    parts.push(`${counts.changed} changed${counts.renamed ? ` (${counts.renamed} renamed)` : ''}`)
  }
  return parts.length ? parts.join(', ') : 'no changes'
}

export function dashboardLine(board: Named & {change?: DashboardChange}): string {
  const name = `**${escapeMarkdown(board.name)}**`
  const change = board.change
  if (!change) return `- ${name}`
  if (change.kind === 'added') return `- ${name} — added, ${plural(change.tileCount, 'tile')}`
  if (change.kind === 'removed') return `- ${name} — removed`
  const parts: string[] = []
  if (change.recreated) parts.push('re-created in Optimize (new ids for it and its reports)')
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

export function reportLine(report: ReportChange): string {
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

export function compactDashboard(
  board: Named & {change?: DashboardChange},
  reports: number
): string {
  const parts: string[] = []
  const change = board.change
  if (change && change.kind !== 'changed') parts.push(change.kind)
  if (change?.recreated) parts.push('re-created')
  if (change?.previousName !== undefined) parts.push('renamed')
  if (change?.kind === 'changed' && change.tiles.length) {
    parts.push(plural(change.tiles.length, 'tile change'))
  }
  if (reports) parts.push(plural(reports, 'report') + ' changed')
  if (!parts.length) parts.push('changed')
  return `- **${escapeMarkdown(board.name)}** — ${parts.join(', ')}`
}

export function compactReport(report: ReportChange): string {
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

export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`
}

function point(p: {x: number; y: number}): string {
  return `(${p.x},${p.y})`
}

function size(s: {width: number; height: number}): string {
  return `${s.width}×${s.height}`
}
