/**
 * How every request to Optimize travels: the one place that sends HTTP.
 * client.ts names the endpoints; this module is the policy they share.
 *
 * - Always `Authorization: Bearer` (optimize-api.md §2); a 401 renews an OAuth
 *   token once and repeats the request.
 * - Read-only calls (listing, exports, data pages, deletes of a known id) are
 *   retried with backoff and jitter on 429/502/503/504, network errors,
 *   timeouts and truncated bodies; `Retry-After` is honoured; a host name that
 *   does not resolve fails at once (EAI_AGAIN after one more try). Import is
 *   never retried: it is not idempotent (§4).
 * - Every request holds a slot of one concurrency limit, so a 1,000-dashboard
 *   collection cannot flood a production server.
 * - Proxies: HTTPS_PROXY/NO_PROXY as @actions/http-client applies them for
 *   every other action (loopback is never proxied).
 */
import {setTimeout as sleep} from 'node:timers/promises'
import {HttpClient} from '@actions/http-client'
import pLimit, {type LimitFunction} from 'p-limit'
import pRetry from 'p-retry'
import type {Dispatcher} from 'undici'
import type {z} from 'zod'
import type {Io} from '../io.js'
import type {ConnectionSettings} from '../settings.js'
import {createTokenProvider, type TokenProvider, type Transport} from './auth.js'
import {InvalidBodyError, OptimizeApiError} from './errors.js'
import {
  discard,
  networkError,
  readChunks,
  readText,
  sendRequest,
  withTimeout,
  type Reply
} from './http.js'
import {dnsCode, dnsRetry, httpError, inputOfHost, parseJson} from './responses.js'

/** Longest `Retry-After` the client waits for before giving up. */
const MAX_RETRY_AFTER_MS = 120_000

export interface RequestOptions {
  query?: Record<string, string | number | undefined>
  body?: unknown
  /** Safe to send again after a transient failure. */
  idempotent: boolean
}

export class OptimizeTransport {
  /** HTTP requests sent, retries and token requests included. */
  requestCount = 0
  readonly #limit: LimitFunction
  readonly #auth: TokenProvider
  readonly #dispatchers = new Map<string, Dispatcher | undefined>()

  constructor(
    private readonly connection: ConnectionSettings,
    private readonly io: Io
  ) {
    this.#limit = pLimit(connection.concurrency)
    this.#auth = createTokenProvider(connection.credentials, this.transport, io)
  }

  /** One request, its body as text (retried when idempotent). */
  async text(method: string, path: string, options: RequestOptions): Promise<string> {
    return this.send(options, async () => this.attempt(method, path, options))
  }

  /**
   * One request, its body handed to `consume` as it arrives, within the
   * request's timeout and retries: a body that breaks off, or that `consume`
   * rejects with an InvalidBodyError (the body is not `whole`), is fetched
   * again like any other read, so `consume` must undo what it did before it
   * throws.
   */
  async stream<T>(
    method: string,
    path: string,
    options: RequestOptions,
    whole: string,
    consume: (body: AsyncIterable<Uint8Array>) => Promise<T>
  ): Promise<T> {
    return this.send(options, async () => {
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
    })
  }

  /** One request whose answer is JSON of `schema`. */
  async json<T>(
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
        minTimeout: this.connection.retryBaseMs ?? 1000,
        factor: 2,
        randomize: true,
        shouldRetry: ({error, attemptNumber}) =>
          dnsRetry(error, attemptNumber) ??
          (error instanceof OptimizeApiError &&
            error.isTransient &&
            (error.retryAfterMs ?? 0) <= MAX_RETRY_AFTER_MS),
        onFailedAttempt: async ({error, retriesLeft, attemptNumber}) => {
          if (!(error instanceof OptimizeApiError) || !error.isTransient || retriesLeft === 0)
            return
          const dns = dnsRetry(error, attemptNumber)
          if (dns === false) return
          const left = dns ? 1 : retriesLeft
          this.io.info(
            `${error.message}; trying again (${left} ${left === 1 ? 'try' : 'tries'} left)`
          )
          if (error.retryAfterMs && error.retryAfterMs <= MAX_RETRY_AFTER_MS)
            await sleep(error.retryAfterMs)
        }
      }).catch((error: unknown) => {
        // Out of tries on a transient failure: the bare status does not tell the user what to do.
        if (error instanceof OptimizeApiError && error.isTransient && !dnsCode(error)) {
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
    const {headers, body} = await this.request(options.body)
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
    throw httpError(method, path, outcome, {
      redact: text => this.io.redact(text),
      staticToken: this.connection.credentials.kind === 'token'
    })
  }

  /** The headers (the token, JSON) and the JSON text of a request's body. */
  private async request(value: unknown): Promise<{headers: Record<string, string>; body?: string}> {
    const headers: Record<string, string> = {
      authorization: `Bearer ${await this.#auth.token()}`,
      accept: 'application/json'
    }
    if (value === undefined) return {headers}
    headers['content-type'] = 'application/json'
    return {headers, body: JSON.stringify(value)}
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
      const dns = dnsCode(cause)
      if (!dns) throw networkError(label, cause, this.connection.timeoutMs)
      const host = (cause as {hostname?: string}).hostname ?? new URL(url).hostname
      throw new OptimizeApiError({
        ...label,
        kind: 'network',
        message: `the host name ${host} cannot be resolved (${dns}): check ${inputOfHost(host, url, this.connection)}`,
        cause
      })
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

  /** One read-only request to another API with Optimize's credentials (OptimizeClient.requestWithCredentials). */
  async requestWithCredentials(
    method: 'GET' | 'POST',
    url: string,
    body?: unknown
  ): Promise<{status: number; text: string}> {
    const label = {method, path: new URL(url).pathname}
    // Read-only, even as a POST (a query): retried as every other read.
    return this.send({idempotent: true}, async () => {
      const request = await this.request(body)
      const response = await this.transport(url, {method, ...request}, label)
      // An answer that is not a success may end up in a message: redact it.
      const said = response.status < 300 ? response.text : this.io.redact(response.text)
      return {status: response.status, text: said}
    })
  }
}
