/**
 * The Optimize client: the only caller of `fetch` in the action.
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
import {fetch as undiciFetch, type Dispatcher} from 'undici'
import type {Io} from '../io.js'
import type {ConnectionSettings} from '../settings.js'
import {createTokenProvider, type TokenProvider, type Transport} from './auth.js'
import {describeErrorBody, OptimizeApiError, parseErrorBody} from './errors.js'
import {
  CollectionSchema,
  DataPageSchema,
  ImportedEntitySchema,
  type Collection,
  type DataPage,
  type ImportedEntity
} from './schemas.js'
import {z} from 'zod'

export interface ClientOptions {
  /** First backoff delay; later ones double, with jitter. */
  retryBaseMs?: number
  /** Longest `Retry-After` the client waits for before giving up. */
  maxRetryAfterMs?: number
}

interface RequestOptions {
  query?: Record<string, string | number | undefined>
  body?: unknown
  /** Safe to send again after a transient failure. */
  idempotent: boolean
}

const TLS_CODES = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID'
])

const IdListSchema = z.array(z.object({id: z.string()}))

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
  async exportReports(ids: readonly string[]): Promise<unknown[]> {
    return this.exportInBatches('/api/public/export/report/definition/json', ids)
  }

  /** Dashboards with all their reports, `batchSize` ids a request (§1 row 5). */
  async exportDashboards(ids: readonly string[]): Promise<unknown[]> {
    return this.exportInBatches('/api/public/export/dashboard/definition/json', ids)
  }

  /** Imports entities into a collection. One attempt: Optimize creates new copies every time (§4). */
  async importEntities(
    collectionId: string,
    entities: readonly unknown[]
  ): Promise<ImportedEntity[]> {
    return this.json('POST', '/api/public/import', z.array(ImportedEntitySchema), {
      query: {collectionId},
      body: entities,
      idempotent: false
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

  /** One page of a report's result data (§5). */
  async exportResultPage(
    reportId: string,
    query: {limit?: number; paginationTimeout?: number; searchRequestId?: string}
  ): Promise<DataPage> {
    return this.json(
      'GET',
      `/api/public/export/report/${encodeURIComponent(reportId)}/result/json`,
      DataPageSchema,
      {
        query,
        idempotent: true
      }
    )
  }

  private async exportInBatches(path: string, ids: readonly string[]): Promise<unknown[]> {
    const batches: string[][] = []
    for (let i = 0; i < ids.length; i += this.batchSize)
      batches.push(ids.slice(i, i + this.batchSize))
    const results = await Promise.all(
      batches.map(async batch =>
        this.json('POST', path, z.array(z.unknown()), {body: batch, idempotent: true})
      )
    )
    return results.flat()
  }

  private async deleteEntity(path: string): Promise<boolean> {
    try {
      await this.send('DELETE', path, {idempotent: true})
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
    return this.send(method, path, options, text => parseJson(method, path, text, schema))
  }

  /** Sends a request within the concurrency limit, with retries when it is idempotent. */
  private async send<T = string>(
    method: string,
    path: string,
    options: RequestOptions,
    // Parsing is part of the attempt: a truncated body is retried like a dropped connection.
    parse: (text: string) => T = text => text as T
  ): Promise<T> {
    return this.#limit(async () => {
      if (!options.idempotent) return parse(await this.attempt(method, path, options))
      return pRetry(async () => parse(await this.attempt(method, path, options)), {
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

  /** One request; a 401 renews an OAuth token and repeats it once. */
  private async attempt(
    method: string,
    path: string,
    options: RequestOptions,
    renewed = false
  ): Promise<string> {
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
    const response = await this.transport(url.toString(), {method, headers, body}, {method, path})
    if (response.status === 401 && !renewed && this.#auth.invalidate()) {
      this.io.info(`${method} ${path}: Optimize answered 401; renewing the token once`)
      return this.attempt(method, path, options, true)
    }
    if (response.status >= 400) throw this.httpError(method, path, response)
    return response.text
  }

  private httpError(
    method: string,
    path: string,
    response: {status: number; text: string; headers: Headers}
  ): OptimizeApiError {
    const body = parseErrorBody(response.text)
    let message = `${response.status}`
    if (response.status === 401) {
      const challenge = response.headers.get('www-authenticate')
      message += ` Unauthorized: Optimize rejected the token${challenge ? ` (${challenge})` : ''}. Check 'access-token' or the client credentials and 'audience'.`
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
      message,
      retryAfterMs: retryAfter(response.headers.get('retry-after'))
    })
  }

  /** Fetch with a timeout and the proxy rules; network failures become OptimizeApiError. */
  private readonly transport: Transport = async (url, init, label) => {
    this.requestCount++
    const signal = AbortSignal.timeout(this.connection.timeoutMs)
    try {
      const response = await undiciFetch(url, {
        ...init,
        signal,
        dispatcher: this.dispatcherFor(url)
      })
      const text = await response.text()
      return {status: response.status, text, headers: response.headers}
    } catch (cause) {
      throw networkError(label, cause, this.connection.timeoutMs)
    }
  }

  private dispatcherFor(url: string): Dispatcher | undefined {
    const origin = new URL(url).origin
    if (!this.#dispatchers.has(origin)) {
      this.#dispatchers.set(origin, new HttpClient('optimize-as-code').getAgentDispatcher(origin))
    }
    return this.#dispatchers.get(origin)
  }

  /**
   * One page of a report's result data (§5) as `decode` reads it from the body
   * text, for export-data, which splits the rows without parsing them (10,000-row
   * pages). A body `decode` rejects is treated like a truncated one: a transient
   * `invalid-response`, fetched again like any other read.
   */
  async exportResultPageText<T>(
    reportId: string,
    query: {limit?: number; paginationTimeout?: number; searchRequestId?: string},
    decode: (text: string) => T
  ): Promise<T> {
    const path = `/api/public/export/report/${encodeURIComponent(reportId)}/result/json`
    return this.send('GET', path, {query, idempotent: true}, text => {
      try {
        return decode(text)
      } catch (cause) {
        throw new OptimizeApiError({
          method: 'GET',
          path,
          kind: 'invalid-response',
          message: `the response is not a whole data page (truncated?): ${(cause as Error).message}`,
          cause
        })
      }
    })
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
    return this.#limit(async () =>
      pRetry(
        async () => {
          const headers: Record<string, string> = {
            authorization: `Bearer ${await this.#auth.token()}`,
            accept: 'application/json'
          }
          if (body !== undefined) headers['content-type'] = 'application/json'
          const text = body === undefined ? undefined : JSON.stringify(body)
          const response = await this.transport(url, {method, headers, body: text}, label)
          return {status: response.status, text: response.text}
        },
        {
          retries: this.connection.retries,
          minTimeout: this.#retryBaseMs,
          shouldRetry: ({error}) => error instanceof OptimizeApiError && error.isTransient
        }
      )
    )
  }
}

function parseJson<T>(method: string, path: string, text: string, schema: z.ZodType<T>): T {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (cause) {
    throw new OptimizeApiError({
      method,
      path,
      kind: 'invalid-response',
      message: 'the response is not valid JSON (truncated?)',
      cause
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

function networkError(
  label: {method: string; path: string},
  cause: unknown,
  timeoutMs: number
): OptimizeApiError {
  const error = cause as {
    name?: string
    message?: string
    cause?: {code?: string; message?: string}
  }
  if (error?.name === 'TimeoutError' || error?.name === 'AbortError') {
    return new OptimizeApiError({
      ...label,
      kind: 'timeout',
      message: `no answer within ${timeoutMs / 1000} s (input 'timeout')`,
      cause
    })
  }
  const code = error?.cause?.code
  if (code && TLS_CODES.has(code)) {
    return new OptimizeApiError({
      ...label,
      kind: 'auth',
      message: `TLS certificate not trusted (${code}). For a self-signed or corporate CA, set NODE_EXTRA_CA_CERTS to the CA's PEM file in the step's env.`,
      cause
    })
  }
  const reason = error?.cause?.message ?? error?.message ?? String(cause)
  return new OptimizeApiError({
    ...label,
    kind: 'network',
    message: `network error: ${reason}${code ? ` (${code})` : ''}`,
    cause
  })
}

/** `Retry-After` as milliseconds: delay-seconds or an HTTP date. */
function retryAfter(header: string | null): number | undefined {
  if (!header) return undefined
  if (/^\d+$/.test(header.trim())) return Number(header) * 1000
  const date = Date.parse(header)
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now())
}

async function sleep(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms))
}
