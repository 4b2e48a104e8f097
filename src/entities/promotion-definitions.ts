/**
 * Do the definitions the reports need exist in the engine behind the target?
 * Optimize refuses an import when none of a report's versions exist and
 * silently drops the versions that don't (optimize-api.md §4.1 step 9d), so
 * the plan asks the engine first:
 *
 * - Camunda 7 engine REST: `GET {url}/process-definition?key=…` (and
 *   `decision-definition`), an array of `{key, version, tenantId}`.
 * - Camunda 8 REST: `POST {url}/v2/process-definitions/search` (and
 *   `decision-definitions`) with `{filter: {processDefinitionId: key}}`,
 *   answering `{items: [{version, tenantId}]}`.
 *
 * The URL's shape picks the API (`…/engine-rest` → 7, `…/v2` → 8); otherwise
 * Camunda 7 is tried first and Camunda 8 when that path does not exist. The
 * HTTP call itself is injected: this module does no I/O.
 */
import type {Report} from '../optimize/schemas.js'
import {compareStrings} from './normalize.js'

export type DefinitionType = 'process' | 'decision'
export type EngineApi = 'camunda7' | 'camunda8'

/** Sends one request with the action's credentials; network failures throw. */
export type EngineSend = (
  method: 'GET' | 'POST',
  url: string,
  body?: unknown
) => Promise<{status: number; text: string}>

export interface DefinitionNeed {
  type: DefinitionType
  key: string
  /** Explicit versions some report pins ('all'/'latest' are not listed). */
  versions: string[]
  /** Tenants some report asks for (null: Camunda 7's "not defined" tenant). */
  tenants: (string | null)[]
  /** Report names, for the message. */
  reports: string[]
}

export interface DefinitionCheck {
  api?: EngineApi
  /** One line per missing key or version. */
  missing: string[]
  /** Keys found with every pinned version. */
  found: number
}

const C8_PAGE_LIMIT = 1000

/** What the reports need, one entry per definition type and key, sorted. */
export function definitionNeeds(reports: Iterable<Report>): DefinitionNeed[] {
  const needs = new Map<string, DefinitionNeed>()
  for (const report of reports) {
    if (report.exportEntityType === 'combined_report') continue
    const type: DefinitionType =
      report.exportEntityType === 'single_decision_report' ? 'decision' : 'process'
    for (const definition of report.data.definitions ?? []) {
      const id = `${type}:${definition.key}`
      const need = needs.get(id) ?? {
        type,
        key: definition.key,
        versions: [],
        tenants: [],
        reports: []
      }
      for (const tenant of definition.tenantIds ?? [null]) {
        if (!need.tenants.includes(tenant)) need.tenants.push(tenant)
      }
      for (const version of definition.versions ?? ['all']) {
        if (!/^(all|latest)$/i.test(version) && !need.versions.includes(version))
          need.versions.push(version)
      }
      if (!need.reports.includes(report.name)) need.reports.push(report.name)
      needs.set(id, need)
    }
  }
  return [...needs.values()].sort(
    (a, b) => compareStrings(a.type, b.type) || compareStrings(a.key, b.key)
  )
}

export function engineApiOf(url: string): EngineApi | undefined {
  const path = new URL(url).pathname.replace(/\/+$/, '')
  if (/\/engine-rest$/.test(path) || /\/engine\/[^/]+$/.test(path)) return 'camunda7'
  if (/\/v2$/.test(path)) return 'camunda8'
  return undefined
}

export async function checkDefinitions(
  url: string,
  needs: readonly DefinitionNeed[],
  send: EngineSend
): Promise<DefinitionCheck> {
  const base = url.replace(/\/+$/, '')
  let api = engineApiOf(base)
  const result: DefinitionCheck = {api, missing: [], found: 0}
  for (const need of needs) {
    let versions: string[] | undefined
    if (api !== 'camunda8') {
      versions = await camunda7Versions(base, need, send)
      if (versions === undefined && api === undefined) api = 'camunda8'
      else api ??= 'camunda7'
    }
    if (api === 'camunda8') versions = await camunda8Versions(base, need, send)
    if (versions === undefined)
      throw new Error(
        `${base} is neither a Camunda 7 engine REST API nor a Camunda 8 REST API (no definition endpoint answered).`
      )
    const what = `${need.type} definition '${need.key}'`
    const usedBy = `used by ${need.reports.map(r => `'${r}'`).join(', ')}`
    if (versions.length === 0) {
      result.missing.push(`${what} does not exist (${usedBy})`)
      continue
    }
    const absent = need.versions.filter(v => !versions.includes(v))
    if (absent.length > 0) {
      result.missing.push(
        `${what} has no version ${absent.join(', ')} (it has ${versions.join(', ')}; ${usedBy}); Optimize would drop the missing versions silently`
      )
      continue
    }
    result.found++
  }
  result.api = api
  return result
}

