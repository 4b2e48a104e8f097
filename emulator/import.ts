// POST /api/public/import (PublicApiRestService.importEntities → EntityImportService): the steps
// in Optimize's execution order, the report error priority, non-transactional writes (step 12)
// and the HashMap-ordered response (step 13). Step numbers match emulator/README.md.
import {
  badRequest,
  fileInvalid,
  javaList,
  notFound,
  serverError,
  validationError
} from './errors.js'
import {validateDashboards} from './import-dashboards.js'
import {validateReports} from './import-validate.js'
import type {Faults} from './faults.js'
import {parseImportBody} from './import-parse.js'
import type {ProfileSpec} from './profiles.js'
import {hashString} from './random.js'
import {SYSTEM_USER, type EmulatorState} from './state.js'
import {isReportReference} from './tiles.js'
import type {Json, JsonObject} from './types.js'
import {clone, isObject, optimizeDate} from './types.js'

export function importEntities(
  state: EmulatorState,
  profile: ProfileSpec,
  faults: Faults,
  collectionId: string | null,
  body: string
): JsonObject[] {
  // Step 1: checked in the REST layer before the body is read.
  if (collectionId === null) throw badRequest('Must specify a collection ID for this request.')
  // camunda/camunda#36419: without @RequestBody the body parameter is always null.
  const entities = parseImportBody(profile.importBodyUnbound ? '' : body, profile) // steps 2–4
  validateCompleteness(profile, entities) // step 5
  // Step 6: only dashboards and single process reports carry the instant-preview flag.
  if (
    entities.some(
      e =>
        (e.exportEntityType === 'dashboard' && e.instantPreviewDashboard === true) ||
        (e.exportEntityType === 'single_process_report' && data(e).instantPreviewReport === true)
    )
  ) {
    throw validationError(
      profile,
      'badRequestError',
      'Cannot import Instant preview dashboards and reports.'
    )
  }
  // Step 7: retrieveAllReportsToImport rejects management (and agentic control) reports.
  if (
    entities.some(
      e =>
        e.exportEntityType === 'single_process_report' &&
        (data(e).managementReport === true || data(e).agenticControlReport === true)
    )
  ) {
    throw validationError(profile, 'badRequestError', 'Cannot import management reports')
  }
  const collection = state.collections.get(collectionId) // step 8
  if (!collection)
    throw notFound(
      `Collection does not exist! Tried to retrieve collection with id [${collectionId}].`
    )
  const reports = entities.filter(e => e.exportEntityType !== 'dashboard')
  const dashboards = entities.filter(e => e.exportEntityType === 'dashboard')
  validateReports(state, profile, collection, reports) // steps 9–10
  validateDashboards(state, profile, dashboards) // step 11
  return write(state, profile, faults, collectionId, reports, dashboards) // steps 12–13
}

function data(entity: JsonObject): JsonObject {
  return isObject(entity.data) ? entity.data : {}
}

function validateCompleteness(profile: ProfileSpec, entities: JsonObject[]): void {
  const ids = new Set(entities.map(e => e.id))
  const required = new Set<Json>()
  for (const entity of entities) {
    if (entity.exportEntityType === 'combined_report') {
      for (const item of (data(entity).reports as JsonObject[] | undefined) ?? [])
        required.add(item.id)
    } else if (entity.exportEntityType === 'dashboard') {
      for (const tile of entity.tiles as JsonObject[]) {
        // IdGenerator.isValidId(null) dereferences the id → NullPointerException → 500.
        if (tile.id === null)
          throw serverError('Cannot invoke "String.length()" because "id" is null')
        if (isReportReference(tile.id)) required.add(tile.id)
      }
    }
  }
  const missing = [...required].filter(id => !ids.has(id))
  if (missing.length > 0) {
    throw fileInvalid(
      profile,
      `Could not import entities because the file is incomplete, some reports required by a combined report or dashboard are missing. The missing reports have IDs: ${javaList(missing)}`
    )
  }
}

function write(
  state: EmulatorState,
  profile: ProfileSpec,
  faults: Faults,
  collectionId: string,
  reports: JsonObject[],
  dashboards: JsonObject[]
): JsonObject[] {
  const idMap = new Map<string, {id: string; entityType: 'report' | 'dashboard'}>()
  const failAt = faults.takeImportWriteFailure()
  let writes = 0
  const stamp = (entity: JsonObject): JsonObject => {
    writes++
    if (failAt === writes)
      throw serverError(
        `Failed to write ${String(entity.exportEntityType)} with id [${String(entity.id)}] (emulated database failure).`
      )
    const now = optimizeDate(Date.now())
    return {
      ...entity,
      // Before 3.11 there is no description to store.
      description: profile.descriptions ? (entity.description ?? null) : null,
      id: state.newId(),
      collectionId,
      owner: SYSTEM_USER,
      lastModifier: SYSTEM_USER,
      created: now,
      lastModified: now
    }
  }
  const ordered = [
    ...reports.filter(r => r.exportEntityType !== 'combined_report'),
    ...reports.filter(r => r.exportEntityType === 'combined_report')
  ]
  for (const report of ordered) {
    const copy = clone(report)
    if (copy.exportEntityType === 'combined_report') {
      for (const item of (data(copy).reports as JsonObject[] | undefined) ?? [])
        item.id = idMap.get(String(item.id))?.id ?? item.id
    }
    const stored = stamp(copy)
    state.putEntity(stored, collectionId)
    idMap.set(String(report.id), {id: String(stored.id), entityType: 'report'})
  }
  for (const dashboard of dashboards) {
    const copy = clone(dashboard)
    for (const tile of copy.tiles as JsonObject[])
      if (isReportReference(tile.id)) tile.id = idMap.get(tile.id)?.id ?? tile.id
    const stored = stamp({
      ...copy,
      instantPreviewDashboard: false,
      refreshRateSeconds: null,
      managementDashboard: false
    })
    state.putEntity(stored, collectionId)
    idMap.set(String(dashboard.id), {id: String(stored.id), entityType: 'dashboard'})
  }
  // Step 13: HashMap order — here: sorted by a hash of the ORIGINAL id, unrelated to input order.
  const entries = [...idMap.entries()].sort((a, b) => hashString(a[0]) - hashString(b[0]))
  return entries.map(([, v]): JsonObject =>
    profile.importIdsOnly ? {id: v.id} : {id: v.id, entityType: v.entityType}
  )
}
