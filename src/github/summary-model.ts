/** The shape of a change summary, shared by the differ and the Markdown renderer. */
import type {ReportType} from '../optimize/schemas.js'
import {compareStrings} from '../entities/normalize.js'
import type {ReportDiff} from './summary-reports.js'
import type {TileChange} from './summary-tiles.js'

export type ChangeKind = 'added' | 'removed' | 'changed'

export interface Named {
  id: string
  name: string
}

export interface DashboardChange extends Named {
  kind: ChangeKind
  /** The old name, when the dashboard was renamed. */
  previousName?: string
  /** It has a new id: Optimize made it anew (an import does), and its reports too. */
  recreated?: boolean
  tileCount: number
  description?: boolean
  /** Dashboard-level filters, by type. */
  filters: {added: string[]; removed: string[]}
  /** Other top-level fields that changed (e.g. `sourceIndexVersion`). */
  other: string[]
  tiles: TileChange[]
}

export interface ReportChange extends Named, ReportDiff {
  kind: ChangeKind
  reportType: ReportType
  previousName?: string
  /** Dashboards showing the report (after the change; before it for a removed report). */
  dashboards: Named[]
  /** For an added or removed report: what it shows, e.g. `process report, bar`. */
  shows?: string
}

export interface ChangeSummary {
  dashboards: DashboardChange[]
  reports: ReportChange[]
}

export interface KindCounts {
  added: number
  removed: number
  /** Changed in any way, renames included. */
  changed: number
  renamed: number
}

export interface SummaryCounts {
  dashboards: KindCounts
  reports: KindCounts
}

export function summaryCounts(summary: ChangeSummary): SummaryCounts {
  const count = (changes: {kind: ChangeKind; previousName?: string}[]): KindCounts => ({
    added: changes.filter(c => c.kind === 'added').length,
    removed: changes.filter(c => c.kind === 'removed').length,
    changed: changes.filter(c => c.kind === 'changed').length,
    renamed: changes.filter(c => c.previousName !== undefined).length
  })
  return {dashboards: count(summary.dashboards), reports: count(summary.reports)}
}

export function hasChanges(summary: ChangeSummary): boolean {
  return summary.dashboards.length > 0 || summary.reports.length > 0
}

/** Sorted by name, then id: stable whatever order Optimize returned. */
export function sortNamed<T extends Named>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => compareStrings(a.name, b.name) || compareStrings(a.id, b.id))
}
