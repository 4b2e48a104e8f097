/**
 * The HTTP plumbing under the Optimize client: timeouts that end with the
 * request, body reading that turns a broken connection into an
 * OptimizeApiError, and the translation of network failures into messages
 * that say what to do.
 */
import type {Response} from 'undici'
import {OptimizeApiError} from './errors.js'

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

export async function readText(
  response: Response,
  label: Label,
  timeoutMs: number
): Promise<string> {
  try {
    return await response.text()
  } catch (cause) {
    throw networkError(label, cause, timeoutMs)
  }
}

/** The body's chunks; a connection that breaks off or times out becomes OptimizeApiError. */
export async function* readChunks(
  body: Response['body'],
  label: Label,
  timeoutMs: number
): AsyncGenerator<Uint8Array> {
  if (!body) return
  try {
    for await (const chunk of body) yield chunk as Uint8Array
  } catch (cause) {
    throw networkError(label, cause, timeoutMs)
  }
}

export function networkError(label: Label, cause: unknown, timeoutMs: number): OptimizeApiError {
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
export function retryAfter(header: string | null): number | undefined {
  if (!header) return undefined
  if (/^\d+$/.test(header.trim())) return Number(header) * 1000
  const date = Date.parse(header)
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now())
}

export async function sleep(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms))
}
