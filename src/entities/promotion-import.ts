/**
 * Pure parts of `import`: which entities it sends and in what batches, and
 * the payload of one batch. Recognising what an import created is
 * promotion-copies.ts.
 */
import {isDashboard, LAST_LEGACY_DASHBOARD_INDEX, type Entity} from '../optimize/schemas.js'
import {toImportPayload} from './normalize.js'
import {entityOf, reachableReports, type EntityIndex} from './promotion-compare.js'
import type {PlanItem} from './promotion-plan.js'

/**
 * The entities in the files of the plan's items that import brings in
 * (create and replace): the dashboard or standalone report each stands for.
 * `files` maps an entity id to its file.
 */
export function plannedRoots(
  items: readonly PlanItem[],
  files: ReadonlyMap<string, string>,
  git: EntityIndex
): {item: PlanItem; root: Entity}[] {
  const byFile = new Map([...files].map(([id, file]) => [file, id]))
  return items
    .filter(item => item.action === 'create' || item.action === 'replace')
    .map(item => {
      const id = item.file ? byFile.get(item.file) : undefined
      const root = id === undefined ? undefined : entityOf(git, item.kind, id)
      if (!root) throw new Error(`plan item ${item.kind} '${item.name}' has no file`)
      return {item, root}
    })
}

/**
 * The entities of the files one import sends for several units (dashboards
 * or standalone reports): each root with every report it reaches. A report
 * shared by several units of the batch is sent once.
 */
export function batchEntities(roots: readonly Entity[], git: EntityIndex): Entity[] {
  const reports = [...reachableReports(roots, git.reports)].sort()
  return [...reports.flatMap(id => git.reports.get(id) ?? []), ...roots.filter(isDashboard)]
}

/**
 * The units in import batches of at most `count` units and `bytes` bytes of
 * request body: proxies in front of Optimize cap request bodies (ingress-nginx
 * at 1 MB unless told otherwise), and every write uses an immediate refresh,
 * so large bodies also time out. A unit larger than `bytes` on its own goes
 * alone (a unit cannot be split), and is named in `oversized`.
 */
export function importBatches(
  roots: readonly Entity[],
  git: EntityIndex,
  decisionXml: ReadonlyMap<string, string | undefined>,
  limit: {count: number; bytes: number}
): {batches: Entity[][]; oversized: {root: Entity; bytes: number}[]} {
  const batches: Entity[][] = []
  const oversized: {root: Entity; bytes: number}[] = []
  let batch: Entity[] = []
  let bytes = 0
  for (const root of roots) {
    // Each unit counted whole: a report two units of a batch share is sent once, so this errs low.
    const size = Buffer.byteLength(
      JSON.stringify(batchPayload(batchEntities([root], git), decisionXml))
    )
    if (size > limit.bytes) oversized.push({root, bytes: size})
    if (batch.length > 0 && (batch.length >= limit.count || bytes + size > limit.bytes)) {
      batches.push(batch)
      batch = []
      bytes = 0
    }
    batch.push(root)
    bytes += size
  }
  if (batch.length > 0) batches.push(batch)
  return {batches, oversized}
}

/** The import body of `entities` (batchEntities): as Optimize's import reads them. */
export function batchPayload(
  entities: readonly Entity[],
  decisionXml: ReadonlyMap<string, string | undefined>,
  ids: ReadonlyMap<string, string> = new Map()
): Entity[] {
  return entities.map(entity =>
    isDashboard(entity)
      ? toLegacyIfNeeded(withReportIds(toImportPayload(entity), ids))
      : withReportIds(toImportPayload(entity, decisionXml.get(entity.id)), ids)
  )
}

/**
 * The entity with the report ids of `ids` (file id → other id) put in place:
 * a report's own id, a combined report's parts, a dashboard's report tiles.
 * Two-step imports send reports under the ids their first copies got.
 */
export function withReportIds(entity: Entity, ids: ReadonlyMap<string, string>): Entity {
  if (ids.size === 0) return entity
  const to = (id: string): string => ids.get(id) ?? id
  if (isDashboard(entity))
    return {...entity, tiles: entity.tiles.map(tile => ({...tile, id: to(tile.id)}))}
  if (entity.exportEntityType === 'combined_report')
    return {
      ...entity,
      id: to(entity.id),
      data: {...entity.data, reports: entity.data.reports.map(r => ({...r, id: to(r.id)}))}
    }
  return {...entity, id: to(entity.id)}
}

/** Optimize 3.9 and older read dashboards from `reports` (no tile type, URL as id). */
function toLegacyIfNeeded(dashboard: Entity): Entity {
  if (!isDashboard(dashboard) || (dashboard.sourceIndexVersion ?? 0) > LAST_LEGACY_DASHBOARD_INDEX)
    return dashboard
  const {tiles, ...rest} = dashboard
  const reports = tiles.map(({type, ...tile}) => {
    const external = (tile.configuration as {external?: unknown} | null)?.external
    return type === 'external_url' && typeof external === 'string' ? {...tile, id: external} : tile
  })
  return {...rest, reports} as unknown as Entity
}
