// Authentication of the public API (optimize-api.md §2) and the emulator's own OAuth2
// client-credentials token endpoint (stands in for Keycloak / login.cloud.camunda.io, §2.2/§2.3).
import {createHmac, randomBytes, timingSafeEqual} from 'node:crypto'
import type {IncomingHttpHeaders} from 'node:http'
import type {ProfileSpec} from './profiles.js'
import type {Reply} from './types.js'
import {empty, isObject, json} from './types.js'

export const CLUSTER_CLAIM = 'https://camunda.com/clusterId'

export interface AuthConfig {
  accessToken: string
  clients: {clientId: string; clientSecret: string}[]
  audience: string
  tokenTtlSeconds: number
  saasClusterId?: string
  issuer: string
  profile: ProfileSpec
}

// Spring's DefaultBearerTokenResolver pattern (case-insensitive "Bearer", §2.1).
const BEARER = /^Bearer (?<token>[a-zA-Z0-9\-._~+/]+=*)$/i
const RFC6750 = 'https://tools.ietf.org/html/rfc6750#section-3.1'

const b64url = (data: Buffer | string): string => Buffer.from(data).toString('base64url')

function unauthorized(description?: string): Reply {
  // §2.1: 401 with an EMPTY body; the header carries the reason only when a token was given.
  const header = description
    ? `Bearer error="invalid_token", error_description="${description}", error_uri="${RFC6750}"`
    : 'Bearer'
  return empty(401, {'www-authenticate': header})
}

export class Auth {
  private readonly secret = randomBytes(32)

  constructor(private readonly config: AuthConfig) {}

  /** HS256 JWT signed with the per-emulator random secret. */
  issue(clientId: string, audience: string, nowSeconds = Math.floor(Date.now() / 1000)): string {
    const header = b64url(JSON.stringify({alg: 'HS256', typ: 'JWT'}))
    const claims: Record<string, unknown> = {
      iss: this.config.issuer,
      sub: `${clientId}@clients`,
      azp: clientId,
      aud: audience,
      iat: nowSeconds,
      exp: nowSeconds + this.config.tokenTtlSeconds,
      gty: 'client-credentials'
    }
    if (this.config.saasClusterId) claims[CLUSTER_CLAIM] = this.config.saasClusterId
    const payload = b64url(JSON.stringify(claims))
    return `${header}.${payload}.${this.sign(`${header}.${payload}`)}`
  }

  private sign(input: string): string {
    return createHmac('sha256', this.secret).update(input).digest('base64url')
  }

  /** Returns null when the request may proceed, else the 401 reply (§2). */
  authenticate(headers: IncomingHttpHeaders, query: URLSearchParams): Reply | null {
    const header = headers.authorization
    let token: string | undefined
    if (this.config.profile.legacyAuth) {
      // §2.4: ≤ 3.7 read `access_token` from the query or the header, with or without `Bearer `.
      token = query.get('access_token') ?? header?.replace(/^Bearer /i, '')
      if (!token) return unauthorized()
    } else {
      if (header === undefined || !/^bearer/i.test(header)) return unauthorized()
      const match = BEARER.exec(header)
      if (!match?.groups) return unauthorized('Bearer token is malformed')
      token = match.groups.token
    }
    const problem = this.verify(token)
    return problem ? unauthorized(problem) : null
  }

  /** Returns an error description, or undefined when the token is accepted. */
  private verify(token: string): string | undefined {
    const saas = this.config.saasClusterId
    // §2.2 OptimizeStaticTokenDecoder: exact string equality. SaaS accepts JWTs only (§2.3).
    if (!saas && token === this.config.accessToken) return undefined
    const parts = token.split('.')
    if (parts.length !== 3)
      return 'An error occurred while attempting to decode the Jwt: Malformed token'
    const expected = Buffer.from(this.sign(`${parts[0]}.${parts[1]}`))
    const given = Buffer.from(parts[2])
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
      return 'An error occurred while attempting to decode the Jwt: Signed JWT rejected: Invalid signature'
    }
    let claims: unknown
    try {
      claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'))
    } catch {
      return 'An error occurred while attempting to decode the Jwt: Malformed payload'
    }
    if (!isObject(claims))
      return 'An error occurred while attempting to decode the Jwt: Malformed payload'
    // §2.2 notes that older builds skip exp; the emulator enforces it (newer builds do).
    const exp = typeof claims.exp === 'number' ? claims.exp : 0
    if (exp * 1000 <= Date.now()) return `Jwt expired at ${new Date(exp * 1000).toISOString()}`
    const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud]
    if (!aud.includes(this.config.audience)) return 'The required audience is missing'
    if (saas && claims[CLUSTER_CLAIM] !== saas) return `The ${CLUSTER_CLAIM} claim is not valid`
    return undefined
  }

  /** POST /oauth/token — client-credentials grant, form-encoded or JSON body. */
  tokenEndpoint(headers: IncomingHttpHeaders, rawBody: string): Reply {
    const params = parseTokenBody(headers['content-type'] ?? '', rawBody)
    const basic = headers.authorization?.match(/^Basic (.+)$/i)
    if (basic) {
      const [id, secret] = Buffer.from(basic[1], 'base64').toString('utf8').split(':')
      params.client_id ??= decodeURIComponent(id ?? '')
      params.client_secret ??= decodeURIComponent(secret ?? '')
    }
    if (params.grant_type !== 'client_credentials') {
      return json(400, {
        error: 'unsupported_grant_type',
        error_description: 'Only grant_type=client_credentials is supported'
      })
    }
    const client = this.config.clients.find(c => c.clientId === params.client_id)
    if (!client || client.clientSecret !== params.client_secret) {
      return json(401, {error: 'invalid_client', error_description: 'Invalid client credentials'})
    }
    // Documented choice: an unknown or missing audience is 400 invalid_request (Keycloak style).
    if (params.audience !== this.config.audience) {
      return json(400, {
        error: 'invalid_request',
        error_description: `Requested audience not available: ${params.audience ?? '<none>'}`
      })
    }
    return json(
      200,
      {
        access_token: this.issue(client.clientId, params.audience),
        token_type: 'Bearer',
        expires_in: this.config.tokenTtlSeconds
      },
      {'cache-control': 'no-store'}
    )
  }
}

function parseTokenBody(contentType: string, raw: string): Record<string, string | undefined> {
  if (contentType.includes('application/json')) {
    try {
      const parsed: unknown = JSON.parse(raw)
      if (!isObject(parsed)) return {}
      const out: Record<string, string | undefined> = {}
      for (const [k, v] of Object.entries(parsed)) if (typeof v === 'string') out[k] = v
      return out
    } catch {
      return {}
    }
  }
  return Object.fromEntries(new URLSearchParams(raw))
}
