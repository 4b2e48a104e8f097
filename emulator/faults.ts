// Fault injection and the request log. Faults model what a real network and a real Optimize do
// to a client: slow or reset connections, truncated bodies, 429 with Retry-After, failing
// writes in the middle of a non-transactional import and expiring or rotating
// scroll ids.
import type {RouteName} from './types.js'

export interface FaultRule {
  /** 'unknown': a path the emulator does not serve (an engine API on the same host, say). */
  route: RouteName | 'unknown'
  method?: string
  /** Let the first n matching requests through. */
  skip?: number
  /** How often the rule fires (default 1; Infinity allowed). */
  times?: number
  status?: number
  body?: string
  headers?: Record<string, string>
  delayMs?: number
  /** Destroy the socket without a response. */
  reset?: boolean
  /** Send a valid status + headers, then half of the body, then end. */
  truncate?: boolean
  /** Compress the body with gzip when the request accepts it, as a proxy in front of Optimize may. */
  gzip?: boolean
  /**
   * Runs when the rule fires, after its delay and before Optimize handles the
   * request: what other users do meanwhile (tests create entities by hand, or
   * run a whole other import, here). The request waits for it.
   */
  before?: () => void | Promise<void>
  /**
   * Answer `status` with a body that echoes the request, as a debugging proxy or
   * a verbose server does: its headers (Authorization among them), query and
   * body, then these texts (a test's secrets in other encodings). See echoBody.
   */
  echo?: string[]
}

interface ActiveRule extends FaultRule {
  skipLeft: number
  timesLeft: number
}

export interface FaultAction {
  delayMs: number
  before: (() => void | Promise<void>)[]
  reset: boolean
  truncate: boolean
  gzip: boolean
  status?: number
  body?: string
  headers?: Record<string, string>
  echo?: string[]
}

export class Faults {
  private rules: ActiveRule[] = []
  private importWriteFailure: number | undefined
  /** expireScrollAfterPages(n): every scroll expires after serving n pages. */
  scrollPageLimit: number | undefined
  /** rotateSearchRequestId(true): each page returns a new searchRequestId. */
  rotateScrollIds = false

  add(rule: FaultRule): void {
    this.rules.push({...rule, skipLeft: rule.skip ?? 0, timesLeft: rule.times ?? 1})
  }

  retryAfter(route: RouteName, seconds: number, times = 1): void {
    this.add({
      route,
      times,
      status: 429,
      headers: {'retry-after': String(seconds), 'content-type': 'application/json'},
      body: JSON.stringify({
        errorCode: 'tooManyRequests',
        errorMessage: 'Too many requests',
        detailedMessage: `Rate limit exceeded, retry after ${seconds} seconds.`,
        reportDefinition: null
      })
    })
  }

  failImportWrite(k: number): void {
    this.importWriteFailure = k
  }

  /** Consumed by the next import that reaches its write phase. */
  takeImportWriteFailure(): number | undefined {
    const k = this.importWriteFailure
    this.importWriteFailure = undefined
    return k
  }

  expireScrollAfterPages(n: number): void {
    this.scrollPageLimit = n
  }

  rotateSearchRequestId(on: boolean): void {
    this.rotateScrollIds = on
  }

  clear(): void {
    this.rules = []
    this.importWriteFailure = undefined
    this.scrollPageLimit = undefined
    this.rotateScrollIds = false
  }

  /** Rules apply in order; a delay-only rule delays, then later rules and the handler run. */
  match(route: RouteName | 'unknown', method: string): FaultAction | undefined {
    let action: FaultAction | undefined
    for (const rule of this.rules) {
      if (rule.route !== route || rule.timesLeft <= 0) continue
      if (rule.method && rule.method.toUpperCase() !== method) continue
      if (rule.skipLeft > 0) {
        rule.skipLeft--
        continue
      }
      rule.timesLeft--
      action ??= {delayMs: 0, before: [], reset: false, truncate: false, gzip: false}
      action.delayMs += rule.delayMs ?? 0
      action.gzip ||= rule.gzip === true
      if (rule.before) action.before.push(rule.before)
      const delayOnly =
        rule.status === undefined && !rule.reset && !rule.truncate && rule.body === undefined
      if (delayOnly) continue
      action.reset = rule.reset === true
      action.truncate = rule.truncate === true
      action.status = rule.status
      action.body = rule.body
      action.headers = rule.headers
      action.echo = rule.echo
      break
    }
    return action
  }
}

/**
 * The body of an echo fault: one JSON object readable both as Optimize's error
 * (`errorMessage`, `detailedMessage`) and as an OAuth error (`error`,
 * `error_description`), holding `texts` and the request as text (request
 * line, header lines, body) and as JSON (`request.headers`, `.query`, `.body`).
 */
export function echoBody(
  request: {method: string; url: string; rawHeaders: string[]; body: string},
  texts: readonly string[]
): string {
  const headers: Record<string, string> = {}
  const lines: string[] = [`${request.method} ${request.url}`]
  for (let i = 0; i + 1 < request.rawHeaders.length; i += 2) {
    headers[request.rawHeaders[i]] = request.rawHeaders[i + 1]
    lines.push(`${request.rawHeaders[i]}: ${request.rawHeaders[i + 1]}`)
  }
  // The texts first: a client that shows only the start of a body still shows them.
  const said = [...texts, '', ...lines, '', request.body].join('\n')
  const query = Object.fromEntries(new URL(request.url, 'http://127.0.0.1').searchParams)
  return JSON.stringify({
    detailedMessage: said,
    errorCode: 'echo',
    errorMessage: 'The request was rejected',
    error: 'invalid_request',
    error_description: said,
    request: {headers, query, body: request.body}
  })
}

export interface LoggedRequest {
  method: string
  path: string
  route: RouteName | 'unknown'
  status: number
  query: Record<string, string>
}

export class RequestLog {
  private entries: LoggedRequest[] = []

  record(entry: LoggedRequest): void {
    this.entries.push(entry)
  }

  all(): LoggedRequest[] {
    return [...this.entries]
  }

  count(route?: RouteName): number {
    return route === undefined
      ? this.entries.length
      : this.entries.filter(e => e.route === route).length
  }

  clear(): void {
    this.entries = []
  }
}
