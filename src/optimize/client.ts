/**
 * The Optimize client: one method per endpoint of Optimize's public API
 * (optimize-api.md §1), in Optimize's words. Every request goes through
 * transport.ts, the only code that sends HTTP: authentication, retries of
 * reads, the concurrency limit, proxies and timeouts are decided there.
 */
import type {DataSource} from '../entities/collection-file.js'
import type {Io} from '../io.js'
import type {ConnectionSettings} from '../settings.js'
import {OptimizeApiError} from './errors.js'
import {readArray, type ArrayDecoder} from './responses.js'
import {
  CollectionSchema,
  ImportedEntitySchema,
  type Collection,
  type Entity,
  type ImportedEntity
} from './schemas.js'
import {OptimizeTransport, type RequestOptions} from './transport.js'
import {z} from 'zod'

/** How the bulk exports read their batches. */
export interface BatchOptions {
  /** A decoder for each batch's body. */
  decoder: () => ArrayDecoder
  /** Turns each element into an entity as soon as it has arrived, while the rest is on its way. */
  each: (item: unknown, index: number) => Entity
}

const IdSchema = z.object({id: z.string()})
const IdListSchema = z.array(IdSchema)

export class OptimizeClient {
  readonly #http: OptimizeTransport

  private constructor(
    private readonly connection: ConnectionSettings,
    io: Io
  ) {
    this.#http = new OptimizeTransport(connection, io)
  }

  /** HTTP requests sent, retries and token requests included. */
  get requestCount(): number {
    return this.#http.requestCount
  }

  static create(connection: ConnectionSettings, io: Io): OptimizeClient {
    return new OptimizeClient(connection, io)
  }

  get batchSize(): number {
    return this.connection.batchSize
  }

