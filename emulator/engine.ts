// The engine behind an emulated Optimize: the definition endpoints the plan's definitions check
// asks ('definitions-url'), answering from the emulator's definitions (EmulatorState.addDefinition),
// each version deployed for each of its tenants. A server of its own, on its own port, as an
// engine is beside Optimize; nothing of Optimize's API is served here.
//
// - Camunda 7 engine REST, `GET /engine-rest/process-definition?key=…` and
//   `GET /engine-rest/decision-definition?key=…`: an array of definitions `{id, key, name,
//   version, tenantId, …}`, tenantId null for one deployed without a tenant; an unknown key is an
//   empty array. camunda/camunda-bpm-platform
//   engine-rest/engine-rest-openapi/src/main/templates/paths/process-definition/get.ftl @
//   32c39d0d5c9e5060c8621becd0afaaee6a3b0375 and …/paths/decision-definition/get.ftl @
//   b8c4889e0f4832668ebb0f67afcf55985ccd9777 (the ProcessDefinitionDto example).
// - Camunda 8 REST, `POST /v2/process-definitions/search` with `{filter: {processDefinitionId}}`
//   and `POST /v2/decision-definitions/search` with `{filter: {decisionDefinitionId}}`:
//   `{items: [{processDefinitionId|decisionDefinitionId, name, version, tenantId, …Key}], page:
//   {totalItems, hasMoreTotalItems}}`, the default tenant `<default>`. camunda/camunda
//   zeebe/gateway-protocol/src/main/proto/schemas/processes/process-definition-models.yaml and
//   …/search/search-models.yaml @ 1bb16866f1631702b2523974442a5f585cc0f6d4,
//   …/decisions/decision-definition-models.yaml @ 23bacdc4f4e90687ee27d037b054f839429f1337;
//   the id filter a string or `{$eq: …}` (StringFilterProperty, …/common/filters.yaml @
//   a7dcaaaf7c9e2fc4c989df6c58bfe3fc9fcfccd8); `<default>` is ZEEBE_DEFAULT_TENANT_ID in
//   optimize/util/optimize-commons/src/main/java/io/camunda/optimize/service/util/importing/ZeebeConstants.java
//   @ d5949cb91e56bf6bf51ddfba1691e927dc997668.
//
// Any other path answers 404, as the engine's REST application does for a path it lacks. The
// engine does not check credentials [inferred: the check sends Optimize's, which an engine with
// authentication may refuse]; the requests are recorded for tests.
import {createServer, type IncomingMessage, type ServerResponse} from 'node:http'
import type {AddressInfo} from 'node:net'
import type {EmulatorState} from './state.js'
import type {Definition, DefinitionType} from './types.js'

export type EngineApi = 'camunda7' | 'camunda8'

export interface Engine {
  /** The URL for 'definitions-url': `…/engine-rest` (Camunda 7) or `…/v2` (Camunda 8). */
  url: string
  /** "METHOD /path" of every request, in order. */
  requests: string[]
  close(): Promise<void>
}

const C8_DEFAULT_TENANT = '<default>'

export async function startEngine(state: EmulatorState, api: EngineApi): Promise<Engine> {
  const requests: string[] = []
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = ''
    req.on('data', (chunk: Buffer) => (body += chunk.toString()))
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://engine')
      requests.push(`${req.method} ${url.pathname}`)
      const answer = route(state, api, req.method ?? 'GET', url, body)
      res.writeHead(answer.status, {'content-type': 'application/json'})
      res.end(JSON.stringify(answer.body))
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const {port} = server.address() as AddressInfo
  const origin = `http://127.0.0.1:${port}`
  return {
    url: api === 'camunda7' ? `${origin}/engine-rest` : `${origin}/v2`,
    requests,
    close: async () =>
      new Promise<void>((resolve, reject) => {
        server.close(error => (error ? reject(error) : resolve()))
        server.closeAllConnections()
      })
  }
}

function route(
  state: EmulatorState,
  api: EngineApi,
  method: string,
  url: URL,
  body: string
): {status: number; body: unknown} {
  const c7 = /^\/engine-rest\/(process|decision)-definition$/.exec(url.pathname)
  if (api === 'camunda7' && c7 && method === 'GET') {
    const type = c7[1] as DefinitionType
    const key = url.searchParams.get('key')
    const definition = key === null ? undefined : state.getDefinition(type, key)
    return {status: 200, body: deployed(definition).map(d => camunda7Item(d))}
  }
  const c8 = /^\/v2\/(process|decision)-definitions\/search$/.exec(url.pathname)
  if (api === 'camunda8' && c8 && method === 'POST') {
    const type = c8[1] as DefinitionType
    const filter = filterOf(body)
    // A body that is no JSON: a ProblemDetail 400 [inferred: its exact text is not reproduced].
    if (!filter) return {status: 400, body: {status: 400, title: 'Bad Request'}}
    const wanted = idFilter(
      filter[type === 'process' ? 'processDefinitionId' : 'decisionDefinitionId']
    )
    const definitions =
      wanted === undefined
        ? [...state.definitions.values()].filter(d => d.type === type)
        : [state.getDefinition(type, wanted)]
    const items = definitions.flatMap(deployed).map(d => camunda8Item(type, d))
    return {status: 200, body: {items, page: {totalItems: items.length, hasMoreTotalItems: false}}}
  }
  return {status: 404, body: {type: 'NotFoundException', message: `no resource ${url.pathname}`}}
}

interface Deployed {
  definition: Definition
  version: string
  tenant: string | null
}

/** Each version of a definition deployed for each of its tenants. */
function deployed(definition: Definition | undefined): Deployed[] {
  if (!definition) return []
  return definition.versions.flatMap(version =>
    definition.tenants.map(tenant => ({definition, version, tenant}))
  )
}

function camunda7Item({definition, version, tenant}: Deployed): Record<string, unknown> {
  return {
    id: `${definition.key}:${version}:${tenant ?? 'shared'}`,
    key: definition.key,
    name: definition.name,
    version: Number(version),
    tenantId: tenant,
    suspended: false,
    versionTag: null
  }
}

function camunda8Item(type: DefinitionType, {definition, version, tenant}: Deployed): unknown {
  const id = type === 'process' ? 'processDefinitionId' : 'decisionDefinitionId'
  return {
    [id]: definition.key,
    name: definition.name,
    version: Number(version),
    tenantId: tenant ?? C8_DEFAULT_TENANT
  }
}

function filterOf(body: string): Record<string, unknown> | undefined {
  try {
    const parsed = JSON.parse(body || '{}') as {filter?: Record<string, unknown>}
    return parsed.filter ?? {}
  } catch {
    return undefined
  }
}

/** A StringFilterProperty: the value itself, or `{$eq: value}`. */
function idFilter(value: unknown): string | undefined {
  if (typeof value === 'string') return value
  if (value && typeof value === 'object' && typeof (value as {$eq?: unknown}).$eq === 'string')
    return (value as {$eq: string}).$eq
  return undefined
}
