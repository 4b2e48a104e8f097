/**
 * Pure: what changed between two exports, in the words a reviewer uses
 * ("tile moved", "visualization bar → line"), for the pull-request body.
 *
 * Entities are matched by `id`: an export always comes from one source
 * Optimize, where ids are stable, so a different name means a rename, not a
 * removal plus an addition. Every list is sorted (name, then id) so the same
 * two trees always give the same summary, byte for byte.
 */
import type {Dashboard, Report} from '../optimize/schemas.js'
import {tileReportIds} from '../optimize/schemas.js'
import {toCanonicalJson} from '../entities/canonical-json.js'
import {deepEqual} from '../entities/json-equal.js'
import type {EntityTree} from '../entities/layout.js'
import {compareStrings} from '../entities/normalize.js'
import {diffReport} from './summary-reports.js'
import {diffTiles} from './summary-tiles.js'

import {
  sortNamed,
  type ChangeSummary,
  type DashboardChange,
  type Named,
  type ReportChange
} from './summary-model.js'

export * from './summary-model.js'
export type {ReportDiff, ValueChange, ListChanges} from './summary-reports.js'
export type {TileChange, TileRef, Point, Size} from './summary-tiles.js'
export {
  DEFAULT_MAX_LENGTH,
  escapeMarkdown,
  renderSummaryMarkdown,
  type RenderOptions
} from './summary-markdown.js'

/** The changes from `before` (what git holds) to `after` (this export). */
export function summarizeChanges(before: EntityTree, after: EntityTree): ChangeSummary {
  const oldDashboards = byId(before.dashboards.map(d => d.entity))
  const newDashboards = byId(after.dashboards.map(d => d.entity))
  const oldReports = byId(before.reports.map(r => r.entity))
  const newReports = byId(after.reports.map(r => r.entity))
  const reportName = (id: string): string =>
    newReports.get(id)?.name ?? oldReports.get(id)?.name ?? id

  const dashboards: DashboardChange[] = []
  for (const id of unionIds(oldDashboards, newDashboards)) {
    const change = diffDashboard(oldDashboards.get(id), newDashboards.get(id), reportName)
    if (change) dashboards.push(change)
  }

  const newHomes = dashboardsByReport(newDashboards)
  const oldHomes = dashboardsByReport(oldDashboards)
  const reports: ReportChange[] = []
  for (const id of unionIds(oldReports, newReports)) {
    const oldReport = oldReports.get(id)
    const newReport = newReports.get(id)
    const current = (newReport ?? oldReport) as Report
    const homes = (newReport ? newHomes : oldHomes).get(id) ?? []
    const base = {
      id,
      name: current.name,
      reportType: current.exportEntityType,
      dashboards: sortNamed(homes)
    }
    // Object.assign, not two spreads into a literal: V8 builds those on a slow path,
    // which a first export of 2,000 reports pays 2,000 times.
    if (!oldReport || !newReport) {
      reports.push(
        Object.assign(base, diffReport(undefined, undefined, reportName), {
          kind: oldReport ? ('removed' as const) : ('added' as const),
          shows: describeReport(current)
        })
      )
      continue
    }
    if (deepEqual(oldReport, newReport)) continue
    reports.push(
      Object.assign(base, diffReport(oldReport, newReport, reportName), {
        kind: 'changed' as const,
        previousName: oldReport.name !== newReport.name ? oldReport.name : undefined
      })
    )
  }
  return {dashboards: sortNamed(dashboards), reports: sortNamed(reports)}
}

function diffDashboard(
  before: Dashboard | undefined,
  after: Dashboard | undefined,
  reportName: (id: string) => string
): DashboardChange | undefined {
  const current = (after ?? before) as Dashboard
  const change: DashboardChange = {
    id: current.id,
    name: current.name,
    kind: !before ? 'added' : !after ? 'removed' : 'changed',
    tileCount: current.tiles.length,
    filters: {added: [], removed: []},
    other: [],
    tiles: []
  }
  if (!before || !after) return change
  if (deepEqual(before, after)) return undefined
  if (before.name !== after.name) change.previousName = before.name
  if (!sameJson(before.description, after.description)) change.description = true
  change.tiles = diffTiles(before.tiles, after.tiles, reportName)
  const oldFilters = before.availableFilters.map(f => toCanonicalJson(f))
  const newFilters = after.availableFilters.map(f => toCanonicalJson(f))
  change.filters = {
    added: after.availableFilters.filter((_, i) => !oldFilters.includes(newFilters[i])).map(typeOf),
    removed: before.availableFilters
      .filter((_, i) => !newFilters.includes(oldFilters[i]))
      .map(typeOf)
  }
  const handled = new Set(['id', 'name', 'description', 'tiles', 'availableFilters'])
  const keys = new Set([...Object.keys(before), ...Object.keys(after)])
  change.other = [...keys]
    .filter(key => !handled.has(key))
    .filter(key => !sameJson(field(before, key), field(after, key)))
    .sort(compareStrings)
  return change
}

function describeReport(report: Report): string {
  const kind = {
    single_process_report: 'process report',
    single_decision_report: 'decision report',
    combined_report: 'combined report'
  }[report.exportEntityType]
  const visualization = report.data.visualization
  return visualization ? `${kind}, ${visualization}` : kind
}

/** Which dashboards show each report, by report id. */
function dashboardsByReport(dashboards: ReadonlyMap<string, Dashboard>): Map<string, Named[]> {
  const homes = new Map<string, Named[]>()
  for (const dashboard of dashboards.values()) {
    for (const reportId of new Set(tileReportIds(dashboard))) {
      const list = homes.get(reportId) ?? []
      list.push({id: dashboard.id, name: dashboard.name})
      homes.set(reportId, list)
    }
  }
  return homes
}

function byId<T extends {id: string}>(entities: readonly T[]): Map<string, T> {
  return new Map(entities.map(entity => [entity.id, entity]))
}

function unionIds(a: ReadonlyMap<string, unknown>, b: ReadonlyMap<string, unknown>): string[] {
  return [...new Set([...a.keys(), ...b.keys()])].sort(compareStrings)
}

function sameJson(a: unknown, b: unknown): boolean {
  return deepEqual(a ?? null, b ?? null)
}

function field(entity: object, key: string): unknown {
  return (entity as Record<string, unknown>)[key]
}

function typeOf(filter: {type: string}): string {
  return filter.type
}