  async listReportIds(collectionId: string): Promise<string[]> {
    const list = await this.#http.json('GET', '/api/public/report', IdListSchema, {
      query: {collectionId},
      idempotent: true
    })
    return list.map(item => item.id)
  }

  async listDashboardIds(collectionId: string): Promise<string[]> {
    const list = await this.#http.json('GET', '/api/public/dashboard', IdListSchema, {
      query: {collectionId},
      idempotent: true
    })
    return list.map(item => item.id)
  }

  /** Report definitions, `batchSize` ids a request. Combined reports bring their children (§1 row 4). */
  async exportReports(ids: readonly string[], options: BatchOptions): Promise<Entity[]> {
    return this.exportInBatches('/api/public/export/report/definition/json', ids, options)
  }

  /** Dashboards with all their reports, `batchSize` ids a request (§1 row 5). */
  async exportDashboards(ids: readonly string[], options: BatchOptions): Promise<Entity[]> {
    return this.exportInBatches('/api/public/export/dashboard/definition/json', ids, options)
  }

  /**
   * Imports entities into a collection. One attempt: Optimize creates new
   * copies every time (§4). A dry run (optimize/dry-run.ts), built to be
   * refused before anything is written, is retried like a read; it carries
   * `dryRun=true`, a query parameter Optimize ignores, so that its access log
   * tells dry runs from imports.
   */
  async importEntities(
    collectionId: string,
    entities: readonly unknown[],
    options: {dryRun?: boolean} = {}
  ): Promise<ImportedEntity[]> {
    return this.#http.json('POST', '/api/public/import', z.array(ImportedEntitySchema), {
      query: {collectionId, dryRun: options.dryRun ? 'true' : undefined},
      body: entities,
      idempotent: options.dryRun === true
    })
  }

  /** Deletes a report; false when it was already gone. */
  async deleteReport(id: string): Promise<boolean> {
    return this.deleteEntity(`/api/public/report/${encodeURIComponent(id)}`)
  }

  /** Deletes a dashboard, not its reports (§1 row 8); false when it was already gone. */
  async deleteDashboard(id: string): Promise<boolean> {
    return this.deleteEntity(`/api/public/dashboard/${encodeURIComponent(id)}`)
  }

  /** The collection, or undefined when Optimize does not know it (8.6+ endpoint). */
  async getCollection(id: string): Promise<Collection | undefined> {
    try {
      return await this.#http.json(
        'GET',
        `/api/public/collection/${encodeURIComponent(id)}`,
        CollectionSchema,
        {idempotent: true}
      )
    } catch (error) {
      if (error instanceof OptimizeApiError && error.status === 404) return undefined
      throw error
    }
  }

  /**
   * Creates a collection owned by `ownerId` (8.6+, PublicApiRestService
   * createCollection); answers its id. Never retried: each call makes one.
   */
  async createCollection(name: string, ownerId: string): Promise<string> {
    const created = await this.#http.json('POST', '/api/public/collection/create', IdSchema, {
      body: {name, ownerId},
      idempotent: false
    })
    return created.id
  }

  /**
   * Adds data sources to a collection (8.6+, PUT …/scope). Optimize merges
   * them into the scope (CollectionWriter.addScopeEntriesToCollection: an
   * existing entry gets the union of tenants) and removes none, so a repeat
   * changes nothing and the call is retried like a read.
   */
  async addCollectionScope(id: string, sources: readonly DataSource[]): Promise<void> {
    const path = `/api/public/collection/${encodeURIComponent(id)}/scope`
    const options = {body: sources.map(s => ({...s})), idempotent: true}
    await this.#http.text('PUT', path, options)
  }

  private async exportInBatches(
    path: string,
    ids: readonly string[],
    {decoder, each}: BatchOptions
  ): Promise<Entity[]> {
    const batches: string[][] = []
    for (let i = 0; i < ids.length; i += this.batchSize)
      batches.push(ids.slice(i, i + this.batchSize))
    const results = await Promise.all(
      batches.map(async batch => {
        const options = {body: batch, idempotent: true}
        return this.#http.stream('POST', path, options, 'valid JSON', async chunks =>
          readArray(chunks, decoder(), each, {method: 'POST', path})
        )
      })
    )
    return results.flat()
  }

  private async deleteEntity(path: string): Promise<boolean> {
    try {
      const options = {idempotent: true}
      await this.#http.text('DELETE', path, options)
      return true
    } catch (error) {
      // After a retried delete, 404 means the first attempt went through.
      if (error instanceof OptimizeApiError && error.status === 404) return false
      throw error
    }
  }

  /**
   * One page of a report's result data (§5), its body handed to `consume` as
   * it arrives, for export-data (10,000-row pages are never held whole).
   * `consume` runs within the request's timeout and retries: a body that
   * breaks off, or that `consume` rejects with an InvalidBodyError, is fetched
   * again like any other read, so `consume` must undo what it did before it
   * throws.
   */
  async streamResultPage<T>(
    reportId: string,
    query: {limit?: number; paginationTimeout?: number; searchRequestId?: string},
    consume: (body: AsyncIterable<Uint8Array>) => Promise<T>
  ): Promise<T> {
    const path = `/api/public/export/report/${encodeURIComponent(reportId)}/result/json`
    const options: RequestOptions = {query, idempotent: true}
    return this.#http.stream('GET', path, options, 'a whole data page', consume)
  }

  /** All collections; undefined when this Optimize has no collection endpoints (before 8.6). */
  async listCollections(): Promise<Collection[] | undefined> {
    try {
      return await this.#http.json('GET', '/api/public/collection', z.array(CollectionSchema), {
        idempotent: true
      })
    } catch (error) {
      if (error instanceof OptimizeApiError && (error.status === 404 || error.status === 405))
        return undefined
      throw error
    }
  }

  /**
   * One read-only request to another API with Optimize's credentials (the
   * engine REST API the plan asks about definitions). Answers any HTTP status
   * instead of throwing; network failures are retried like other reads.
   */
  async requestWithCredentials(
    method: 'GET' | 'POST',
    url: string,
    body?: unknown
  ): Promise<{status: number; text: string}> {
    return this.#http.requestWithCredentials(method, url, body)
  }
}
