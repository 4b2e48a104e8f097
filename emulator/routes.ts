// Route table of the public API plus the token endpoint.
import type {RouteName} from './types.js'

export interface RouteMatch {
  route: RouteName | 'unknown'
  params: string[]
  /** Whether the public-API auth applies: everything under /api/public. */
  secured: boolean
  /** The path exists but not for this method (→ 405). */
  wrongMethod?: boolean
}

const TABLE: [string, RegExp, RouteName][] = [
  ['GET', /^\/api\/readyz$/, 'readyz'],
  ['POST', /^\/oauth\/token$/, 'token'],
  ['GET', /^\/api\/public\/report$/, 'listReports'],
  ['GET', /^\/api\/public\/dashboard$/, 'listDashboards'],
  ['POST', /^\/api\/public\/export\/report\/definition\/json$/, 'exportReports'],
  ['POST', /^\/api\/public\/export\/dashboard\/definition\/json$/, 'exportDashboards'],
  ['GET', /^\/api\/public\/export\/report\/([^/]+)\/result\/json$/, 'exportResult'],
  ['POST', /^\/api\/public\/import$/, 'import'],
  ['DELETE', /^\/api\/public\/report\/([^/]+)$/, 'deleteReport'],
  ['DELETE', /^\/api\/public\/dashboard\/([^/]+)$/, 'deleteDashboard'],
  ['GET', /^\/api\/public\/collection$/, 'listCollections'],
  ['POST', /^\/api\/public\/collection\/create$/, 'createCollection'],
  ['GET', /^\/api\/public\/collection\/([^/]+)$/, 'getCollection'],
  ['PUT', /^\/api\/public\/collection\/([^/]+)\/scope$/, 'collectionScope'],
  ['POST', /^\/api\/public\/share\/enable$/, 'shareEnable'],
  ['POST', /^\/api\/public\/share\/disable$/, 'shareDisable'],
  ['POST', /^\/api\/public\/variables\/labels$/, 'variableLabels']
]

export function matchRoute(method: string, path: string): RouteMatch {
  const secured = path.startsWith('/api/public/') || path === '/api/public'
  let wrongMethod = false
  for (const [m, pattern, route] of TABLE) {
    const match = pattern.exec(path)
    if (!match) continue
    if (m !== method) {
      wrongMethod = true
      continue
    }
    return {route, params: match.slice(1).map(decodeURIComponent), secured}
  }
  return {route: 'unknown', params: [], secured, wrongMethod}
}
