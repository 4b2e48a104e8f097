/**
 * Exporting entities through the bulk endpoints, the one way export, plan
 * and import read entities from Optimize.
 */
import {z} from 'zod'
import {toCanonicalJson} from '../entities/canonical-json.js'
import {fromLegacy, indexEntities, type EntityIndex} from '../entities/promotion-compare.js'
import type {BatchOptions, OptimizeClient} from './client.js'
import {OptimizeApiError} from './errors.js'
import {ExportDecoder} from './export-decoder.js'
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
  /** Dashboards Optimize could not export: a tile references a deleted report. */
  dangling: string[]
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
  const {entities, dangling} = await exportEntities(client, dashboardIds, reportIds)
  return {collection, dashboardIds, reportIds, entities, dangling, index: indexEntities(entities)}
}

/** What the bulk export endpoints answered for a selection. */
export interface Exported {
  /** One per kind and id, dashboards with `tiles` whatever the Optimize line. */
  entities: Entity[]
  /** Dashboards left out: a tile references a report that no longer exists. */
  dangling: string[]
}

/** Optimize's detailed message for a dashboard with a dangling tile (optimize-api.md §1 row 5). */
const DANGLING_TILE = 'Could not retrieve some reports required by this dashboard'

/**
 * Dashboards with their reports, then the listed reports no dashboard
 * brought (standalone ones): bulk calls of `batchSize` ids, never one per
 * entity. Each entity is decoded as its bytes arrive, without the process
 * XML nobody keeps (export-decoder.ts), and checked against the schemas.
 *
 * A dashboard whose tile references a deleted report fails its whole batch
 * with 500 (§1 row 5): the batch is split until that dashboard is alone, and
 * only it is left out (`dangling`). A report on two dashboards comes twice;
 * two different versions of one entity are refused, naming it.
 */
export async function exportEntities(
  client: OptimizeClient,
  dashboardIds: readonly string[],
  reportIds: readonly string[]
): Promise<Exported> {
  const entities = new Map<string, Entity>()
  const add = (exported: readonly Entity[]): void => {
    for (const entity of exported) {
      const kind = kindOf(entity)
      const key = entityKey(kind, entity.id)
      const seen = entities.get(key)
      if (seen && toCanonicalJson(seen) !== toCanonicalJson(entity)) {
        throw new Error(
          `Optimize answered two different versions of ${kind} ${entity.id} ('${entity.name}') in one export; nothing was written. Run again; if it happens again, the entity may have been changed during the export.`
        )
      }
      entities.set(key, entity)
    }
  }
  const batches: BatchOptions = {decoder: () => new ExportDecoder(), each: checked}
  const chunks: string[][] = []
  for (let i = 0; i < dashboardIds.length; i += client.batchSize)
    chunks.push(dashboardIds.slice(i, i + client.batchSize))
  const parts = await Promise.all(chunks.map(async ids => isolating(client, ids, batches)))
  for (const part of parts) add(part.entities)
  const rest = reportIds.filter(id => !entities.has(entityKey('report', id)))
  if (rest.length > 0) add(await client.exportReports(rest, batches))
  return {entities: [...entities.values()], dangling: parts.flatMap(part => part.dangling)}
}

/** Dashboards and reports have ids of their own: the key tells them apart. */
export function entityKey(kind: 'dashboard' | 'report', id: string): string {
  return `${kind}:${id}`
}

export function kindOf(entity: Pick<Entity, 'exportEntityType'>): 'dashboard' | 'report' {
  return entity.exportEntityType === 'dashboard' ? 'dashboard' : 'report'
}

async function isolating(
  client: OptimizeClient,
  ids: readonly string[],
  batches: BatchOptions
): Promise<{entities: Entity[]; dangling: string[]}> {
  try {
    return {entities: await client.exportDashboards(ids, batches), dangling: []}
  } catch (error) {
    if (!isDanglingTile(error)) throw error
    if (ids.length === 1) return {entities: [], dangling: [...ids]}
    const half = Math.ceil(ids.length / 2)
    const parts = await Promise.all([
      isolating(client, ids.slice(0, half), batches),
      isolating(client, ids.slice(half), batches)
    ])
    return {
      entities: parts.flatMap(part => part.entities),
      dangling: parts.flatMap(part => part.dangling)
    }
  }
}

function isDanglingTile(error: unknown): boolean {
  if (!(error instanceof OptimizeApiError) || error.status !== 500) return false
  const {detailedMessage, errorMessage} = error.body ?? {}
  return `${detailedMessage ?? ''} ${errorMessage ?? ''}`.includes(DANGLING_TILE)
}

/**
 * An exported entity as this action reads it: a dashboard of Optimize 3.9
 * and older (`reports`) in today's shape (`tiles`), then the schema.
 */
function checked(value: unknown, index: number): Entity {
  const result = EntitySchema.safeParse(fromLegacy(value as Entity))
  if (result.success) return result.data
  const id = typeof value === 'object' && value && 'id' in value ? String(value.id) : `#${index}`
  throw new Error(
    `Optimize returned an entity that is not a valid export (id ${id}): ${z.prettifyError(result.error)}`
  )
}
