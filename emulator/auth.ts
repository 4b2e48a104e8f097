// Authentication of the public API: Spring's OAuth2 resource server with
// DefaultBearerTokenResolver, OptimizeStaticTokenDecoder and the audience (and SaaS cluster)
// validators; JWTs are the ones the emulator's token endpoint (identity.ts) issues.
import {createHmac, randomBytes, timingSafeEqual} from 'node:crypto'
import type {IncomingHttpHeaders} from 'node:http'
import type {ProfileSpec} from './profiles.js'
import type {Reply} from './types.js'
import {empty, isObject} from './types.js'

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

// Spring's DefaultBearerTokenResolver pattern (case-insensitive "Bearer").
const BEARER = /^Bearer (?<token>[a-zA-Z0-9\-._~+/]+=*)$/i
const RFC6750 = 'https://tools.ietf.org/html/rfc6750#section-3.1'

const b64url = (data: Buffer | string): string => Buffer.from(data).toString('base64url')

function unauthorized(description?: string): Reply {
  // BearerTokenAuthenticationEntryPoint: 401 with an EMPTY body; the header carries the reason
  // only when a token was given.
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

  /** Returns null when the request may proceed, else the 401 reply. */
  authenticate(headers: IncomingHttpHeaders, query: URLSearchParams): Reply | null {
    const header = headers.authorization
    let token: string | undefined
    if (this.config.profile.legacyAuth) {
      // ≤ 3.7 read `access_token` from the query or the header, with or without `Bearer `.
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
    // OptimizeStaticTokenDecoder: exact string equality. SaaS accepts JWTs only.
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
    // Older builds replace the default validators and so skip exp; the emulator enforces it, as
    // ApiBearerTokenAuthenticationFilter's javadoc says newer builds do.
    const exp = typeof claims.exp === 'number' ? claims.exp : 0
    if (exp * 1000 <= Date.now()) return `Jwt expired at ${new Date(exp * 1000).toISOString()}`
    const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud]
    if (!aud.includes(this.config.audience)) return 'The required audience is missing'
    if (saas && claims[CLUSTER_CLAIM] !== saas) return `The ${CLUSTER_CLAIM} claim is not valid`
    return undefined
  }
}
