/**
 * The definitions the reports need, against what the target has: the engine
 * behind it (engine-definitions.ts asks it) and the collection's data
 * sources. Optimize refuses an import when none of a report's versions exist,
 * silently drops the versions that don't (optimize-api.md §4.1 step 9d), and
 * refuses definitions and tenants outside the collection's scope (step 9f).
 * With an environment, a key or tenant the target does not know is named with
 * its files and the config entry to add (environment-values.ts).
 */
import type {Report} from '../optimize/schemas.js'
import {servesTenant, type EngineDefinitions} from './engine-definitions.js'
import {definitionId, definitionTypeOf, tenantId, type DefinitionType} from './collection-file.js'
import {compareStrings} from './normalize.js'

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
  /** One line per missing key, version, or (with an environment) tenant. */
  missing: string[]
  /** Keys found with every pinned version. */
  found: number
  /** Keys found, but without some version a report pins. */
  pinned: number
}

/** Where the target lacks a value: in the engine behind it, or in the collection's data sources. */
export type Lacking = 'engine' | 'scope'

/** With an environment: the message for a key or tenant the target does not know. */
export interface UnknownValues {
  key(type: DefinitionType, key: string, where: Lacking): string
  tenant(type: DefinitionType, key: string, tenant: string | null, where: Lacking): string
}

/** What the reports need, one entry per definition type and key, sorted. */
export function definitionNeeds(reports: Iterable<Report>): DefinitionNeed[] {
  const needs = new Map<string, DefinitionNeed>()
  for (const report of reports) {
    if (report.exportEntityType === 'combined_report') continue
    const type = definitionTypeOf(report)
    for (const definition of report.data.definitions ?? []) {
      const id = definitionId(type, definition.key)
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

/**
 * The needs against the engine's answer: a key it lacks, a pinned version it
 * lacks, and with `unknown` (an environment) a tenant it has no definition
 * of the key for.
 */
export function definitionProblems(
  needs: readonly DefinitionNeed[],
  engine: EngineDefinitions,
  unknown?: UnknownValues
): DefinitionCheck {
  const result: DefinitionCheck = {missing: [], found: 0, pinned: 0}
  for (const need of needs) {
    const definition = engine.byId.get(definitionId(need.type, need.key))
    const what = `${need.type} definition '${need.key}'`
    const usedBy = `used by ${need.reports.map(r => `'${r}'`).join(', ')}`
    if (!definition || definition.versions.length === 0) {
      result.missing.push(
        unknown?.key(need.type, need.key, 'engine') ?? `${what} does not exist (${usedBy})`
      )
      continue
    }
    const problems: string[] = []
    const absent = need.versions.filter(v => !definition.versions.includes(v))
    if (absent.length > 0) {
      result.pinned++
      problems.push(
        `${what} has no version ${absent.join(', ')} (it has ${definition.versions.join(', ')}; ${usedBy}); Optimize would drop the missing versions silently`
      )
    }
    if (unknown)
      for (const tenant of need.tenants)
        if (!servesTenant(engine.api, definition, tenant))
          problems.push(unknown.tenant(need.type, need.key, tenant, 'engine'))
    if (problems.length > 0) result.missing.push(...problems)
    else result.found++
  }
  return result
}

/**
 * The collection's data sources (scope) against what the reports need: the
 * server refuses with 409 otherwise (§4.1 step 9f). Undefined when the
 * collection does not show its scope.
 */
export function scopeProblems(
  collection: Record<string, unknown>,
  needs: readonly DefinitionNeed[],
  unknown?: UnknownValues
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
      problems.push(
        unknown?.key(need.type, need.key, 'scope') ??
          `${need.type} definition '${need.key}' is not in the collection's data sources`
      )
      continue
    }
    const covered = new Set(entries.flatMap(e => e.tenants))
    const absent = need.tenants.filter(t => !covered.has(t))
    if (absent.length > 0 && unknown)
      problems.push(...absent.map(t => unknown.tenant(need.type, need.key, t, 'scope')))
    else if (absent.length > 0)
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
