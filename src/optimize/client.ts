/**
 * The Optimize client: the only code in the action that sends HTTP requests.
 *
 * - Always `Authorization: Bearer` (optimize-api.md §2); a 401 renews an OAuth
 *   token once and repeats the request.
 * - Read-only calls (listing, exports, data pages, deletes of a known id) are
 *   retried with backoff and jitter on 429/502/503/504, network errors,
 *   timeouts and truncated bodies; `Retry-After` is honoured. Import is never
 *   retried: it is not idempotent (§4).
 * - Every request holds a slot of one concurrency limit, so a 1,000-dashboard
 *   collection cannot flood a production server.
 * - Proxies: HTTPS_PROXY/NO_PROXY as @actions/http-client applies them for
 *   every other action (loopback is never proxied).
 */
import {HttpClient} from '@actions/http-client'
import pLimit, {type LimitFunction} from 'p-limit'
import pRetry from 'p-retry'
import type {Dispatcher} from 'undici'
import type {DataSource} from '../entities/collection-file.js'
import {type Io} from '../io.js'
import type {ConnectionSettings} from '../settings.js'
import {createTokenProvider, type TokenProvider, type Transport} from './auth.js'
import {describeErrorBody, InvalidBodyError, OptimizeApiError, parseErrorBody} from './errors.js'
import {
  discard,
  networkError,
  readChunks,
  readText,
  retryAfter,
  sendRequest,
  sleep,
  withTimeout,
  type Reply
} from './http.js'
import {
  CollectionSchema,
  ImportedEntitySchema,
  type Collection,
  type ImportedEntity
} from './schemas.js'
import {z} from 'zod'

export interface ClientOptions {
  /** First backoff delay; later ones double, with jitter. */
  retryBaseMs?: number
  /** Longest `Retry-After` the client waits for before giving up. */
  maxRetryAfterMs?: number
}

/**
 * Reads a JSON array as its bytes arrive: `push` answers the elements a chunk
 * completes, `end` what is left (any value other than an array is checked by
 * the caller). Both throw a SyntaxError for a body that is not JSON.
 */
export interface ArrayDecoder {
  push(chunk: Uint8Array): unknown[]
  end(): unknown
}

/** How the bulk exports read their batches. */
export interface BatchOptions<T> {
  /** A decoder for each batch's body; by default `JSON.parse` of the whole body. */
  decoder?: () => ArrayDecoder
  /** Turns each element into a result as soon as it has arrived, while the rest is on its way. */
  each?: (item: unknown, index: number) => T
}

interface RequestOptions {
  query?: Record<string, string | number | undefined>
  body?: unknown
  /** Safe to send again after a transient failure. */
  idempotent: boolean
}

const IdSchema = z.object({id: z.string()})
const IdListSchema = z.array(IdSchema)

export class OptimizeClient {
  /** HTTP requests sent, retries and token requests included. */
  requestCount = 0
  readonly #limit: LimitFunction
  readonly #auth: TokenProvider
  readonly #dispatchers = new Map<string, Dispatcher | undefined>()
  readonly #retryBaseMs: number
  readonly #maxRetryAfterMs: number

  private constructor(
    private readonly connection: ConnectionSettings,
    private readonly io: Io,
    options: ClientOptions
  ) {
    this.#limit = pLimit(connection.concurrency)
    this.#retryBaseMs = options.retryBaseMs ?? connection.retryBaseMs ?? 1000
    this.#maxRetryAfterMs = options.maxRetryAfterMs ?? 120_000
    this.#auth = createTokenProvider(connection.credentials, this.transport, io)
  }

  static create(
    connection: ConnectionSettings,
    io: Io,
    options: ClientOptions = {}
  ): OptimizeClient {
    return new OptimizeClient(connection, io, options)
  }

  get batchSize(): number {
    return this.connection.batchSize
  }

  async listReportIds(collectionId: string): Promise<string[]> {
    const list = await this.json('GET', '/api/public/report', IdListSchema, {
      query: {collectionId},
      idempotent: true
    })
    return list.map(item => item.id)
  }

