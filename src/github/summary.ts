/**
 * Pure: what changed between two exports, in the words a reviewer uses
 * ("tile moved", "visualization bar → line"), for the pull-request body.
 *
 * Entities are paired by identity as plan knows it (entities/identity.ts,
 * matchEntities): a dashboard by its name, a report through its dashboard
 * and its name there, a standalone report by its name; ids pair what a
 * rename or a move would otherwise split. A dashboard re-imported into
 * Optimize (new ids for it and its reports) is therefore the same dashboard,
 * with its real differences. Before comparing, the old version's ids are
 * replaced by the new version's. Every list is sorted (name, then id) so the
 * same two trees always give the same summary, byte for byte.
 */
import type {Dashboard, Report} from '../optimize/schemas.js'
import {REPORT_ID_PATTERN, tileReportIds, TYPE_WORDS} from '../optimize/schemas.js'
import {toCanonicalJson} from '../entities/canonical-json.js'
import {matchEntities} from '../entities/identity.js'
import {deepEqual} from '../entities/json-equal.js'
import type {EntityTree} from '../entities/layout.js'
import type {EntityIndex} from '../entities/promotion-compare.js'
import {changedKeys, diffReport, same} from './summary-reports.js'
import {diffTiles} from './summary-tiles.js'

import {
  sortNamed,
  type ChangeSummary,
  type DashboardChange,
  type Named,
  type ReportChange
} from './summary-model.js'

export * from './summary-model.js'
export {escapeMarkdown} from '../entities/markdown.js'
export {MAX_PICTURES, renderSummaryMarkdown, type DashboardLinks} from './summary-markdown.js'

/** The changes from `before` (what git holds) to `after` (this export). */
export function summarizeChanges(before: EntityTree, after: EntityTree): ChangeSummary {
  const old = indexOf(before)
  const now = indexOf(after)
  const matching = matchEntities(old, now)
  // Old id → new id of each report both trees have.
  const newReportIds = new Map<string, string>()
  for (const [was, is] of matching.reports) if (was && is) newReportIds.set(was.id, is.id)
  const toNew = (id: string): string => newReportIds.get(id) ?? id
  const reportName = (id: string): string =>
    now.reports.get(id)?.name ?? old.reports.get(id)?.name ?? id

  const dashboards: DashboardChange[] = []
  const oldBoards: Dashboard[] = []
  for (const [was, is] of matching.dashboards) {
    const translated = was && withIds(was, is?.id ?? was.id, toNew)
    if (translated) oldBoards.push(is ? {...translated, name: is.name} : translated)
    const change = diffDashboard(translated, is, reportName, Boolean(was && is && was.id !== is.id))
    if (change) dashboards.push(change)
  }

  const newHomes = dashboardsByReport(now.dashboards)
  const oldHomes = dashboardsByReport(oldBoards)
  const reports: ReportChange[] = []
  for (const [was, is] of matching.reports) {
    const oldReport = was && withReportIds(was, is?.id ?? was.id, toNew)
    const current = (is ?? oldReport) as Report
    const homes = (is ? newHomes : oldHomes).get(current.id) ?? []
    const base = {
      id: current.id,
      name: current.name,
      reportType: current.exportEntityType,
      dashboards: sortNamed(homes)
    }
    // Object.assign, not two spreads into a literal: V8 builds those on a slow path,
    // which a first export of 2,000 reports pays 2,000 times.
    if (!oldReport || !is) {
      reports.push(
        Object.assign(base, diffReport(undefined, undefined, reportName), {
          kind: oldReport ? ('removed' as const) : ('added' as const),
          shows: describeReport(current)
        })
      )
      continue
    }
    if (deepEqual(oldReport, is)) continue
    reports.push(
      Object.assign(base, diffReport(oldReport, is, reportName), {
        kind: 'changed' as const,
        previousName: oldReport.name !== is.name ? oldReport.name : undefined
      })
    )
  }
  return {dashboards: sortNamed(dashboards), reports: sortNamed(reports)}
}

function indexOf(tree: EntityTree): EntityIndex {
  return {
    dashboards: tree.dashboards.map(d => d.entity),
    reports: new Map(tree.reports.map(({entity}) => [entity.id, entity]))
  }
}

/** The old version of a dashboard with the new version's id, its tiles showing the new report ids. */
function withIds(dashboard: Dashboard, id: string, toNew: (id: string) => string): Dashboard {
  let tiles = dashboard.tiles
  if (tiles.some(tile => toNew(tile.id) !== tile.id))
    tiles = tiles.map(tile =>
      REPORT_ID_PATTERN.test(tile.id) ? {...tile, id: toNew(tile.id)} : tile
    )
  return id === dashboard.id && tiles === dashboard.tiles ? dashboard : {...dashboard, id, tiles}
}

/** The old version of a report with the new version's id and the new ids of the reports it combines. */
function withReportIds(report: Report, id: string, toNew: (id: string) => string): Report {
  if (report.exportEntityType !== 'combined_report')
    return id === report.id ? report : {...report, id}
  const reports = report.data.reports.map(item => ({...item, id: toNew(item.id)}))
  return {...report, id, data: {...report.data, reports}}
}

/** Dashboard fields diffDashboard describes itself; any other that changed is named in `other`. */
const HANDLED_DASHBOARD_KEYS = new Set(['id', 'name', 'description', 'tiles', 'availableFilters'])

/** `before` carries `after`'s ids already; `recreated`: the two had different ids. */
function diffDashboard(
  before: Dashboard | undefined,
  after: Dashboard | undefined,
  reportName: (id: string) => string,
  recreated = false
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
  if (recreated) change.recreated = true
  else if (deepEqual(before, after)) return undefined
  if (before.name !== after.name) change.previousName = before.name
  if (!same(before.description, after.description)) change.description = true
  change.tiles = diffTiles(before.tiles, after.tiles, reportName)
  const oldFilters = before.availableFilters.map(f => toCanonicalJson(f))
  const newFilters = after.availableFilters.map(f => toCanonicalJson(f))
  const added = after.availableFilters.filter((_, i) => !oldFilters.includes(newFilters[i]))
  const removed = before.availableFilters.filter((_, i) => !newFilters.includes(oldFilters[i]))
  change.filters = {added: added.map(f => f.type), removed: removed.map(f => f.type)}
  change.other = changedKeys(before, after, HANDLED_DASHBOARD_KEYS)
  return change
}

function describeReport(report: Report): string {
  const kind = TYPE_WORDS[report.exportEntityType]
  const visualization = report.data.visualization
  return visualization ? `${kind}, ${visualization}` : kind
}

/** Which dashboards show each report, by report id. */
function dashboardsByReport(dashboards: readonly Dashboard[]): Map<string, Named[]> {
  const homes = new Map<string, Named[]>()
  for (const dashboard of dashboards) {
    for (const reportId of new Set(tileReportIds(dashboard))) {
      const list = homes.get(reportId) ?? []
      list.push({id: dashboard.id, name: dashboard.name})
      homes.set(reportId, list)
    }
  }
  return homes
}
