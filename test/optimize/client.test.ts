import {createServer, type Server} from 'node:http'
import {connect, type AddressInfo} from 'node:net'
import {afterEach, describe, expect, it, vi} from 'vitest'
import {startEmulator, type Emulator, type EmulatorOptions} from '../../emulator/index.js'
import {OptimizeClient} from '../../src/optimize/client.js'
import {exportEntities} from '../../src/optimize/entities.js'
import {OptimizeApiError} from '../../src/optimize/errors.js'
import type {ConnectionSettings, Credentials} from '../../src/settings.js'
import {recordingIo, type RecordingIo} from '../helpers/io.js'

const emulators: Emulator[] = []
const servers: Server[] = []
afterEach(async () => {
  vi.unstubAllEnvs()
  await Promise.all(emulators.splice(0).map(async e => e.close()))
  await Promise.all(servers.splice(0).map(async s => new Promise(resolve => s.close(resolve))))
})

async function setup(options: EmulatorOptions = {}, connection: Partial<ConnectionSettings> = {}) {
  const emu = await startEmulator(options)
  emulators.push(emu)
  emu.state.addCollection({id: 'dev', name: 'Dev'})
  emu.state.generate({collectionId: 'dev', dashboards: 4, reportsPerDashboard: 2, seed: 1})
  const io = recordingIo()
  const client = OptimizeClient.create(
    {
      baseUrl: emu.url,
      credentials: {kind: 'token', token: emu.token},
      timeoutMs: 2000,
      retries: 3,
      concurrency: 4,
      batchSize: 100,
      retryBaseMs: 5,
      ...connection
    },
    io
  )
  return {emu, io, client}
}

function clientCredentials(
  emu: Emulator,
  secret = 'emulator-client-secret'
): Extract<Credentials, {kind: 'client-credentials'}> {
  return {
    kind: 'client-credentials',
    clientId: 'optimize-as-code',
    clientSecret: secret,
    oauthUrl: new URL(emu.oauthUrl),
    audience: 'optimize'
  }
}

async function failure(promise: Promise<unknown>): Promise<OptimizeApiError> {
  try {
    await promise
  } catch (error) {
    expect(error).toBeInstanceOf(OptimizeApiError)
    return error as OptimizeApiError
  }
  throw new Error('expected a failure')
}

function expectNoLeak(io: RecordingIo, error: Error | undefined, ...secrets: string[]) {
  const text = `${io.everything()}\n${error?.message ?? ''}\n${String(error?.stack)}`
  for (const secret of secrets) expect(text).not.toContain(secret)
}