  async listDashboardIds(collectionId: string): Promise<string[]> {
    const list = await this.json('GET', '/api/public/dashboard', IdListSchema, {
      query: {collectionId},
      idempotent: true
    })
    return list.map(item => item.id)
  }

  /** Report definitions, `batchSize` ids a request. Combined reports bring their children (§1 row 4). */
  async exportReports<T = unknown>(
    ids: readonly string[],
    options?: BatchOptions<T>
  ): Promise<T[]> {
    return this.exportInBatches('/api/public/export/report/definition/json', ids, options)
  }

  /** Dashboards with all their reports, `batchSize` ids a request (§1 row 5). */
  async exportDashboards<T = unknown>(
    ids: readonly string[],
    options?: BatchOptions<T>
  ): Promise<T[]> {
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
    return this.json('POST', '/api/public/import', z.array(ImportedEntitySchema), {
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
      return await this.json(
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
    const created = await this.json('POST', '/api/public/collection/create', IdSchema, {
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
    await this.send(options, async () => this.attempt('PUT', path, options))
  }

  private async exportInBatches<T>(
    path: string,
    ids: readonly string[],
    {decoder = wholeBodyDecoder, each = item => item as T}: BatchOptions<T> = {}
  ): Promise<T[]> {
    const batches: string[][] = []
    for (let i = 0; i < ids.length; i += this.batchSize)
      batches.push(ids.slice(i, i + this.batchSize))
    const results = await Promise.all(
      batches.map(async batch => {
        const options = {body: batch, idempotent: true}
        return this.send(options, async () =>
          this.attemptStream('POST', path, options, 'valid JSON', async chunks =>
            readArray(chunks, decoder(), each, {method: 'POST', path})
          )
        )
      })
    )
    return results.flat()
  }

  private async deleteEntity(path: string): Promise<boolean> {
    try {
      const options = {idempotent: true}
      await this.send(options, async () => this.attempt('DELETE', path, options))
      return true
    } catch (error) {
      // After a retried delete, 404 means the first attempt went through.
      if (error instanceof OptimizeApiError && error.status === 404) return false
      throw error
    }
  }

  private async json<T>(
    method: string,
    path: string,
    schema: z.ZodType<T>,
    options: RequestOptions
  ): Promise<T> {
    return this.send(options, async () =>
      parseJson(method, path, await this.attempt(method, path, options), schema)
    )
  }

  /**
   * Runs `once` (one request, its body read and parsed) within the concurrency
   * limit, again after a transient failure when the request is idempotent.
   * Parsing is part of the attempt: a truncated body is retried like a dropped
   * connection.
   */
  private async send<T>(options: {idempotent: boolean}, once: () => Promise<T>): Promise<T> {
    return this.#limit(async () => {
      if (!options.idempotent) return once()
      return pRetry(once, {
        retries: this.connection.retries,
        minTimeout: this.#retryBaseMs,
        factor: 2,
        randomize: true,
        shouldRetry: ({error}) =>
          error instanceof OptimizeApiError &&
          error.isTransient &&
          (error.retryAfterMs ?? 0) <= this.#maxRetryAfterMs,
        onFailedAttempt: async ({error, retriesLeft}) => {
          if (!(error instanceof OptimizeApiError) || !error.isTransient || retriesLeft === 0)
            return
          this.io.info(
            `${error.message}; trying again (${retriesLeft} ${retriesLeft === 1 ? 'try' : 'tries'} left)`
          )
          if (error.retryAfterMs && error.retryAfterMs <= this.#maxRetryAfterMs)
            await sleep(error.retryAfterMs)
        }
      }).catch((error: unknown) => {
        // Out of tries on a transient failure: the bare status does not tell the user what to do.
        if (error instanceof OptimizeApiError && error.isTransient) {
          error.message += `; gave up after ${this.connection.retries} retries. Optimize may be down or overloaded: run again later, or raise 'retries' or 'timeout'.`
        }
        throw error
      })
    })
  }

  /** One request, its body as text. */
  private async attempt(method: string, path: string, options: RequestOptions): Promise<string> {
    return this.exchange(method, path, options, async response =>
      readText(response, {method, path}, this.connection.timeoutMs)
    )
  }

  /**
   * One request, its body handed to `consume` as it arrives (see
   * streamResultPage). An InvalidBodyError from `consume` means the body is
   * not `whole` (truncated?), which is worth another try.
   */
  private async attemptStream<T>(
    method: string,
    path: string,
    options: RequestOptions,
    whole: string,
    consume: (body: AsyncIterable<Uint8Array>) => Promise<T>
  ): Promise<T> {
    const label = {method, path}
    return this.exchange(method, path, options, async reply => {
      const body = reply.body
      try {
        return await consume(readChunks(body, label, this.connection.timeoutMs))
      } catch (error) {
        if (!(error instanceof InvalidBodyError)) throw error
        throw new OptimizeApiError({
          ...label,
          kind: 'invalid-response',
          // The parser's message may quote the body: redacted, and the parser's error not kept.
          message: `the response is not ${whole} (truncated?): ${this.io.redact(error.message)}`
        })
      } finally {
        // A consumer that stopped early leaves the rest unread: release the connection.
        discard(body)
      }
    })
  }

  /** One request, its successful response read by `read`; a 401 renews an OAuth token and repeats it once. */
  private async exchange<T>(
    method: string,
    path: string,
    options: RequestOptions,
    read: (reply: Reply) => Promise<T>,
    renewed = false
  ): Promise<T> {
    const url = new URL(this.connection.baseUrl + path)
    for (const [key, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value))
    }
    const headers: Record<string, string> = {
      authorization: `Bearer ${await this.#auth.token()}`,
      accept: 'application/json'
    }
    if (options.body !== undefined) headers['content-type'] = 'application/json'
    const body = options.body === undefined ? undefined : JSON.stringify(options.body)
    const label = {method, path}
    // The timeout covers reading the body too, and ends with it (see withTimeout).
    const outcome = await withTimeout(this.connection.timeoutMs, async signal => {
      const reply = await this.open(url.toString(), {method, headers, body}, label, signal)
      if (reply.status < 300) return {ok: true as const, value: await read(reply)}
      const text = await readText(reply, label, this.connection.timeoutMs)
      return {ok: false as const, status: reply.status, text, header: reply.header}
    })
    if (outcome.ok) return outcome.value
    if (outcome.status === 401 && !renewed && this.#auth.invalidate()) {
      this.io.info(`${method} ${path}: Optimize answered 401; renewing the token once`)
      return this.exchange(method, path, options, read, true)
    }
    throw this.httpError(method, path, outcome)
  }

  /** The error for an answer that is not a success, with every secret redacted from what the server said. */
  private httpError(
    method: string,
    path: string,
    response: {status: number; text: string; header: Reply['header']}
  ): OptimizeApiError {
    const body = parseErrorBody(response.text, text => this.io.redact(text))
    let message = `${response.status}`
    if (response.status < 400) {
      const location = response.header('location')
      message += ` Redirect${location ? ` to ${location}` : ''}: set 'optimize-url' to the address Optimize answers at (redirects are not followed, so the token goes nowhere else).`
    } else if (response.status === 401) {
      const challenge = response.header('www-authenticate')
      message += ` Unauthorized: Optimize rejected the token${challenge ? ` (${challenge})` : ''}. ${
        this.connection.credentials.kind === 'token'
          ? // Optimize takes api.accessToken only when api.jwtSetUri is unset; the Camunda
            // Helm chart sets it whenever Identity is on (README "Static tokens").
            "Check 'access-token': it must equal Optimize's api.accessToken. Optimize ignores that setting when api.jwtSetUri is set, as the Camunda Helm chart does with Identity: there, use 'client-id', 'client-secret' and 'oauth-url' instead."
          : "Check the client credentials, 'audience' and 'scope'."
      }`
    } else if (response.status === 403) {
      message +=
        ` Forbidden: the credentials may not use Optimize's public API. ${describeErrorBody(body)}`.trim()
    } else {
      const detail = describeErrorBody(body)
      if (detail) message += ` ${detail}`
    }
    return new OptimizeApiError({
      method,
      path,
      kind: 'http',
      status: response.status,
      body,
      // Headers quoted in the message (Location, WWW-Authenticate) are the server's words too.
      message: this.io.redact(message),
      retryAfterMs: retryAfter(response.header('retry-after'))
    })
  }

  /** One request with the proxy rules; network failures and timeouts become OptimizeApiError. */
  private async open(
    url: string,
    init: {method: string; headers: Record<string, string>; body?: string},
    label: {method: string; path: string},
    signal: AbortSignal
  ): Promise<Reply> {
    this.requestCount++
    try {
      return await sendRequest(url, init, signal, this.dispatcherFor(url))
    } catch (cause) {
      throw networkError(label, cause, this.connection.timeoutMs)
    }
  }

  /** The token requests' transport: one request, its body as text. */
  private readonly transport: Transport = async (url, init, label) =>
    withTimeout(this.connection.timeoutMs, async signal => {
      const reply = await this.open(url, init, label, signal)
      const text = await readText(reply, label, this.connection.timeoutMs)
      return {status: reply.status, text}
    })

  private dispatcherFor(url: string): Dispatcher | undefined {
    const origin = new URL(url).origin
    if (!this.#dispatchers.has(origin)) {
      this.#dispatchers.set(origin, new HttpClient('optimize-as-code').getAgentDispatcher(origin))
    }
    return this.#dispatchers.get(origin)
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
    return this.send(options, async () =>
      this.attemptStream('GET', path, options, 'a whole data page', consume)
    )
  }

  /** All collections; undefined when this Optimize has no collection endpoints (before 8.6). */
  async listCollections(): Promise<Collection[] | undefined> {
    try {
      return await this.json('GET', '/api/public/collection', z.array(CollectionSchema), {
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
    const label = {method, path: new URL(url).pathname}
    // Read-only, even as a POST (a query): retried as every other read.
    return this.send({idempotent: true}, async () => {
      const headers: Record<string, string> = {
        authorization: `Bearer ${await this.#auth.token()}`,
        accept: 'application/json'
      }
      if (body !== undefined) headers['content-type'] = 'application/json'
      const text = body === undefined ? undefined : JSON.stringify(body)
      const response = await this.transport(url, {method, headers, body: text}, label)
      // An answer that is not a success may end up in a message: redact it.
      const said = response.status < 300 ? response.text : this.io.redact(response.text)
      return {status: response.status, text: said}
    })
  }
}

/**
 * A batch's JSON array through `decoder`, each element turned into a result
 * as soon as it is in. A body that is not JSON is an InvalidBodyError (worth
 * another try); JSON that is not an array is an unexpected response.
 */
async function readArray<T>(
  chunks: AsyncIterable<Uint8Array>,
  decoder: ArrayDecoder,
  each: (item: unknown, index: number) => T,
  label: {method: string; path: string}
): Promise<T[]> {
  const items: T[] = []
  const take = (elements: unknown[]): void => {
    for (const element of elements) items.push(each(element, items.length))
  }
  try {
    for await (const chunk of chunks) take(decoder.push(chunk))
    const rest = decoder.end()
    if (!Array.isArray(rest)) {
      throw new OptimizeApiError({
        ...label,
        kind: 'http',
        message: 'unexpected response: not a JSON array'
      })
    }
    take(rest)
  } catch (error) {
    if (error instanceof SyntaxError) throw new InvalidBodyError(error.message)
    throw error
  }
  return items
}

/** The default decoder: `JSON.parse` of the whole body once it is in. */
function wholeBodyDecoder(): ArrayDecoder {
  const chunks: Uint8Array[] = []
  return {
    push: chunk => {
      chunks.push(chunk)
      return []
    },
    end: () => JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown
  }
}

function parseJson<T>(method: string, path: string, body: string, schema: z.ZodType<T>): T {
  let parsed: unknown
  try {
    parsed = JSON.parse(body)
  } catch {
    // Not the SyntaxError as a cause: its message quotes the body, which may hold a secret.
    throw new OptimizeApiError({
      method,
      path,
      kind: 'invalid-response',
      message: 'the response is not valid JSON (truncated?)'
    })
  }
  const result = schema.safeParse(parsed)
  if (!result.success) {
    throw new OptimizeApiError({
      method,
      path,
      kind: 'http',
      message: `unexpected response: ${z.prettifyError(result.error)}`
    })
  }
  return result.data
}
