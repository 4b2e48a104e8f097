// The emulator's OAuth2 client-credentials token endpoint, `POST /oauth/token`, standing in for
// the identity provider in front of Optimize. Each provider answers as the real one does about
// `audience` and `scope` (sources in emulator/README.md, "Identity providers"):
// - keycloak: ignores `audience` and `scope`; the token's `aud` comes from the client's audience
//   mapper (here: the configured Optimize audience).
// - entra (Microsoft Entra ID, v2.0 endpoint): requires `scope` = `<resource>/.default`
//   (AADSTS90014 when missing, AADSTS1002012 without `/.default`, AADSTS500011 for an unknown
//   resource); ignores `audience`; `aud` is the resource.
// - auth0 (login.cloud.camunda.io): `audience` must name the API (the emulator's earlier, and
//   still SaaS, behaviour).
import type {IncomingHttpHeaders} from 'node:http'
import type {Reply} from './types.js'
import {isObject, json} from './types.js'

export type IdentityProvider = 'keycloak' | 'entra' | 'auth0'

export interface TokenIssuer {
  issue(clientId: string, audience: string): string
}

export interface IdentityConfig {
  provider: IdentityProvider
  clients: {clientId: string; clientSecret: string}[]
  /** The audience Optimize validates (api.audience). */
  audience: string
  tokenTtlSeconds: number
}

type Params = Record<string, string | undefined>

export function tokenEndpoint(
  config: IdentityConfig,
  issuer: TokenIssuer,
  headers: IncomingHttpHeaders,
  rawBody: string
): Reply {
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
  const client = config.clients.find(c => c.clientId === params.client_id)
  if (!client || client.clientSecret !== params.client_secret) {
    return json(401, {error: 'invalid_client', error_description: 'Invalid client credentials'})
  }
  const audience = audienceFor(config, params)
  if (typeof audience !== 'string') return audience
  return json(
    200,
    {
      access_token: issuer.issue(client.clientId, audience),
      token_type: 'Bearer',
      expires_in: config.tokenTtlSeconds
    },
    {'cache-control': 'no-store'}
  )
}

/** The `aud` of the token to issue, or the provider's error reply. */
function audienceFor(config: IdentityConfig, params: Params): string | Reply {
  if (config.provider === 'keycloak') return config.audience
  if (config.provider === 'auth0') {
    if (params.audience === config.audience) return config.audience
    return json(400, {
      error: 'invalid_request',
      error_description: `Requested audience not available: ${params.audience ?? '<none>'}`
    })
  }
  const scope = params.scope?.trim()
  if (!scope) {
    return entraError(
      400,
      'invalid_request',
      90014,
      "The required field 'scope' is missing from the credential. Ensure that you have all the necessary parameters for the login request."
    )
  }
  if (!scope.endsWith('/.default')) {
    return entraError(
      400,
      'invalid_scope',
      1002012,
      `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`
    )
  }
  const resource = scope.slice(0, -'/.default'.length)
  if (resource !== config.audience) {
    return entraError(
      400,
      'invalid_resource',
      500011,
      `The resource principal named ${resource} was not found in the tenant. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant.`
    )
  }
  return resource
}

/** Entra's error body; trace and correlation ids are fixed so answers stay deterministic. */
function entraError(status: number, error: string, code: number, text: string): Reply {
  const trace = '00000000-0000-0000-0000-000000000000'
  return json(status, {
    error,
    error_description: `AADSTS${code}: ${text} Trace ID: ${trace} Correlation ID: ${trace} Timestamp: ${new Date().toISOString().slice(0, 19).replace('T', ' ')}Z`,
    error_codes: [code],
    trace_id: trace,
    correlation_id: trace,
    error_uri: `https://login.microsoftonline.com/error?code=${code}`
  })
}

function parseTokenBody(contentType: string, raw: string): Params {
  if (contentType.includes('application/json')) {
    try {
      const parsed: unknown = JSON.parse(raw)
      if (!isObject(parsed)) return {}
      const out: Params = {}
      for (const [k, v] of Object.entries(parsed)) if (typeof v === 'string') out[k] = v
      return out
    } catch {
      return {}
    }
  }
  return Object.fromEntries(new URLSearchParams(raw))
}
