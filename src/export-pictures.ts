/**
 * The dashboards' pictures as export writes them (entities/dashboard-svg.ts),
 * with the tiles that changed since the version git holds marked.
 *
 * A dashboard that did not change keeps the marks its picture has: the
 * marks say what its last change was, and an export that finds nothing new
 * writes the same bytes (no pull request for pictures alone). A new
 * dashboard has nothing to compare with and is drawn without marks.
 */
import {renderDashboardSvg, readTileMarks, type MarkOf} from './entities/dashboard-svg.js'
import type {DashboardExtras, EntityTree, ManagedFile} from './entities/layout.js'
import {reachableReports} from './entities/promotion-compare.js'
import type {ChangeSummary, DashboardChange} from './github/summary.js'
import {tileKind} from './github/summary-tiles.js'
import {isDashboard, type Report, type Tile} from './optimize/schemas.js'

/** Beside each dashboard's JSON: a picture of its tile grid, so GitHub's image diff shows layout changes. */
export const dashboardPictures: DashboardExtras = (dashboard, reports) => [
  {extension: 'svg', content: renderDashboardSvg(dashboard, reports)}
]

/**
 * Redraws, in `files`, the picture of each dashboard that changed with its
 * changed tiles marked, and of each unchanged one with the marks its
 * picture had (`previous` reads a file of the folder as git holds it).
 */
export function markChangedTiles(
  files: readonly ManagedFile[],
  tree: EntityTree,
  changes: ChangeSummary,
  previous: (file: string) => string | undefined
): void {
  const reports = new Map(tree.reports.map(({entity}) => [entity.id, entity]))
  const byPath = new Map(files.map(file => [file.path, file]))
  const changedBoards = new Map(changes.dashboards.map(change => [change.id, change]))
  const changedReports = new Set(changes.reports.filter(r => r.kind === 'changed').map(r => r.id))
  const showingChanges = new Set(changes.reports.flatMap(r => r.dashboards.map(d => d.id)))
  for (const file of files) {
    const dashboard = file.entity?.entity
    const picture = byPath.get(file.path.replace(/\.json$/, '.svg'))
    if (!dashboard || !isDashboard(dashboard) || !picture) continue
    const change = changedBoards.get(dashboard.id)
    if (change?.kind === 'added') continue
    let markOf: MarkOf | undefined
    if (change || showingChanges.has(dashboard.id)) {
      markOf = marksOf(change, changedReports, reports)
    } else {
      const marks = readTileMarks(previous(picture.path) ?? '')
      if (marks.length === dashboard.tiles.length && marks.some(Boolean))
        markOf = (_tile, index) => marks[index]
    }
    if (markOf) picture.content = renderDashboardSvg(dashboard, reports, markOf)
  }
}

/** Tiles added, moved, resized or edited, and tiles whose report (or a report it combines) changed. */
function marksOf(
  change: DashboardChange | undefined,
  changedReports: ReadonlySet<string>,
  reports: ReadonlyMap<string, Report>
): MarkOf {
  const where = (type: string, position: {x: number; y: number}, reportId = ''): string =>
    `${type} ${position.x},${position.y} ${reportId}`
  const tiles = new Map<string, 'added' | 'changed'>()
  for (const tile of change?.tiles ?? []) {
    if (tile.kind === 'removed') continue
    tiles.set(where(tile.tile.type, tile.position, tile.tile.reportId), tile.kind)
  }
  return (tile: Tile) => {
    const kind = tileKind(tile)
    const mark = tiles.get(where(kind, tile.position, kind === 'report' ? tile.id : undefined))
    if (mark) return mark
    const report = kind === 'report' ? reports.get(tile.id) : undefined
    if (!report) return undefined
    for (const id of reachableReports([report], reports))
      if (changedReports.has(id)) return 'changed'
    return undefined
  }
}
