// Definition exports (EntityExportService → ReportExportService / DashboardExportService). Only the
// export DTO fields are written: never owner/lastModifier/created/lastModified/refreshRateSeconds/
// managementDashboard. `sourceIndexVersion` is this build's index version; `userTaskReport` is
// derived; there is no `description` before 3.11.
import {ApiError, javaList, notFound, serverError} from './errors.js'
import {LIST_FETCH_LIMIT, type ProfileSpec} from './profiles.js'
import {mulberry32, type Rng, shuffle} from './random.js'
import type {EmulatorState} from './state.js'
import {tileReportIds, tilesToLegacyReports} from './tiles.js'
import type {Json, JsonObject, Reply} from './types.js'
import {isObject} from './types.js'
import {serializeWithXml} from './xml-cache.js'

const PROCESS_DATA_ORDER = [
  'definitions',
  'filter',
  'configuration',
  'view',
  'groupBy',
  'distributedBy',
  'visualization',
  'managementReport',
  'instantPreviewReport'
]

export function exportReport(report: JsonObject, profile: ProfileSpec): JsonObject {
  const type = report.exportEntityType
  const versions = profile.versions
  const version =
    type === 'single_process_report'
      ? versions.process
      : type === 'single_decision_report'
        ? versions.decision
        : versions.combined
  let data: Json = report.data ?? null
  if (type === 'single_process_report' && isObject(data)) {
    const ordered: JsonObject = {}
    for (const key of PROCESS_DATA_ORDER) if (key in data) ordered[key] = data[key]
    for (const [key, value] of Object.entries(data))
      if (!(key in ordered) && key !== 'userTaskReport') ordered[key] = value
    // Derived getter isUserTaskReport(): written on export, ignored on import.
    ordered.userTaskReport = isObject(data.view) && data.view.entity === 'userTask'
    data = ordered
  }
  const out: JsonObject = {id: report.id, exportEntityType: type ?? null, name: report.name ?? null}
  if (profile.descriptions) out.description = report.description ?? null
  out.sourceIndexVersion = version
  out.collectionId = report.collectionId ?? null
  out.data = data
  return out
}

export function exportDashboard(dashboard: JsonObject, profile: ProfileSpec): JsonObject {
  const tiles = Array.isArray(dashboard.tiles) ? dashboard.tiles : []
  const out: JsonObject = {
    id: dashboard.id,
    exportEntityType: 'dashboard',
    name: dashboard.name ?? null
  }
  if (profile.descriptions) out.description = dashboard.description ?? null
  out.sourceIndexVersion = profile.versions.dashboard
  // ≤ 3.9 (index v6) dashboards carry the legacy `reports` field, items without `type`.
  if (profile.legacyDashboards) out.reports = tilesToLegacyReports(tiles)
  else out.tiles = tiles
  out.availableFilters = dashboard.availableFilters ?? []
  out.collectionId = dashboard.collectionId ?? null
  if (!profile.legacyDashboards)
    out.instantPreviewDashboard = dashboard.instantPreviewDashboard === true
  return out
}

/**
 * ReportExportService.retrieveReportDefinitionsOrFailIfMissing: any unknown id → 404 naming ALL
 * requested ids; a combined report adds its single reports, and a missing one of those → 500.
 */
export function collectReports(state: EmulatorState, ids: string[]): JsonObject[] {
  const requested = [...new Set(ids)]
  if (requested.some(id => !state.reports.has(id)))
    throw notFound(`Could not find reports with IDs ${javaList(requested)}`)
  return withCombinedChildren(state, requested)
}

function withCombinedChildren(state: EmulatorState, ids: string[]): JsonObject[] {
  const seen = new Set<string>()
  const out: JsonObject[] = []
  const add = (id: string): boolean => {
    const report = state.reports.get(id)
    if (!report) return false
    if (!seen.has(id)) {
      seen.add(id)
      out.push(report)
    }
    return true
  }
  for (const id of ids) {
    add(id)
    const report = state.reports.get(id)
    if (report?.exportEntityType === 'combined_report' && isObject(report.data)) {
      const children = Array.isArray(report.data.reports) ? report.data.reports : []
      for (const child of children.filter(isObject)) {
        if (!add(String(child.id))) {
          throw serverError(
            `Could not retrieve some reports required by combined report with ID ${id}`
          )
        }
      }
    }
  }
  return out
}

/**
 * DashboardExportService.getCompleteDashboardExport: reports first, then dashboards. The
 * dashboards are read with one search of size LIST_FETCH_LIMIT, so ids beyond the first 1,000
 * count as missing; missing ids → 404 naming them; a dangling tile → 500.
 */
export function collectDashboards(
  state: EmulatorState,
  ids: string[]
): {reports: JsonObject[]; dashboards: JsonObject[]} {
  const requested = [...new Set(ids)]
  const found = requested.filter(id => state.dashboards.has(id)).slice(0, LIST_FETCH_LIMIT)
  const foundIds = new Set(found)
  const missing = requested.filter(id => !foundIds.has(id))
  if (missing.length > 0) throw notFound(`Could not find dashboards with IDs ${javaList(missing)}`)
  const dashboards = found.map(id => state.dashboards.get(id) as JsonObject)
  const reportIds = [...new Set(dashboards.flatMap(tileReportIds))]
  if (reportIds.some(id => !state.reports.has(id))) {
    throw serverError('Could not retrieve some reports required by this dashboard.')
  }
  return {reports: withCombinedChildren(state, reportIds), dashboards}
}

/** shuffleSeed: entities, object keys and tiles in a seeded random order (reports stay first). */
export class Shuffler {
  private calls = 0
  constructor(private readonly seed: number | undefined) {}

  apply(groups: JsonObject[][]): JsonObject[] {
    if (this.seed === undefined) return groups.flat()
    const rng = mulberry32(this.seed + this.calls++ * 7919)
    return groups.flatMap(group =>
      shuffle(
        rng,
        group.map(entity => shuffleEntity(rng, entity))
      )
    )
  }
}

function shuffleEntity(rng: Rng, entity: JsonObject): JsonObject {
  const copy = shuffleKeys(rng, entity) as JsonObject
  for (const field of ['tiles', 'reports']) {
    const list = copy[field]
    if (entity.exportEntityType === 'dashboard' && Array.isArray(list)) shuffle(rng, list)
  }
  return copy
}

function shuffleKeys(rng: Rng, value: Json): Json {
  if (Array.isArray(value)) return value.map(v => shuffleKeys(rng, v))
  if (!isObject(value)) return value
  const keys = shuffle(rng, Object.keys(value))
  const out: JsonObject = {}
  for (const key of keys) out[key] = shuffleKeys(rng, value[key])
  return out
}

export function parseIdList(raw: string): string[] {
  let parsed: unknown
  try {
    parsed = JSON.parse(raw)
  } catch (error) {
    throw new ApiError(
      400,
      'badRequestError',
      `Could not parse the request body: ${(error as Error).message}`
    )
  }
  if (!Array.isArray(parsed) || !parsed.every(id => typeof id === 'string')) {
    throw new ApiError(400, 'badRequestError', 'The request body must be a JSON array of IDs.')
  }
  return parsed
}

/** 200 with a JSON array of export DTOs, serialized with the cached-XML fast path. */
export function entitiesReply(entities: JsonObject[]): Reply {
  return {
    status: 200,
    headers: {'content-type': 'application/json'},
    body: serializeWithXml(entities)
  }
}
