/**
 * The one error type of the Optimize client. Its message names the call and
 * says what Optimize answered, parsed defensively: a 401 has no body, some
 * builds answer plain text (optimize-api.md §2.1, §4.2). It never carries a
 * token: requests never put one in the URL, headers are not kept, and the
 * client redacts what the server said (src/redact.ts) before it gets here.
 */
import {redactStrings} from '../redact.js'

export type FailureKind = 'http' | 'network' | 'timeout' | 'invalid-response' | 'auth'

/** The optional detail arrays of Optimize's error bodies (§4.2). */
export interface OptimizeErrorBody {
  errorCode?: string
  errorMessage?: string
  detailedMessage?: string
  mismatchingIndices?: {
    indexName?: string
    sourceIndexVersion?: number
    targetIndexVersion?: number
  }[]
  definitions?: {type?: string; key?: string; versions?: string[]; tenantIds?: (string | null)[]}[]
  conflictedItems?: {id?: string; type?: string; name?: string}[]
}

export class OptimizeApiError extends Error {
  override name = 'OptimizeApiError'
  readonly method: string
  readonly path: string
  readonly kind: FailureKind
  readonly status?: number
  readonly body?: OptimizeErrorBody
  readonly retryAfterMs?: number

  constructor(options: {
    method: string
    path: string
    kind: FailureKind
    message: string
    status?: number
    body?: OptimizeErrorBody
    retryAfterMs?: number
    cause?: unknown
  }) {
    super(`${options.method} ${options.path} failed: ${options.message}`, {cause: options.cause})
    this.method = options.method
    this.path = options.path
    this.kind = options.kind
    this.status = options.status
    this.body = options.body
    this.retryAfterMs = options.retryAfterMs
  }

  /** Worth another try: the server may answer differently in a moment. */
  get isTransient(): boolean {
    if (this.kind === 'network' || this.kind === 'timeout' || this.kind === 'invalid-response')
      return true
    return this.status === 429 || this.status === 502 || this.status === 503 || this.status === 504
  }
}

/**
 * Thrown by a consumer of a streamed response body when the body is not what
 * the call expects (cut short, malformed). The client turns it into a
 * transient `invalid-response` OptimizeApiError, retried like a dropped
 * connection.
 */
export class InvalidBodyError extends Error {
  override name = 'InvalidBodyError'
}

/**
 * Parses an error body that may be JSON, plain text or nothing. `redact`
 * (the Io's) is applied to the text as it came and to every string parsed out
 * of it, before anything is cut short: a server may echo a request's
 * credentials, and only whole secrets can be recognised.
 */
export function parseErrorBody(
  text: string,
  redact: (text: string) => string
): OptimizeErrorBody | undefined {
  const clean = redact(text)
  if (!clean.trim()) return undefined
  try {
    const parsed: unknown = JSON.parse(clean)
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
      return redactStrings(parsed, redact)
  } catch {
    // Not JSON: some Spring builds answer with a plain string (§4.2).
  }
  return {detailedMessage: clean.trim().slice(0, 500)}
}

/** One readable sentence out of an error body, with the detail lists spelled out. */
export function describeErrorBody(body: OptimizeErrorBody | undefined): string {
  if (!body) return ''
  const parts: string[] = []
  if (body.errorCode) parts.push(body.errorCode)
  const text = body.detailedMessage || body.errorMessage
  if (text) parts.push(text)
  for (const index of body.mismatchingIndices ?? []) {
    parts.push(
      `index ${index.indexName}: the file has version ${index.sourceIndexVersion}, the target expects ${index.targetIndexVersion}`
    )
  }
  if (body.definitions?.length) {
    const defs = body.definitions.map(
      d =>
        `${d.type ?? 'definition'} '${d.key}' (versions ${(d.versions ?? []).join(', ') || '-'}; tenants ${(d.tenantIds ?? []).map(t => t ?? 'none').join(', ') || '-'})`
    )
    parts.push(`definitions: ${defs.join('; ')}`)
  }
  if (body.conflictedItems?.length) {
    parts.push(
      `conflicts with: ${body.conflictedItems.map(c => `${c.type} '${c.name ?? c.id}'`).join(', ')}`
    )
  }
  return parts.join(' — ')
}

/** What went wrong, in one line for the summary: Optimize's own words when it gave any. */
export function failureText(error: unknown): string {
  if (error instanceof OptimizeApiError) {
    const detail = describeErrorBody(error.body)
    const refused =
      error.path.endsWith('/import') && error.status !== undefined && error.status < 500
    const text =
      detail && !error.message.includes(detail) ? `${error.message} (${detail})` : error.message
    return refused ? `Optimize refused the import: ${text}` : text
  }
  return error instanceof Error ? error.message : String(error)
}

/**
 * camunda/camunda#36419: unpatched 8.6-8.8 builds never bind the import body
 * and answer every import as if the file were empty (400 importFileInvalid,
 * or 500 where the exception reaches the catch-all).
 */
export function isImportBodyUnread(error: unknown): boolean {
  return (
    error instanceof OptimizeApiError &&
    /provided file is null or empty/i.test(error.body?.detailedMessage ?? error.message)
  )
}

/** What to tell about camunda/camunda#36419 when an import of `count` entities met it. */
export function importBodyUnreadText(error: unknown, count: number): string {
  return `${failureText(error)}: the request held ${count} entities, so the target Optimize did not read its body. This build has the defect camunda/camunda#36419 (Optimize 8.6 to 8.8 lost @RequestBody on the import endpoint); it is fixed by camunda/camunda pull request #36420 (August 2025). Upgrade the target to a patch release published after that fix, or to 8.9. Nothing was written.`
}

/** A 413 (request body too large): the input that bounds the body, and the proxy setting. */
export function bodyTooLargeText(error: unknown, count: number, batchBytes: number): string {
  return `${failureText(error)}: the request body (${count} entities) is larger than a proxy in front of Optimize, or Optimize, accepts. Lower input 'batch-bytes' (now ${batchBytes}) or raise the proxy's limit (ingress-nginx: the proxy-body-size annotation).`
}
