/**
 * What the client makes of an answer: the error for a status that is not a
 * success (every word the server said redacted), for a host name that does
 * not resolve, and the values of a JSON body, read whole or as a batch array
 * as it arrives. transport.ts sends; this module reads.
 */
import {z} from 'zod'
import type {ConnectionSettings} from '../settings.js'
import {describeErrorBody, InvalidBodyError, OptimizeApiError, parseErrorBody} from './errors.js'
import {retryAfter, type Reply} from './http.js'

/**
 * Reads a JSON array as its bytes arrive: `push` answers the elements a chunk
 * completes, `end` what is left (any value other than an array is checked by
 * the caller). Both throw a SyntaxError for a body that is not JSON.
 */
export interface ArrayDecoder {
  push(chunk: Uint8Array): unknown[]
  end(): unknown
}

/** The error for an answer that is not a success, with every secret redacted from what the server said. */
export function httpError(
  method: string,
  path: string,
  response: {status: number; text: string; header: Reply['header']},
  context: {redact: (text: string) => string; staticToken: boolean}
): OptimizeApiError {
  const body = parseErrorBody(response.text, text => context.redact(text))
  let message = `${response.status}`
  if (response.status < 400) {
    const location = response.header('location')
    message += ` Redirect${location ? ` to ${location}` : ''}: set 'optimize-url' to the address Optimize answers at (redirects are not followed, so the token goes nowhere else).`
  } else if (response.status === 401) {
    const challenge = response.header('www-authenticate')
    message += ` Unauthorized: Optimize rejected the token${challenge ? ` (${challenge})` : ''}. ${
      context.staticToken
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
    message: context.redact(message),
    retryAfterMs: retryAfter(response.header('retry-after'))
  })
}

/** The input that names `host`, for a host name that does not resolve. */
export function inputOfHost(host: string, url: string, connection: ConnectionSettings): string {
  const {credentials, baseUrl} = connection
  if (host === new URL(baseUrl).hostname) return `'optimize-url'`
  if (credentials.kind === 'client-credentials' && host === credentials.oauthUrl.hostname)
    return `'oauth-url'`
  // The engine the plan asks about definitions, or else the proxy the request went through.
  if (host === new URL(url).hostname) return `'definitions-url'`
  return 'the proxy settings (HTTPS_PROXY, HTTP_PROXY)'
}

/**
 * getaddrinfo's failures: ENOTFOUND, no such host (a typo: asking again
 * cannot help), and EAI_AGAIN, the name server did not answer now (asked
 * once more). The code of the failure itself or of its cause.
 */
export function dnsCode(error: unknown): 'ENOTFOUND' | 'EAI_AGAIN' | undefined {
  for (let e = error; e instanceof Error; e = e.cause) {
    const code = (e as {code?: unknown}).code
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return code
  }
  return undefined
}

/** Whether a DNS failure is tried again (EAI_AGAIN once); undefined for any other failure. */
export function dnsRetry(error: unknown, attemptNumber: number): boolean | undefined {
  const code = dnsCode(error)
  if (code === undefined) return undefined
  return code === 'EAI_AGAIN' && attemptNumber === 1
}

/**
 * A batch's JSON array through `decoder`, each element turned into a result
 * as soon as it is in. A body that is not JSON is an InvalidBodyError (worth
 * another try); JSON that is not an array is an unexpected response.
 */
export async function readArray<T>(
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

export function parseJson<T>(method: string, path: string, body: string, schema: z.ZodType<T>): T {
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
