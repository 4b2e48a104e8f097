/**
 * What `export` fetches: the listed dashboards and reports, or a collection's,
 * each entity checked and normalized as soon as its bytes are in, through the
 * bulk export endpoints in batches (never one call per dashboard).
 *
 * - An unknown `collection-id` is refused before anything is written:
 *   Optimize lists an unknown collection as empty (optimize-api.md §1 rows
 *   1–2), so an empty listing is checked with the collection endpoint (8.6+).
 * - A dashboard whose tile references a deleted report fails its whole batch
 *   with 500 "Could not retrieve some reports required by this dashboard."
 *   (§1 row 5): the batch is split until that dashboard is alone, and only it
 *   is left out, named.
 */
import {z} from 'zod'
import {ExportDecoder} from './entities/export-text.js'
import {normalizeEntity, type NormalizedEntity} from './entities/normalize.js'
import type {Io} from './io.js'
import type {BatchOptions, OptimizeClient} from './optimize/client.js'
import {OptimizeApiError} from './optimize/errors.js'
import {EntitySchema, isDashboard, tileReportIds} from './optimize/schemas.js'
import type {Settings} from './settings.js'

export interface Selection {
  /** Every entity as Optimize answered it, repeats included (a report on two dashboards). */
  entities: NormalizedEntity[]
  /** Dashboards left out because a tile references a report that no longer exists. */
  danglingDashboards: string[]
  /** The collection lists nothing (empty, or unknown to an Optimize that cannot tell). */
  emptyCollection: boolean
}

/** Optimize's detailed message for a dashboard with a dangling tile (§1 row 5). */
const DANGLING_TILE = 'Could not retrieve some reports required by this dashboard'

export async function fetchSelection(
  settings: Settings,
  client: OptimizeClient,
  io: Io
): Promise<Selection> {
  const batches = exportBatches()
  const dashboardIds = [...settings.dashboardIds]
  const reportIds = [...settings.reportIds]
  let collectionReportIds: string[] = []
  let emptyCollection = false
  if (settings.collectionId) {
    const id = settings.collectionId
    const [dashboards, reports] = await Promise.all([
      client.listDashboardIds(id),
      client.listReportIds(id)
    ])
    io.info(`Collection ${id} has ${dashboards.length} dashboards and ${reports.length} reports`)
    if (!dashboards.length && !reports.length) {
      emptyCollection = true
      await checkCollectionExists(client, id, io)
    }
    dashboardIds.push(...dashboards.filter(d => !dashboardIds.includes(d)))
    collectionReportIds = reports
  }

  const {entities, dangling} = await exportDashboards(client, dashboardIds, batches)
  const have = new Set(entities.map(({entity}) => entity.id))
  const onDashboards = new Set(
    entities.flatMap(({entity}) => (isDashboard(entity) ? tileReportIds(entity) : []))
  )
  // A collection's reports that sit on no dashboard are exported as standalone reports.
  const standalone = collectionReportIds.filter(id => !onDashboards.has(id))
  const missing = [...reportIds, ...standalone].filter(
    (id, i, all) => !have.has(id) && all.indexOf(id) === i
  )
  if (missing.length) entities.push(...(await client.exportReports(missing, batches)))
  return {entities, danglingDashboards: dangling, emptyCollection}
}

/**
 * Refuses a collection Optimize does not know. Before 8.6 there is no
 * collection endpoint, and an unknown collection cannot be told from an
 * empty one: a warning says so.
 */
async function checkCollectionExists(client: OptimizeClient, id: string, io: Io): Promise<void> {
  if (await client.getCollection(id)) {
    io.warning(`Collection '${id}' is empty.`)
    return
  }
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

/** Dashboards with their reports, a batch a request; a batch with a dangling tile is split. */
async function exportDashboards(
  client: OptimizeClient,
  ids: readonly string[],
  batches: BatchOptions<NormalizedEntity>
): Promise<{entities: NormalizedEntity[]; dangling: string[]}> {
  const chunks: string[][] = []
  for (let i = 0; i < ids.length; i += client.batchSize)
    chunks.push(ids.slice(i, i + client.batchSize))
  const parts = await Promise.all(
    chunks.map(async chunk => exportIsolating(client, chunk, batches))
  )
  return {
    entities: parts.flatMap(part => part.entities),
    dangling: parts.flatMap(part => part.dangling)
  }
}

async function exportIsolating(
  client: OptimizeClient,
  ids: readonly string[],
  batches: BatchOptions<NormalizedEntity>
): Promise<{entities: NormalizedEntity[]; dangling: string[]}> {
  try {
    return {entities: await client.exportDashboards(ids, batches), dangling: []}
  } catch (error) {
    if (!isDanglingTile(error)) throw error
    if (ids.length === 1) return {entities: [], dangling: [...ids]}
    const half = Math.ceil(ids.length / 2)
    const parts = await Promise.all([
      exportIsolating(client, ids.slice(0, half), batches),
      exportIsolating(client, ids.slice(half), batches)
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
 * How export reads its batches: each entity as soon as its bytes are in,
 * while the rest of its batch is still arriving, without building the process
 * XML it drops anyway (entities/export-text.ts); checked against the entity
 * schemas and normalized.
 */
function exportBatches(): BatchOptions<NormalizedEntity> {
  return {
    decoder: () => new ExportDecoder(),
    each: (value, index) => {
      const result = EntitySchema.safeParse(value)
      if (!result.success) {
        const id =
          typeof value === 'object' && value && 'id' in value ? String(value.id) : `#${index}`
        throw new Error(
          `Optimize returned an entity that is not a valid export (id ${id}): ${z.prettifyError(result.error)}`
        )
      }
      return normalizeEntity(result.data)
    }
  }
}
