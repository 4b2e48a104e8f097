// HTTP layer: SaaS prefix stripping (SaasRequestAdjustmentFilter), routing, faults, auth,
// dispatch, the request log. Handlers return a Reply so faults can truncate any response
// uniformly.
import {createServer, type IncomingMessage, type Server, type ServerResponse} from 'node:http'
import {gzipSync} from 'node:zlib'
import type {Auth} from './auth.js'
import type {DataExport} from './data-export.js'
import {ApiError, notFound, serverError} from './errors.js'
import {
  collectDashboards,
  collectReports,
  entitiesReply,
  exportDashboard,
  exportReport,
  parseIdList,
  type Shuffler
} from './export.js'
import {echoBody, type FaultAction, type Faults, type RequestLog} from './faults.js'
import * as h from './handlers.js'
import {tokenEndpoint, type IdentityConfig} from './identity.js'
import {importEntities} from './import.js'
import type {ProfileSpec} from './profiles.js'
import {matchRoute, type RouteMatch} from './routes.js'
import type {EmulatorState} from './state.js'
import type {Reply, RouteName} from './types.js'
import {empty, json} from './types.js'

export interface ServerContext {
  state: EmulatorState
  profile: ProfileSpec
  auth: Auth
  identity: IdentityConfig
  faults: Faults
  log: RequestLog
  dataExport: DataExport
  shuffler: Shuffler
  saasClusterId?: string
}

const COLLECTION_ROUTES = new Set<RouteName | 'unknown'>([
  'listCollections',
  'getCollection',
  'createCollection',
  'collectionScope'
])

export function createEmulatorServer(ctx: ServerContext): Server {
  return createServer((req, res) => {
    handle(ctx, req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, serverError(String(error)).reply())
      else res.destroy()
    })
  })
}

async function handle(
  ctx: ServerContext,
  req: IncomingMessage,
  res: ServerResponse
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1')
  const method = (req.method ?? 'GET').toUpperCase()
  const query = Object.fromEntries(url.searchParams)
  let path = url.pathname
  let match: RouteMatch
  const prefix = ctx.saasClusterId ? `/${ctx.saasClusterId}` : ''
  if (path === '/oauth/token') match = matchRoute(method, path)
  else if (prefix && !path.startsWith(`${prefix}/`))
    match = {route: 'unknown', params: [], secured: false}
  else {
    // SaasRequestAdjustmentFilter strips the /<clusterId> prefix.
    path = path.slice(prefix.length)
    match =
      path === '/oauth/token'
        ? {route: 'unknown', params: [], secured: false}
        : matchRoute(method, path)
  }
  const action = ctx.faults.match(match.route, method)
  if (action && action.delayMs > 0)
    await new Promise(resolve => setTimeout(resolve, action.delayMs))
  for (const before of action?.before ?? []) await before()
  const record = (status: number): void =>
    ctx.log.record({method, path: url.pathname, route: match.route, status, query})
  if (action?.reset) {
    record(0)
    req.socket.destroy()
    return
  }
  const body = await readBody(req)
  let reply: Reply
  if (action?.status !== undefined) {
    const echoed = action.echo
      ? echoBody({method, url: req.url ?? '/', rawHeaders: req.rawHeaders, body}, action.echo)
      : undefined
    reply = {
      status: action.status,
      headers: echoed ? {'content-type': 'application/json', ...action.headers} : action.headers,
      body: echoed ?? action.body ?? ''
    }
  } else {
    try {
      reply = dispatch(ctx, req, match, url.searchParams, body)
    } catch (error) {
      reply = error instanceof ApiError ? error.reply() : serverError(String(error)).reply()
    }
    if (action?.headers) reply.headers = {...reply.headers, ...action.headers}
  }
  send(res, reply, action, req.headers['accept-encoding'])
  record(reply.status)
}

function dispatch(
  ctx: ServerContext,
  req: IncomingMessage,
  match: RouteMatch,
  query: URLSearchParams,
  body: string
): Reply {
  const {state, profile} = ctx
  if (match.route === 'token') return tokenEndpoint(ctx.identity, ctx.auth, req.headers, body)
  if (match.route === 'readyz') return empty(200) // HealthRestService: permitAll, no auth
  if (match.secured) {
    const denied = ctx.auth.authenticate(req.headers, query)
    if (denied) return denied
  }
  if (
    match.route === 'unknown' ||
    (COLLECTION_ROUTES.has(match.route) && !profile.collectionEndpoints)
  ) {
    if (match.wrongMethod) return empty(405)
    throw notFound(`No endpoint for ${req.method} ${new URL(req.url ?? '/', 'http://x').pathname}`)
  }
  const collectionId = query.get('collectionId')
  const [param] = match.params
  switch (match.route) {
    case 'listReports':
      return h.listIds(state.listReports(), collectionId)
    case 'listDashboards':
      return h.listIds(state.listDashboards(), collectionId)
    case 'exportReports': {
      const reports = collectReports(state, parseIdList(body)).map(r => exportReport(r, profile))
      return entitiesReply(ctx.shuffler.apply([reports]))
    }
    case 'exportDashboards': {
      const {reports, dashboards} = collectDashboards(state, parseIdList(body))
      return entitiesReply(
        ctx.shuffler.apply([
          reports.map(r => exportReport(r, profile)),
          dashboards.map(d => exportDashboard(d, profile))
        ])
      )
    }
    case 'exportResult':
      return ctx.dataExport.handle(param, query)
    case 'import':
      return json(200, importEntities(state, profile, ctx.faults, collectionId, body))
    case 'deleteReport':
      return h.deleteReport(state, profile, param)
    case 'deleteDashboard':
      return h.deleteDashboard(state, profile, param)
    case 'listCollections':
      return h.listCollections(state)
    case 'getCollection':
      return h.getCollection(state, param)
    case 'createCollection':
      return h.createCollection(state, body)
    case 'collectionScope':
      return h.setCollectionScope(state, profile, param, body)
    case 'shareEnable':
      return h.setSharing(state, profile, true)
    case 'shareDisable':
      return h.setSharing(state, profile, false)
    case 'variableLabels':
      return h.variableLabels(state, profile, body)
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

function send(res: ServerResponse, reply: Reply, action?: FaultAction, acceptEncoding = ''): void {
  let body = Buffer.isBuffer(reply.body) ? reply.body : Buffer.from(reply.body ?? '')
  // 204 and 304 have no body; a proxy may still mark them compressed.
  const bodyless = reply.status === 204 || reply.status === 304
  if (action?.gzip && /\bgzip\b/.test(acceptEncoding)) {
    if (!bodyless) body = gzipSync(body)
    reply.headers = {...reply.headers, 'content-encoding': 'gzip'}
  }
  if (bodyless) {
    res.writeHead(reply.status, {...reply.headers})
    res.end()
    return
  }
  if (action?.truncate) {
    // Valid status and headers, then half of the body, then end (chunked, no content-length).
    res.writeHead(reply.status, {...reply.headers})
    res.end(body.subarray(0, Math.floor(body.length / 2)))
    return
  }
  res.writeHead(reply.status, {...reply.headers, 'content-length': body.length})
  res.end(body)
}
