/**
 * What the engine behind the target has of each definition the reports need:
 * its versions and the tenants it is deployed for. Optimize refuses an import
 * when none of a report's versions exist and silently drops the versions that
 * don't (optimize-api.md §4.1 step 9d), so the plan asks the engine first:
 *
 * - Camunda 7 engine REST: `GET {url}/process-definition?key=…` (and
 *   `decision-definition`), an array of `{key, version, tenantId}`; tenantId
 *   null is a definition deployed without a tenant, which every tenant shares
 *   (docs.camunda.org, user guide, process engine, multi-tenancy: "shared
 *   definitions").
 * - Camunda 8 REST: `POST {url}/v2/process-definitions/search` (and
 *   `decision-definitions`) with `{filter: {processDefinitionId: key}}`,
 *   answering `{items: [{version, tenantId}]}`; the default tenant is
 *   `<default>`.
 *
 * The URL's shape picks the API (`…/engine-rest` → 7, `…/v2` → 8); otherwise
 * Camunda 7 is tried first and Camunda 8 when that path does not exist. The
 * HTTP call itself is injected: this module does no I/O.
 */
import {definitionId, type DefinitionType} from './collection-file.js'
import {compareStrings, compareTenants} from './normalize.js'

export type EngineApi = 'camunda7' | 'camunda8'

/** Sends one request with the action's credentials; network failures throw. */
export type EngineSend = (
  method: 'GET' | 'POST',
  url: string,
  body?: unknown
) => Promise<{status: number; text: string}>

/** One definition key in the engine; both lists empty when the key does not exist. */
export interface EngineDefinition {
  /** Sorted numerically. */
  versions: string[]
  /** Tenant ids as the engine answers them (null: Camunda 7's definitions without a tenant). */
  tenants: (string | null)[]
}

export interface EngineDefinitions {
  api: EngineApi
  /** By `type:key` (definitionId). */
  byId: Map<string, EngineDefinition>
}

/** Camunda 8's default tenant (Optimize's ZeebeConstants.ZEEBE_DEFAULT_TENANT_ID). */
export const C8_DEFAULT_TENANT = '<default>'
const C8_PAGE_LIMIT = 1000

export function engineApiOf(url: string): EngineApi | undefined {
  const path = new URL(url).pathname.replace(/\/+$/, '')
  if (/\/engine-rest$/.test(path) || /\/engine\/[^/]+$/.test(path)) return 'camunda7'
  if (/\/v2$/.test(path)) return 'camunda8'
  return undefined
}

/** Asks the engine at `url` for each definition, in the order given. */
export async function readEngine(
  url: string,
  wanted: readonly {type: DefinitionType; key: string}[],
  send: EngineSend
): Promise<EngineDefinitions> {
  const base = url.replace(/\/+$/, '')
  let api = engineApiOf(base)
  const byId = new Map<string, EngineDefinition>()
  for (const {type, key} of wanted) {
    let items: EngineItem[] | undefined
    if (api !== 'camunda8') {
      items = await camunda7Items(base, type, key, send)
      if (items === undefined && api === undefined) api = 'camunda8'
      else api ??= 'camunda7'
    }
    if (api === 'camunda8') items = await camunda8Items(base, type, key, send)
    if (items === undefined)
      throw new Error(
        `${base} is neither a Camunda 7 engine REST API nor a Camunda 8 REST API (no definition endpoint answered).`
      )
    byId.set(definitionId(type, key), definitionOf(items))
  }
  return {api: api ?? 'camunda7', byId}
}

interface EngineItem {
  version?: unknown
  tenantId?: unknown
}

/** The definitions of a key, or undefined when the endpoint does not exist (not a Camunda 7 URL). */
async function camunda7Items(
  base: string,
  type: DefinitionType,
  key: string,
  send: EngineSend
): Promise<EngineItem[] | undefined> {
  const url = `${base}/${type}-definition?key=${encodeURIComponent(key)}`
  const response = await send('GET', url)
  if (response.status === 404 || response.status === 405) return undefined
  const list = parseOk(response, url)
  if (!Array.isArray(list)) throw new Error(`GET ${url} did not answer a list of definitions.`)
  return list as EngineItem[]
}

async function camunda8Items(
  base: string,
  type: DefinitionType,
  key: string,
  send: EngineSend
): Promise<EngineItem[]> {
  const root = base.replace(/\/v2$/, '')
  const url = `${root}/v2/${type}-definitions/search`
  const idField = type === 'process' ? 'processDefinitionId' : 'decisionDefinitionId'
  const body = {filter: {[idField]: key}, page: {limit: C8_PAGE_LIMIT}}
  const answer = parseOk(await send('POST', url, body), url) as {items?: unknown}
  if (!answer || !Array.isArray(answer.items))
    throw new Error(`POST ${url} did not answer {items: [...]}.`)
  return answer.items as EngineItem[]
}

function parseOk(response: {status: number; text: string}, url: string): unknown {
  if (response.status >= 400)
    throw new Error(`${url} answered ${response.status}: ${response.text.slice(0, 200)}`)
  try {
    return JSON.parse(response.text) as unknown
  } catch {
    throw new Error(`${url} did not answer JSON.`)
  }
}

function definitionOf(items: readonly EngineItem[]): EngineDefinition {
  const versions = new Set(items.map(item => String(item.version)).filter(v => v !== 'undefined'))
  const tenants = new Set(
    items.map(item => (typeof item.tenantId === 'string' ? item.tenantId : null))
  )
  return {
    versions: [...versions].sort((a, b) => Number(a) - Number(b) || compareStrings(a, b)),
    tenants: [...tenants].sort(compareTenants)
  }
}

/**
 * Whether the engine's definition serves `tenant`: one deployed for it, or,
 * in Camunda 7, one deployed without a tenant (shared by all). In Camunda 8
 * the default tenant is `<default>`; a report's null tenant is taken as it.
 */
export function servesTenant(
  api: EngineApi,
  definition: EngineDefinition,
  tenant: string | null
): boolean {
  if (api === 'camunda7')
    return definition.tenants.includes(null) || definition.tenants.includes(tenant)
  return definition.tenants.includes(tenant ?? C8_DEFAULT_TENANT)
}