describe('OptimizeClient authentication', () => {
  it('sends the static token as a bearer token and masks it', async () => {
    const {client, io, emu} = await setup()
    expect(await client.listDashboardIds('dev')).toHaveLength(4)
    expect(io.secrets).toEqual([emu.token])
  })

  it('explains a 401 without leaking the token', async () => {
    const {emu, io} = await setup()
    const client = OptimizeClient.create(
      {
        baseUrl: emu.url,
        credentials: {kind: 'token', token: 'wrong-token'},
        timeoutMs: 2000,
        retries: 2,
        concurrency: 2,
        batchSize: 10,
        retryBaseMs: 5
      },
      io
    )
    const error = await failure(client.listDashboardIds('dev'))
    expect(error.status).toBe(401)
    expect(error.message).toMatch(
      /GET \/api\/public\/dashboard failed: 401 Unauthorized: Optimize rejected the token \(Bearer/
    )
    expect(error.message).toMatch(/Check 'access-token'/)
    expect(emu.requests.count('listDashboards')).toBe(1)
    expectNoLeak(io, error, 'wrong-token')
  })

  it('gets one OAuth token for many requests and masks it', async () => {
    const {emu} = await setup()
    const io = recordingIo()
    const client = OptimizeClient.create(
      {
        baseUrl: emu.url,
        credentials: clientCredentials(emu),
        timeoutMs: 2000,
        retries: 2,
        concurrency: 4,
        batchSize: 1
      },
      io
    )
    const ids = await client.listDashboardIds('dev')
    await exportEntities(client, ids, [])
    expect(emu.requests.count('token')).toBe(1)
    expect(emu.requests.count('exportDashboards')).toBe(4)
    expect(io.secrets).toHaveLength(1)
    expect(io.secrets[0].split('.')).toHaveLength(3)
  })

  it('renews the OAuth token before it expires', async () => {
    // JWT `exp` has whole seconds: a 1 s token issued late in a second is
    // already expired a few milliseconds later. At 3 s it lives 2–3 s, and the
    // client, renewing a tenth of the lifetime early, stops using it at 2.7 s.
    const {emu, io} = await setup({tokenTtlSeconds: 3})
    const client = OptimizeClient.create(
      {
        baseUrl: emu.url,
        credentials: clientCredentials(emu),
        timeoutMs: 2000,
        retries: 0,
        concurrency: 4,
        batchSize: 10
      },
      io
    )
    await client.listDashboardIds('dev')
    expect(emu.requests.count('token')).toBe(1)
    await new Promise(resolve => setTimeout(resolve, 2800))
    await client.listDashboardIds('dev')
    expect(emu.requests.count('token')).toBe(2)
    expect(emu.requests.all().filter(r => r.status === 401)).toHaveLength(0)
  })

  it('renews the token once on a 401, then fails clearly', async () => {
    const {emu, io} = await setup()
    const client = OptimizeClient.create(
      {
        baseUrl: emu.url,
        credentials: clientCredentials(emu),
        timeoutMs: 2000,
        retries: 0,
        concurrency: 4,
        batchSize: 10
      },
      io
    )
    emu.faults.add({route: 'listDashboards', status: 401, body: ''})
    expect(await client.listDashboardIds('dev')).toHaveLength(4)
    expect(emu.requests.count('token')).toBe(2)

    emu.faults.add({route: 'listDashboards', status: 401, body: '', times: 2})
    const error = await failure(client.listDashboardIds('dev'))
    expect(error.status).toBe(401)
    expect(emu.requests.count('token')).toBe(3)
    expectNoLeak(io, error, 'emulator-client-secret', ...io.secrets)
  })

  it('says what is wrong when the token endpoint refuses the client', async () => {
    const {emu, io} = await setup()
    const client = OptimizeClient.create(
      {
        baseUrl: emu.url,
        credentials: clientCredentials(emu, 'bad-secret'),
        timeoutMs: 2000,
        retries: 0,
        concurrency: 4,
        batchSize: 10
      },
      io
    )
    const error = await failure(client.listDashboardIds('dev'))
    expect(error.message).toMatch(
      /the token endpoint 127\.0\.0\.1:\d+ answered 401 \(invalid_client/
    )
    expect(error.message).toMatch(/Check 'client-id', 'client-secret'/)
    expectNoLeak(io, error, 'bad-secret')
  })
})

describe('OptimizeClient identity providers', () => {
  it('Keycloak: neither audience nor scope is needed (it takes the audience from the client)', async () => {
    const {emu} = await setup({identityProvider: 'keycloak'})
    const keycloak = OptimizeClient.create(
      {
        baseUrl: emu.url,
        credentials: {...clientCredentials(emu), audience: undefined},
        timeoutMs: 2000,
        retries: 0,
        concurrency: 4,
        batchSize: 100
      },
      recordingIo()
    )
    expect(await keycloak.listDashboardIds('dev')).toHaveLength(4)
  })

  it('Microsoft Entra ID: without a scope the error names the input; with one it works', async () => {
    const emu = await startEmulator({identityProvider: 'entra', audience: 'api://optimize'})
    emulators.push(emu)
    emu.state.addCollection({id: 'dev', name: 'Dev'})
    emu.state.generate({collectionId: 'dev', dashboards: 2, reportsPerDashboard: 1, seed: 1})
    const make = (scope?: string): OptimizeClient =>
      OptimizeClient.create(
        {
          baseUrl: emu.url,
          credentials: {...clientCredentials(emu), audience: undefined, scope},
          timeoutMs: 2000,
          retries: 0,
          concurrency: 4,
          batchSize: 100,
          retryBaseMs: 5
        },
        recordingIo()
      )
    const error = await failure(make().listDashboardIds('dev'))
    expect(error.message).toMatch(/AADSTS90014/)
    expect(error.message).toMatch(/Microsoft Entra ID needs input 'scope'/)
    expect(await make('api://optimize/.default').listDashboardIds('dev')).toHaveLength(2)
  })
})

describe('OptimizeClient retries', () => {
  it.each([
    ['502', {status: 502, body: 'Bad gateway'}],
    ['503', {status: 503}],
    ['504', {status: 504}],
    ['a reset connection', {reset: true}],
    ['a truncated body', {truncate: true}]
  ])('retries a read-only call after %s', async (_name, fault) => {
    const {emu, client, io} = await setup()
    emu.faults.add({route: 'listDashboards', times: 2, ...fault})
    expect(await client.listDashboardIds('dev')).toHaveLength(4)
    expect(emu.requests.count('listDashboards')).toBe(3)
    expect(io.lines.filter(l => l.includes('trying again'))).toHaveLength(2)
  })

  it('honours Retry-After on 429', async () => {
    const {emu, client} = await setup()
    emu.faults.retryAfter('listDashboards', 1)
    const started = Date.now()
    expect(await client.listDashboardIds('dev')).toHaveLength(4)
    expect(Date.now() - started).toBeGreaterThanOrEqual(950)
  })

  it('gives up after the configured retries with the last error', async () => {
    const {emu, client} = await setup({}, {retries: 2})
    emu.faults.add({route: 'listDashboards', status: 503, times: Infinity})
    const error = await failure(client.listDashboardIds('dev'))
    expect(error.status).toBe(503)
    expect(emu.requests.count('listDashboards')).toBe(3)
  })

  it('times out a request that hangs and retries it', async () => {
    const {emu, client} = await setup({}, {timeoutMs: 200, retries: 1})
    emu.faults.add({route: 'listDashboards', delayMs: 1000, times: 2})
    const error = await failure(client.listDashboardIds('dev'))
    expect(error.kind).toBe('timeout')
    expect(error.message).toMatch(/no answer within 0.2 s \(input 'timeout'\)/)
  })

  it('never retries an import: Optimize would create the copies twice', async () => {
    const {emu, client} = await setup()
    const [dashboard] = emu.state.listDashboards('dev')
    const {entities: exported} = await exportEntities(client, [String(dashboard.id)], [])
    emu.faults.add({route: 'import', status: 502})
    const error = await failure(client.importEntities('dev', exported))
    expect(error.status).toBe(502)
    expect(emu.requests.count('import')).toBe(1)
  })

  it('does not retry client errors', async () => {
    const {emu, client} = await setup()
    const error = await failure(exportEntities(client, [], ['missing-report']))
    expect(error.status).toBe(404)
    expect(error.message).toMatch(/Could not find reports with IDs \[missing-report\]/)
    expect(emu.requests.count('exportReports')).toBe(1)
  })

  it('holds at most `concurrency` requests in flight', async () => {
    const {emu, client} = await setup({}, {concurrency: 2, batchSize: 1})
    const ids = await client.listDashboardIds('dev')
    emu.faults.add({route: 'exportDashboards', delayMs: 150, times: Infinity})
    const started = Date.now()
    await exportEntities(client, ids, [])
    // 4 batches of 150 ms, two at a time: at least two rounds.
    expect(Date.now() - started).toBeGreaterThanOrEqual(290)
    expect(emu.requests.count('exportDashboards')).toBe(4)
  })
})

describe('OptimizeClient proxy', () => {
  it('sends requests through HTTPS_PROXY/HTTP_PROXY like other actions', async () => {
    const {emu} = await setup()
    const port = Number(new URL(emu.url).port)
    const tunnels: string[] = []
    const proxy = createServer()
    proxy.on('connect', (req, socket, head) => {
      tunnels.push(req.url ?? '')
      const upstream = connect(port, '127.0.0.1', () => {
        socket.write('HTTP/1.1 200 Connection Established\r\n\r\n')
        upstream.write(head)
        upstream.pipe(socket)
        socket.pipe(upstream)
      })
      upstream.on('error', () => socket.destroy())
      socket.on('error', () => upstream.destroy())
    })
    servers.push(proxy)
    await new Promise<void>(resolve => proxy.listen(0, '127.0.0.1', resolve))
    const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`
    vi.stubEnv('http_proxy', proxyUrl)
    vi.stubEnv('HTTP_PROXY', proxyUrl)
    vi.stubEnv('no_proxy', '')
    vi.stubEnv('NO_PROXY', '')
    const client = OptimizeClient.create(
      {
        baseUrl: `http://optimize.test:${port}`,
        credentials: {kind: 'token', token: emu.token},
        timeoutMs: 2000,
        retries: 0,
        concurrency: 2,
        batchSize: 10
      },
      recordingIo()
    )
    expect(await client.listDashboardIds('dev')).toHaveLength(4)
    expect(tunnels).toEqual([`optimize.test:${port}`])
  })
})

