/**
 * Exporting entities through the bulk endpoints: dashboards with their
 * reports, then the listed reports no dashboard brought. Used wherever the
 * action reads a whole collection (plan, import).
 */
import {ExportDecoder} from '../entities/export-text.js'
import {fromLegacy, indexEntities, type EntityIndex} from '../entities/promotion-compare.js'
import type {OptimizeClient} from './client.js'
import {EntitySchema, type Collection, type Entity} from './schemas.js'

/**
 * Optimize answers a collection's listing (GET /api/public/report or
 * dashboard?collectionId=) with one search of this size and no paging
 * (ReportReaderES/OS.getReportsForCollection, DashboardReader*,
 * DatabaseConstants.LIST_FETCH_LIMIT in camunda/camunda): a listing of
 * exactly this many may be cut short, silently.
 */
export const LIST_FETCH_LIMIT = 1000

/** The kinds whose listing may be cut short at LIST_FETCH_LIMIT. */
export function truncatedListings(
  dashboardIds: readonly string[],
  reportIds: readonly string[]
): string[] {
  return [
    ...(dashboardIds.length >= LIST_FETCH_LIMIT ? ['dashboards'] : []),
    ...(reportIds.length >= LIST_FETCH_LIMIT ? ['reports'] : [])
  ]
}

/** What the target collection holds, exported and indexed. */
export interface TargetContent {
  /** Undefined when Optimize does not know it, or has no collection endpoint. */
  collection?: Collection
  dashboardIds: string[]
  reportIds: string[]
  entities: Entity[]
  index: EntityIndex
}

export async function exportCollection(
  client: OptimizeClient,
  collectionId: string
): Promise<TargetContent> {
  const [dashboardIds, reportIds, collection] = await Promise.all([
    client.listDashboardIds(collectionId),
    client.listReportIds(collectionId),
    client.getCollection(collectionId)
  ])
  const entities = await exportEntities(client, dashboardIds, reportIds)
  return {collection, dashboardIds, reportIds, entities, index: indexEntities(entities)}
}

/**
 * Dashboards with their reports, then the listed reports no dashboard brought
 * (standalone ones): two bulk calls per `batchSize` ids, never one per entity.
 */
export async function exportEntities(
  client: OptimizeClient,
  dashboardIds: readonly string[],
  reportIds: readonly string[]
): Promise<Entity[]> {
  const entities = new Map<string, Entity>()
  const add = (raw: unknown[]): void => {
    for (const item of raw) {
      const entity = fromLegacy(item as Entity)
      // The full schema only for what the cheap shape check doubts (2,000+ entities a plan).
      if (!looksLikeEntity(entity)) {
        const parsed = EntitySchema.safeParse(entity)
        if (!parsed.success) {
          const id = (item as {id?: unknown})?.id
          throw new Error(
            `the target exported an entity this action cannot read (id ${String(id)}): ${parsed.error.issues[0]?.message}`
          )
        }
      }
      entities.set(`${entity.exportEntityType === 'dashboard' ? 'd' : 'r'}:${entity.id}`, entity)
    }
  }
  // Comparisons leave the definition XML out (Optimize refills it on import), so
  // the process XML, nearly all of an export's bytes, is never even parsed.
  const batches = {decoder: () => new ExportDecoder()}
  if (dashboardIds.length > 0) add(await client.exportDashboards(dashboardIds, batches))
  const rest = reportIds.filter(id => !entities.has(`r:${id}`))
  if (rest.length > 0) add(await client.exportReports(rest, batches))
  return [...entities.values()]
}

/** What comparing and deleting rely on; anything else goes through the full schema. */
function looksLikeEntity(value: unknown): value is Entity {
  const entity = value as Record<string, unknown>
  if (!entity || typeof entity.id !== 'string' || typeof entity.name !== 'string') return false
  if (entity.exportEntityType === 'dashboard') {
    return (
      Array.isArray(entity.tiles) &&
      Array.isArray(entity.availableFilters) &&
      (entity.tiles as Record<string, unknown>[]).every(
        t =>
          t &&
          typeof t.id === 'string' &&
          typeof t.position === 'object' &&
          t.position !== null &&
          typeof t.dimensions === 'object' &&
          t.dimensions !== null
      )
    )
  }
  const data = entity.data as Record<string, unknown> | undefined
  if (!data || typeof data !== 'object') return false
  if (entity.exportEntityType === 'combined_report')
    return (
      Array.isArray(data.reports) &&
      (data.reports as {id?: unknown}[]).every(r => typeof r?.id === 'string')
    )
  return (
    (entity.exportEntityType === 'single_process_report' ||
      entity.exportEntityType === 'single_decision_report') &&
    (data.definitions === undefined || Array.isArray(data.definitions))
  )
}
