/**
 * The HTTP plumbing under the Optimize client: one request through undici,
 * timeouts that end with the request, body reading that turns a broken
 * connection into an OptimizeApiError, and the translation of network
 * failures into messages that say what to do.
 */
import {pipeline, type Readable} from 'node:stream'
import {createBrotliDecompress, createGunzip, createInflate} from 'node:zlib'
import {request, type Dispatcher} from 'undici'
import {OptimizeApiError, type FailureKind} from './errors.js'

/** An answer: its status, its headers, and its body's bytes as they arrive, decompressed. */
export interface Reply {
  status: number
  header: (name: string) => string | undefined
  body: Readable
}

/** What a proxy in front of Optimize may compress with: the encodings fetch asks for. */
const ACCEPT_ENCODING = 'gzip, deflate, br'

/**
 * Sends one request. undici's `request` rather than `fetch`: its body is a
 * Node stream, which costs a fraction of the CPU of fetch's web streams (an
 * export batch is tens of megabytes). What fetch would do besides is done
 * here: asking for compression and undoing it. Redirects are not followed:
 * the client reports them (a redirect would carry the token elsewhere).
 */
export async function sendRequest(
  url: string,
  init: {method: string; headers: Record<string, string>; body?: string},
  signal: AbortSignal,
  dispatcher: Dispatcher | undefined
): Promise<Reply> {
  const response = await request(url, {
    method: init.method as Dispatcher.HttpMethod,
    headers: {...init.headers, 'accept-encoding': ACCEPT_ENCODING},
    body: init.body,
    signal,
    dispatcher
  })
  const header = (name: string): string | undefined => {
    const value = response.headers[name.toLowerCase()]
    return Array.isArray(value) ? value.join(', ') : value
  }
  let body: Readable = response.body
  // Content-Encoding lists the codings in the order they were applied. An
  // answer without a body (204, 304, HEAD) has nothing to undo, as in fetch.
  const bodyless =
    init.method === 'HEAD' || response.statusCode === 204 || response.statusCode === 304
  const codings = (bodyless ? '' : (header('content-encoding') ?? ''))
    .split(',')
    .map(coding => coding.trim().toLowerCase())
    .filter(coding => coding && coding !== 'identity')
    .reverse()
  for (const coding of codings) {
    const decompress =
      coding === 'gzip' || coding === 'x-gzip'
        ? createGunzip()
        : coding === 'deflate'
          ? createInflate()
          : coding === 'br'
            ? createBrotliDecompress()
            : undefined
    if (!decompress) {
      discard(response.body)
      throw new Error(`the answer is compressed with '${coding}', which was not asked for`)
    }
    // An error on either side (a broken connection, corrupt data) ends both.
    body = pipeline(body, decompress, () => undefined)
  }
  return {status: response.statusCode, header, body}
}

type Label = {method: string; path: string}

const TLS_CODES = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID'
])

/**
 * Runs `run` with a signal that aborts after `ms`, and stops the clock when it
 * settles. Not `AbortSignal.timeout`: its timer keeps the signal, and through
 * its listeners the whole request, alive for the full timeout after the
 * request is done, which at hundreds of data pages a second adds up.
 */
export async function withTimeout<T>(
  ms: number,
  run: (signal: AbortSignal) => Promise<T>
): Promise<T> {
  const controller = new AbortController()
  const timer = setTimeout(
    () => controller.abort(new DOMException('The operation timed out.', 'TimeoutError')),
    ms
  )
  try {
    return await run(controller.signal)
  } finally {
    clearTimeout(timer)
  }
}

/**
 * Stops reading a body and releases its connection. A body destroyed unread
 * reports an abort as an error: it is expected here, so it is listened to.
 */
export function discard(body: Readable): void {
  if (body.readableEnded || body.destroyed) return
  body.on('error', () => undefined)
  body.destroy()
}

/** The body as text (UTF-8, a byte order mark dropped, as fetch's `text()` does). */
export async function readText(reply: Reply, label: Label, timeoutMs: number): Promise<string> {
  const chunks: Uint8Array[] = []
  for await (const chunk of readChunks(reply.body, label, timeoutMs)) chunks.push(chunk)
  const text = Buffer.concat(chunks).toString('utf8')
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
}

/** The body's chunks; a connection that breaks off or times out becomes OptimizeApiError. */
export async function* readChunks(
  body: Readable,
  label: Label,
  timeoutMs: number
): AsyncGenerator<Uint8Array> {
  try {
    for await (const chunk of body) yield chunk as Uint8Array
  } catch (cause) {
    throw networkError(label, cause, timeoutMs)
  }
}

export function networkError(label: Label, cause: unknown, timeoutMs: number): OptimizeApiError {
  // The failure itself, or (from fetch-like wrappers) in a `cause`.
  const error = cause as {
    name?: string
    message?: string
    code?: string
    errors?: {message?: string}[]
    cause?: {code?: string; message?: string}
  }
  const code = error?.cause?.code ?? error?.code
  let kind: FailureKind = 'network'
  let message: string
  if (error?.name === 'TimeoutError' || error?.name === 'AbortError') {
    kind = 'timeout'
    message = `no answer within ${timeoutMs / 1000} s (input 'timeout')`
  } else if (code && TLS_CODES.has(code)) {
    kind = 'auth'
    message = `TLS certificate not trusted (${code}). For a self-signed or corporate CA, set NODE_EXTRA_CA_CERTS to the CA's PEM file in the step's env.`
  } else {
    // An AggregateError (every address refused) has no message of its own.
    const reason =
      error?.cause?.message || error?.message || error?.errors?.[0]?.message || String(cause)
    message = `network error: ${reason}${code ? ` (${code})` : ''}`
  }
  return new OptimizeApiError({...label, kind, message, cause})
}

/** `Retry-After` as milliseconds: delay-seconds or an HTTP date. */
export function retryAfter(header: string | undefined): number | undefined {
  if (!header) return undefined
  if (/^\d+$/.test(header.trim())) return Number(header) * 1000
  const date = Date.parse(header)
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now())
}
