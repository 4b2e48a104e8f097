// Import steps 9–10 (ReportImportService.validateAllReportsOrFail): per-report validation in
// validateReportOrFail's order (description → name → index version → definition existence →
// scope → xml refill, for decision reports too), first failure per report wins, then the
// priority across all reports: index > definitions > scope > tenants > description > name.
import {ApiError, javaList} from './errors.js'
import {indexName, type IndexVersions, type ProfileSpec} from './profiles.js'
import type {EmulatorState} from './state.js'
import type {Collection, DefinitionType, Json, JsonObject} from './types.js'
import {isObject} from './types.js'

const KIND: Record<string, keyof IndexVersions> = {
  single_process_report: 'process',
  single_decision_report: 'decision',
  combined_report: 'combined',
  dashboard: 'dashboard'
}

function data(entity: JsonObject): JsonObject {
  return isObject(entity.data) ? entity.data : {}
}

/** ReportService.validateReportDescription: null or 1–400 characters; "" is invalid. */
export function descriptionValid(description: Json | undefined): boolean {
  return (
    description === null ||
    description === undefined ||
    (typeof description === 'string' && description.length >= 1 && description.length <= 400)
  )
}

interface Collected {
  mismatches: Map<string, JsonObject>
  missing: Map<string, JsonObject>
  definitionScope: boolean
  tenantScope: boolean
  descriptions: string[]
  names: string[]
}

export function validateReports(
  state: EmulatorState,
  profile: ProfileSpec,
  collection: Collection,
  reports: JsonObject[]
): void {
  const c: Collected = {
    mismatches: new Map(),
    missing: new Map(),
    definitionScope: false,
    tenantScope: false,
    descriptions: [],
    names: []
  }
  // validateReportOrFail stops at the first failure of each report; the kinds are collected.
  for (const report of reports) validateReport(state, profile, collection, report, c)
  if (c.mismatches.size > 0) {
    throw new ApiError(
      400,
      'importIndexVersionMismatch',
      'Could not import because source and target index versions do not match for at least one report.',
      {mismatchingIndices: [...c.mismatches.values()]}
    )
  }
  if (c.missing.size > 0) {
    throw new ApiError(
      400,
      'importDefinitionDoesNotExist',
      'Could not import because at least one required definition does not exist.',
      {definitions: [...c.missing.values()]}
    )
  }
  // importDefinitionForbidden (403) cannot happen: the public API runs with userId null.
  const conflicted = [{id: collection.id, type: 'collection', name: collection.name}]
  if (c.definitionScope) {
    throw new ApiError(
      409,
      'nonDefinitionScopeCompliantConflict',
      'Could not apply action due to conflicts with the collection data source. The report definition is not defined in the data source.',
      {conflictedItems: conflicted}
    )
  }
  if (c.tenantScope) {
    throw new ApiError(
      409,
      'nonTenantScopeCompliantConflict',
      'Could not apply action due to conflicts with the collection data source. The definition for the report is available in the data source yet at least one tenant defined in the report is not available in the data source.',
      {conflictedItems: conflicted}
    )
  }
  if (c.descriptions.length > 0) {
    throw new ApiError(
      400,
      'importDescriptionInvalid',
      `Could not apply action due to invalid descriptions. Descriptions must be null or not greater than 400 characters. Invalid entities: ${javaList(c.descriptions)}`
    )
  }
  if (c.names.length > 0) {
    throw new ApiError(
      400,
      'importNameInvalid',
      `Could not apply action due to invalid names. Names must be null or not exceed the configured maximum length. Invalid entities: ${javaList(c.names)}`
    )
  }
}

function validateReport(
  state: EmulatorState,
  profile: ProfileSpec,
  collection: Collection,
  report: JsonObject,
  c: Collected
): void {
  if (profile.descriptions && !descriptionValid(report.description)) {
    c.descriptions.push(String(report.id))
    return
  }
  const max = profile.nameMaxLength
  if (max !== null && typeof report.name === 'string' && report.name.length > max) {
    c.names.push(String(report.id))
    return
  }
  const kind = KIND[String(report.exportEntityType)]
  const target = profile.versions[kind]
  if (report.sourceIndexVersion !== target) {
    const item = {
      indexName: indexName(kind, target),
      sourceIndexVersion: report.sourceIndexVersion,
      targetIndexVersion: target
    }
    c.mismatches.set(JSON.stringify(item), item)
    return
  }
  if (kind === 'combined') return // combined reports only get the index check
  const type: DefinitionType = kind === 'process' ? 'process' : 'decision'
  const definitions = (data(report).definitions as JsonObject[] | undefined) ?? []
  // getProcessDefinitionKey()/Versions()/TenantIds() read the FIRST definition only.
  const first = definitions[0]
  const key = typeof first?.key === 'string' ? first.key : null
  const versions = first ? (first.versions as Json[]).map(String) : []
  const tenants = first ? (first.tenantIds as (string | null)[]) : []
  const existing = existingVersions(state, type, key, tenants)
  const allOrLatest = versions.some(v => ['all', 'latest'].includes(v.toLowerCase()))
  const kept = allOrLatest ? versions : versions.filter(v => existing.includes(v))
  if ((allOrLatest && existing.length === 0) || (!allOrLatest && kept.length === 0)) {
    const item = {type, key, versions, tenantIds: tenants}
    c.missing.set(JSON.stringify(item), item)
    return
  }
  if (first) first.versions = kept // removeMissingVersionsOrFailIfNoneExist: nonexistent explicit versions silently dropped
  for (const def of definitions) {
    if (typeof def.key !== 'string') continue
    const compliance = scopeCompliance(
      collection,
      type,
      def.key,
      def.tenantIds as (string | null)[]
    )
    if (compliance === 'definition') {
      c.definitionScope = true
      return
    }
    if (compliance === 'tenant') {
      c.tenantScope = true
      return
    }
  }
  // Step 9g: populateDefinitionXml fills configuration.xml from the target's definition, for
  // process (BPMN) and decision (DMN) reports alike.
  const definition = key === null ? undefined : state.getDefinition(type, key)
  if (definition) {
    const d = data(report)
    const configuration = isObject(d.configuration) ? d.configuration : {}
    configuration.xml = definition.xml
    d.configuration = configuration
  }
}

function existingVersions(
  state: EmulatorState,
  type: DefinitionType,
  key: string | null,
  tenants: (string | null)[]
): string[] {
  if (key === null) return []
  const definition = state.getDefinition(type, key)
  if (!definition) return []
  const wanted = tenants.length === 0 ? [null] : tenants
  return wanted.some(t => definition.tenants.includes(t)) ? definition.versions : []
}

function scopeCompliance(
  collection: Collection,
  type: DefinitionType,
  key: string,
  tenants: (string | null)[]
): 'ok' | 'tenant' | 'definition' {
  const entries = collection.scope.filter(s => s.definitionType === type && s.definitionKey === key)
  if (entries.some(s => tenants.every(t => s.tenants.includes(t)))) return 'ok'
  return entries.length > 0 ? 'tenant' : 'definition'
}