/** The versions of a key, or undefined when the endpoint does not exist (not a Camunda 7 URL). */
async function camunda7Versions(
  base: string,
  need: DefinitionNeed,
  send: EngineSend
): Promise<string[] | undefined> {
  const url = `${base}/${need.type}-definition?key=${encodeURIComponent(need.key)}`
  const response = await send('GET', url)
  if (response.status === 404 || response.status === 405) return undefined
  const list = parseOk(response, url)
  if (!Array.isArray(list)) throw new Error(`GET ${url} did not answer a list of definitions.`)
  return versionsOf(list as {version?: unknown}[])
}

async function camunda8Versions(
  base: string,
  need: DefinitionNeed,
  send: EngineSend
): Promise<string[]> {
  const root = base.replace(/\/v2$/, '')
  const url = `${root}/v2/${need.type}-definitions/search`
  const idField = need.type === 'process' ? 'processDefinitionId' : 'decisionDefinitionId'
  const body = {filter: {[idField]: need.key}, page: {limit: C8_PAGE_LIMIT}}
  const answer = parseOk(await send('POST', url, body), url) as {items?: unknown}
  if (!answer || !Array.isArray(answer.items))
    throw new Error(`POST ${url} did not answer {items: [...]}.`)
  return versionsOf(answer.items as {version?: unknown}[])
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

function versionsOf(items: {version?: unknown}[]): string[] {
  const versions = new Set(items.map(item => String(item.version)).filter(v => v !== 'undefined'))
  return [...versions].sort((a, b) => Number(a) - Number(b) || compareStrings(a, b))
}

/**
 * The collection's data sources (scope) against what the reports need: the
 * server refuses with 409 otherwise (§4.1 step 9f). Undefined when the
 * collection does not show its scope.
 */
export function scopeProblems(
  collection: Record<string, unknown>,
  needs: readonly DefinitionNeed[]
): {check: string; status: 'ok' | 'failed'; message: string} | undefined {
  const data = collection.data as {scope?: unknown} | undefined
  if (!data || !Array.isArray(data.scope)) return undefined
  const scope = (data.scope as Record<string, unknown>[]).map(entry => ({
    type: entry.definitionType,
    key: entry.definitionKey,
    tenants: (Array.isArray(entry.tenants) ? entry.tenants : []).map(tenantId)
  }))
  const problems: string[] = []
  for (const need of needs) {
    const entries = scope.filter(e => e.type === need.type && e.key === need.key)
    if (entries.length === 0) {
      problems.push(`${need.type} definition '${need.key}' is not in the collection's data sources`)
      continue
    }
    const covered = new Set(entries.flatMap(e => e.tenants))
    const absent = need.tenants.filter(t => !covered.has(t))
    if (absent.length > 0)
      problems.push(
        `tenants ${absent.map(t => (t === null ? 'none (not defined)' : `'${t}'`)).join(', ')} of ${need.type} definition '${need.key}' are not in the collection's data source`
      )
  }
  if (problems.length > 0)
    return {check: 'data sources', status: 'failed', message: problems.join('; ')}
  return {
    check: 'data sources',
    status: 'ok',
    message: `all ${needs.length} definitions and their tenants are in the collection's data sources`
  }
}

/** Scope tenants are ids (emulator) or `{id, name}` objects (Optimize's collection DTO). */
function tenantId(tenant: unknown): string | null {
  if (tenant && typeof tenant === 'object') return tenantId((tenant as {id?: unknown}).id)
  return typeof tenant === 'string' ? tenant : null
}
