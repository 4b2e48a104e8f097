import {describe, expect, it} from 'vitest'
import {call, start} from './helpers.js'

const form = (params: Record<string, string>): RequestInit => ({
  method: 'POST',
  headers: {'content-type': 'application/x-www-form-urlencoded'},
  body: new URLSearchParams(params).toString()
})
const CREDS = {
  grant_type: 'client_credentials',
  client_id: 'optimize-as-code',
  client_secret: 'emulator-client-secret'
}

describe('bearer token resolution and 401s', () => {
  it('accepts the static token (exact match) and rejects everything else with an empty 401', async () => {
    const emu = await start()
    expect((await call(emu, 'GET', '/api/public/report?collectionId=c')).status).toBe(200)
    const missing = await call(emu, 'GET', '/api/public/report?collectionId=c', undefined, {})
    expect(missing.status).toBe(401)
    expect(missing.text).toBe('')
    expect(missing.headers.get('www-authenticate')).toBe('Bearer')
    const wrong = await call(emu, 'GET', '/api/public/report?collectionId=c', undefined, {
      authorization: 'Bearer emulator-static-tokenX'
    })
    expect(wrong.status).toBe(401)
    expect(wrong.text).toBe('')
    expect(wrong.headers.get('www-authenticate')).toMatch(
      /^Bearer error="invalid_token", error_description="/
    )
    const lower = await call(emu, 'GET', '/api/public/report?collectionId=c', undefined, {
      authorization: `bearer ${emu.token}`
    })
    expect(lower.status).toBe(200)
  })

  it('malformed bearer → "Bearer token is malformed"; query token ignored since 3.8', async () => {
    const emu = await start({accessToken: 'a b'})
    const res = await call(emu, 'GET', '/api/public/report?collectionId=c', undefined, {
      authorization: 'Bearer a b'
    })
    expect(res.status).toBe(401)
    expect(res.headers.get('www-authenticate')).toContain(
      'error_description="Bearer token is malformed"'
    )
    const emu2 = await start()
    const query = await call(
      emu2,
      'GET',
      `/api/public/report?collectionId=c&access_token=${emu2.token}`,
      undefined,
      {}
    )
    expect(query.status).toBe(401)
  })

  it('readyz needs no auth; unknown public paths need auth first', async () => {
    const emu = await start()
    const ready = await fetch(`${emu.url}/api/readyz`)
    expect(ready.status).toBe(200)
    expect(await ready.text()).toBe('')
    expect((await call(emu, 'GET', '/api/public/nothing', undefined, {})).status).toBe(401)
    expect((await call(emu, 'GET', '/api/public/nothing')).status).toBe(404)
  })
})

