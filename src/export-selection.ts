/**
 * What `export` fetches: the listed dashboards and reports, or a collection's,
 * through the bulk export endpoints (optimize/entities.ts).
 *
 * An unknown `collection-id` is refused before anything is written: Optimize
 * lists an unknown collection as empty (optimize-api.md §1 rows 1–2), so an
 * empty listing is checked with the collection endpoint (8.6+).
 */
import type {Io} from './io.js'
import type {OptimizeClient} from './optimize/client.js'
import {exportEntities, LIST_FETCH_LIMIT, truncatedListings} from './optimize/entities.js'
import type {Collection, Entity} from './optimize/schemas.js'
import type {Settings} from './settings.js'

export interface Selection {
  /** One per kind and id, as Optimize answered them. */
  entities: Entity[]
  /** Dashboards left out because a tile references a report that no longer exists. */
  danglingDashboards: string[]
  /** The collection lists nothing (empty, or unknown to an Optimize that cannot tell). */
  emptyCollection: boolean
  /**
   * The collection, as GET /api/public/collection/{id} answers it; undefined
   * when exporting by ids, or when this Optimize (before 8.6) has no such endpoint.
   */
  collection?: Collection
}

export async function fetchSelection(
  settings: Settings,
  client: OptimizeClient,
  io: Io
): Promise<Selection> {
  const dashboardIds = [...settings.dashboardIds]
  const reportIds = [...settings.reportIds]
  let emptyCollection = false
  let collection: Collection | undefined
  if (settings.collectionId) {
    const id = settings.collectionId
    const [dashboards, reports, read] = await Promise.all([
      client.listDashboardIds(id),
      client.listReportIds(id),
      client.getCollection(id)
    ])
    collection = read
    io.info(`Collection ${id} has ${dashboards.length} dashboards and ${reports.length} reports`)
    const cut = truncatedListings(dashboards, reports)
    if (cut.length > 0)
      io.warning(
        `Collection ${id} lists exactly ${LIST_FETCH_LIMIT} ${cut.join(' and ')}, where Optimize stops a listing (LIST_FETCH_LIMIT, no paging): it may hold more, which this export cannot see, and the files of those are removed from the folder as if they were gone. Export them by 'dashboard-ids' and 'report-ids', or split the collection.`
      )
    if (!dashboards.length && !reports.length) {
      emptyCollection = true
      if (collection) io.warning(`Collection '${id}' is empty.`)
      else await checkCollectionExists(client, id, io)
    }
    dashboardIds.push(...dashboards.filter(d => !dashboardIds.includes(d)))
    reportIds.push(...reports)
  }

  // A collection's reports that no dashboard brought are exported as standalone reports.
  const {entities, dangling} = await exportEntities(client, dashboardIds, [...new Set(reportIds)])
  return {entities, danglingDashboards: dangling, emptyCollection, collection}
}

/**
 * Refuses a collection Optimize does not know. Before 8.6 there is no
 * collection endpoint, and an unknown collection cannot be told from an
 * empty one: a warning says so.
 */
async function checkCollectionExists(client: OptimizeClient, id: string, io: Io): Promise<void> {
  const all = await client.listCollections()
  if (all === undefined) {
    io.warning(
      `Collection '${id}' lists nothing: it is empty or does not exist (this Optimize, before 8.6, answers both the same way).`
    )
    return
  }
  if (all.some(collection => collection.id === id)) return
  throw new Error(
    `Collection '${id}' does not exist in Optimize (GET /api/public/collection/${id} answered 404); nothing was written. Check the input 'collection-id'.`
  )
}