describe('OptimizeClient transport', () => {
  it('undoes the gzip compression a proxy in front of Optimize applies', async () => {
    const {emu, client} = await setup()
    const ids = await client.listDashboardIds('dev')
    const plain = await exportEntities(client, ids, [])
    emu.faults.add({route: 'exportDashboards', gzip: true, times: Infinity})
    emu.faults.add({route: 'listDashboards', gzip: true, times: Infinity})
    expect(await client.listDashboardIds('dev')).toEqual(ids)
    expect(await exportEntities(client, ids, [])).toEqual(plain)
    // The emulator compressed only when asked, as a proxy does.
    const encodings = await Promise.all(
      ['identity', 'gzip'].map(async encoding => {
        const response = await fetch(`${emu.url}/api/public/dashboard?collectionId=dev`, {
          headers: {authorization: `Bearer ${emu.token}`, 'accept-encoding': encoding}
        })
        await response.arrayBuffer()
        return response.headers.get('content-encoding')
      })
    )
    expect(encodings).toEqual([null, 'gzip'])
  })

  it('reads an answer without a body as empty, even when a proxy marks it compressed', async () => {
    const {emu, client} = await setup()
    const [report] = emu.state.listReports('dev')
    emu.faults.add({route: 'deleteReport', gzip: true})
    expect(await client.deleteReport(String(report.id))).toBe(true)
    expect(emu.requests.count('deleteReport')).toBe(1)
  })

  it('reports a redirect instead of following it with the token', async () => {
    const {emu} = await setup()
    const reached: string[] = []
    const elsewhere = createServer((req, res) => {
      reached.push(String(req.headers.authorization))
      res.end('[]')
    })
    const redirecting = createServer((_req, res) => {
      const {port} = elsewhere.address() as AddressInfo
      res.writeHead(302, {location: `http://127.0.0.1:${port}/optimize/api/public/dashboard`})
      res.end()
    })
    servers.push(elsewhere, redirecting)
    await Promise.all(
      [elsewhere, redirecting].map(
        async server => new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
      )
    )
    const io = recordingIo()
    const client = OptimizeClient.create(
      {
        baseUrl: `http://127.0.0.1:${(redirecting.address() as AddressInfo).port}`,
        credentials: {kind: 'token', token: emu.token},
        timeoutMs: 2000,
        retries: 0,
        concurrency: 1,
        batchSize: 10
      },
      io
    )
    const error = await failure(client.listDashboardIds('dev'))
    expect(error.status).toBe(302)
    expect(error.message).toMatch(
      /302 Redirect to http:\/\/127\.0\.0\.1:\d+\/optimize\/api\/public\/dashboard: set 'optimize-url'/
    )
    expect(reached).toEqual([])
    expectNoLeak(io, error, emu.token)
  })

  it('names the refused connection', async () => {
    const closed = createServer()
    await new Promise<void>(resolve => closed.listen(0, '127.0.0.1', resolve))
    const {port} = closed.address() as AddressInfo
    await new Promise(resolve => closed.close(resolve))
    const client = OptimizeClient.create(
      {
        baseUrl: `http://127.0.0.1:${port}`,
        credentials: {kind: 'token', token: 'secret-token'},
        timeoutMs: 2000,
        retries: 0,
        concurrency: 1,
        batchSize: 10
      },
      recordingIo()
    )
    const error = await failure(client.listDashboardIds('dev'))
    expect(error.kind).toBe('network')
    expect(error.message).toMatch(
      /network error: connect ECONNREFUSED 127\.0\.0\.1:\d+ \(ECONNREFUSED\)/
    )
  })
})