describe('OAuth2 client credentials and JWT validation', () => {
  it('issues HS256 JWTs (form and JSON bodies) that the API accepts', async () => {
    const emu = await start()
    const res = await fetch(emu.oauthUrl, form({...CREDS, audience: 'optimize'}))
    expect(res.status).toBe(200)
    const body = (await res.json()) as {
      access_token: string
      token_type: string
      expires_in: number
    }
    expect(body.token_type).toBe('Bearer')
    expect(body.expires_in).toBe(300)
    const [header, payload] = body.access_token
      .split('.')
      .slice(0, 2)
      .map(p => JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>)
    expect(header.alg).toBe('HS256')
    expect(payload.aud).toBe('optimize')
    expect(typeof payload.exp).toBe('number')
    const ok = await call(emu, 'GET', '/api/public/dashboard?collectionId=c', undefined, {
      authorization: `Bearer ${body.access_token}`
    })
    expect(ok.status).toBe(200)
    const json = await fetch(emu.oauthUrl, {
      method: 'POST',
      headers: {'content-type': 'application/json'},
      body: JSON.stringify({...CREDS, audience: 'optimize'})
    })
    expect(json.status).toBe(200)
  })

  it('rejects bad clients and grants', async () => {
    const emu = await start()
    const client = await fetch(
      emu.oauthUrl,
      form({...CREDS, client_secret: 'x', audience: 'optimize'})
    )
    expect(client.status).toBe(401)
    expect(((await client.json()) as {error: string}).error).toBe('invalid_client')
    const grant = await fetch(
      emu.oauthUrl,
      form({...CREDS, grant_type: 'password', audience: 'optimize'})
    )
    expect(grant.status).toBe(400)
  })

  it('auth0 (SaaS login): the audience must name the API', async () => {
    const emu = await start({identityProvider: 'auth0'})
    for (const audience of ['zeebe', undefined]) {
      const res = await fetch(emu.oauthUrl, form(audience ? {...CREDS, audience} : CREDS))
      expect(res.status).toBe(400)
      expect(((await res.json()) as {error: string}).error).toBe('invalid_request')
    }
    expect((await fetch(emu.oauthUrl, form({...CREDS, audience: 'optimize'}))).status).toBe(200)
  })

  it('keycloak (the default): ignores audience; the token carries the client mapper`s audience', async () => {
    const emu = await start({audience: 'optimize-api'})
    for (const params of [CREDS, {...CREDS, audience: 'zeebe'}, {...CREDS, scope: 'x'}]) {
      const res = await fetch(emu.oauthUrl, form(params))
      expect(res.status).toBe(200)
      const {access_token: token} = (await res.json()) as {access_token: string}
      const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as {
        aud: string
      }
      expect(claims.aud).toBe('optimize-api')
      const api = await call(emu, 'GET', '/api/public/report?collectionId=c', undefined, {
        authorization: `Bearer ${token}`
      })
      expect(api.status).toBe(200)
    }
  })

  it('entra: requires scope <resource>/.default (AADSTS90014, AADSTS1002012, AADSTS500011)', async () => {
    const emu = await start({identityProvider: 'entra', audience: 'api://optimize'})
    const errorOf = async (params: Record<string, string>) => {
      const res = await fetch(emu.oauthUrl, form(params))
      expect(res.status).toBe(400)
      return (await res.json()) as {error: string; error_description: string; error_codes: number[]}
    }
    const missing = await errorOf({...CREDS, audience: 'api://optimize'})
    expect(missing.error).toBe('invalid_request')
    expect(missing.error_codes).toEqual([90014])
    expect(missing.error_description).toMatch(
      /^AADSTS90014: The required field 'scope' is missing from the credential\./
    )
    expect((await errorOf({...CREDS, scope: 'api://optimize'})).error_codes).toEqual([1002012])
    expect((await errorOf({...CREDS, scope: 'api://other/.default'})).error_codes).toEqual([500011])
    const ok = await fetch(emu.oauthUrl, form({...CREDS, scope: 'api://optimize/.default'}))
    expect(ok.status).toBe(200)
    const {access_token: token} = (await ok.json()) as {access_token: string}
    const api = await call(emu, 'GET', '/api/public/report?collectionId=c', undefined, {
      authorization: `Bearer ${token}`
    })
    expect(api.status).toBe(200)
  })

  it('enforces expiry, signature and audience on the API', async () => {
    const emu = await start({tokenTtlSeconds: 2, audience: 'optimize-api'})
    const res = await fetch(emu.oauthUrl, form({...CREDS, audience: 'optimize-api'}))
    const {access_token: token} = (await res.json()) as {access_token: string}
    expect(
      (
        await call(emu, 'GET', '/api/public/report?collectionId=c', undefined, {
          authorization: `Bearer ${token}`
        })
      ).status
    ).toBe(200)
    const forged = token.slice(0, -4) + (token.endsWith('AAAA') ? 'BBBB' : 'AAAA')
    expect(
      (
        await call(emu, 'GET', '/api/public/report?collectionId=c', undefined, {
          authorization: `Bearer ${forged}`
        })
      ).status
    ).toBe(401)
    await new Promise(resolve => setTimeout(resolve, 2100))
    const expired = await call(emu, 'GET', '/api/public/report?collectionId=c', undefined, {
      authorization: `Bearer ${token}`
    })
    expect(expired.status).toBe(401)
    expect(expired.headers.get('www-authenticate')).toContain('Jwt expired at')
  })
})

describe('SaaS', () => {
  it('serves under /<clusterId>, accepts only JWTs with the cluster claim', async () => {
    const emu = await start({saasClusterId: 'abc-cluster'})
    expect(emu.url).toMatch(/\/abc-cluster$/)
    expect(emu.oauthUrl).not.toContain('abc-cluster')
    expect((await call(emu, 'GET', '/api/public/report?collectionId=c')).status).toBe(200)
    const staticToken = await call(emu, 'GET', '/api/public/report?collectionId=c', undefined, {
      authorization: 'Bearer emulator-static-token'
    })
    expect(staticToken.status).toBe(401)
    const other = await start({saasClusterId: 'other-cluster'})
    const foreign = await call(emu, 'GET', '/api/public/report?collectionId=c', undefined, {
      authorization: `Bearer ${other.token}`
    })
    expect(foreign.status).toBe(401)
    const unprefixed = await fetch(
      emu.url.replace('/abc-cluster', '') + '/api/public/report?collectionId=c',
      {headers: {authorization: `Bearer ${emu.token}`}}
    )
    expect(unprefixed.status).toBe(404)
    const token = await fetch(emu.oauthUrl, form({...CREDS, audience: 'optimize.camunda.io'}))
    const {access_token: jwt} = (await token.json()) as {access_token: string}
    const claims = JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString()) as Record<
      string,
      unknown
    >
    expect(claims['https://camunda.com/clusterId']).toBe('abc-cluster')
  })
})
