/**
 * Bearer tokens for Optimize's public API (optimize-api.md §2): a static token,
 * or OAuth2 client credentials (Camunda SaaS, Identity/Keycloak). Tokens are
 * cached until shortly before they expire (SaaS tokens live 300 s) and renewed
 * once more when Optimize answers 401. Every token is masked the moment it is
 * known, and the token endpoint's error answers are redacted.
 */
import {type Io} from '../io.js'
import type {Credentials} from '../settings.js'
import {OptimizeApiError} from './errors.js'

/** Sends one HTTP request; the client's transport (timeouts, proxy, retries). */
export type Transport = (
  url: string,
  init: {method: string; headers: Record<string, string>; body?: string},
  label: {method: string; path: string}
) => Promise<{status: number; text: string}>

export interface TokenProvider {
  /** A token for the next request. */
  token(): Promise<string>
  /** Forget the cached token after a 401; false when there is nothing to renew. */
  invalidate(): boolean
}

export function createTokenProvider(
  credentials: Credentials,
  transport: Transport,
  io: Io
): TokenProvider {
  if (credentials.kind === 'token') {
    io.setSecret(credentials.token)
    return {token: async () => credentials.token, invalidate: () => false}
  }
  return new ClientCredentialsProvider(credentials, transport, io)
}

/** Renew this long before expiry, so a token never runs out mid-request. */
const EXPIRY_MARGIN_MS = 30_000

class ClientCredentialsProvider implements TokenProvider {
  #cached?: {token: string; expiresAt: number}
  #pending?: Promise<string>

  constructor(
    private readonly credentials: Extract<Credentials, {kind: 'client-credentials'}>,
    private readonly transport: Transport,
    private readonly io: Io
  ) {}

  async token(): Promise<string> {
    if (this.#cached && Date.now() < this.#cached.expiresAt) return this.#cached.token
    // Concurrent requests share one token request.
    this.#pending ??= this.fetchToken().finally(() => (this.#pending = undefined))
    return this.#pending
  }

  invalidate(): boolean {
    this.#cached = undefined
    return true
  }

  private async fetchToken(): Promise<string> {
    const {clientId, clientSecret, oauthUrl, audience, scope} = this.credentials
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: clientId,
      client_secret: clientSecret
    })
    // Each only when given: Entra ID requires scope, Auth0 audience, Keycloak neither.
    if (audience) form.set('audience', audience)
    if (scope) form.set('scope', scope)
    const label = {method: 'POST', path: oauthUrl.pathname}
    const response = await this.transport(
      oauthUrl.toString(),
      {
        method: 'POST',
        headers: {'content-type': 'application/x-www-form-urlencoded', accept: 'application/json'},
        body: form.toString()
      },
      label
    )
    const body = safeJson(response.text)
    if (response.status !== 200 || typeof body?.access_token !== 'string') {
      // A token endpoint or a proxy may echo the client secret or a token in its error.
      const answer = safeJson(this.io.redact(response.text))
      const said = [answer?.error, answer?.error_description].filter(v => typeof v === 'string')
      const reason = said.map(v => this.io.redact(v)).join(': ')
      throw new OptimizeApiError({
        ...label,
        kind: 'auth',
        status: response.status,
        message: `the token endpoint ${oauthUrl.host} answered ${response.status}${reason ? ` (${reason})` : ''}. Check 'client-id', 'client-secret', 'oauth-url', 'audience' and 'scope'${scopeHint(said)}.`
      })
    }
    const token = body.access_token
    this.io.setSecret(token)
    // Not used, but as secret as the access token if the endpoint sends them.
    for (const other of [body.refresh_token, body.id_token])
      if (typeof other === 'string') this.io.setSecret(other)
    const lifetimeMs = (typeof body.expires_in === 'number' ? body.expires_in : 300) * 1000
    const margin = Math.min(EXPIRY_MARGIN_MS, lifetimeMs / 10)
    this.#cached = {token, expiresAt: Date.now() + lifetimeMs - margin}
    this.io.debug(`Got an OAuth token valid for ${lifetimeMs / 1000} s`)
    return token
  }
}

/** Entra ID refuses client credentials without a scope (AADSTS90014): say which input that is. */
function scopeHint(said: readonly string[]): string {
  return /AADSTS90014|\bscope\b/i.test(said.join(' '))
    ? " (Microsoft Entra ID needs input 'scope', e.g. api://<Optimize application ID>/.default)"
    : ''
}

function safeJson(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text)
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined
  } catch {
    return undefined
  }
}
