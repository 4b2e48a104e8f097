// Handlers of the smaller endpoints of PublicApiRestService (listings, deletes, labels, sharing,
// the 8.6+ collection endpoints). Exports, import and data export live in their own modules.
import {ApiError, badRequest, notFound, validationError} from './errors.js'
import {LIST_FETCH_LIMIT, type ProfileSpec} from './profiles.js'
import type {EmulatorState} from './state.js'
import {SYSTEM_USER} from './state.js'
import {tileReportIds} from './tiles.js'
import type {Collection, JsonObject, Reply, ScopeEntry, VariableLabel} from './types.js'
import {empty, isObject, json} from './types.js'

/**
 * GET /report|dashboard?collectionId=: collectionId required; an unknown collection is 200 [].
 * ReportReader/DashboardReader.get…ForCollection run ONE search of size LIST_FETCH_LIMIT without
 * paging, so a collection with more than 1,000 entities is listed silently truncated. The report
 * search leaves out management and instant-preview reports.
 */
export function listIds(entities: JsonObject[], collectionId: string | null): Reply {
  if (collectionId === null) throw badRequest('Must specify a collection ID for this request.')
  const listed = entities.filter(e => {
    if (e.collectionId !== collectionId) return false
    const data = isObject(e.data) ? e.data : {}
    return data.managementReport !== true && data.instantPreviewReport !== true
  })
  return json(
    200,
    listed.slice(0, LIST_FETCH_LIMIT).map(e => ({id: e.id}))
  )
}

/** DELETE /report/{id}: also removes the report from dashboards' tiles and combined reports. */
export function deleteReport(state: EmulatorState, profile: ProfileSpec, id: string): Reply {
  const report = state.getReport(id)
  if (!report) throw notFound(`Report with id [${id}] does not exist.`)
  const data = isObject(report.data) ? report.data : {}
  if (data.managementReport === true || data.instantPreviewReport === true) {
    // ReportService.deleteReport: an OptimizeValidationException.
    throw validationError(
      profile,
      'badRequestError',
      'System-generated reports cannot be deleted manually'
    )
  }
  state.removeReport(id)
  for (const dashboard of state.dashboards.values()) {
    if (!tileReportIds(dashboard).includes(id)) continue
    dashboard.tiles = (dashboard.tiles as JsonObject[]).filter(t => t.id !== id)
  }
  for (const other of state.reports.values()) {
    if (other.exportEntityType !== 'combined_report' || !isObject(other.data)) continue
    const items = Array.isArray(other.data.reports) ? other.data.reports : []
    other.data.reports = items.filter(item => !isObject(item) || item.id !== id)
  }
  return empty(profile.voidStatus)
}

/** DELETE /dashboard/{id}: the dashboard's reports stay. */
export function deleteDashboard(state: EmulatorState, profile: ProfileSpec, id: string): Reply {
  if (!state.removeDashboard(id)) throw notFound(`Dashboard with id [${id}] does not exist.`)
  return empty(profile.voidStatus)
}

/**
 * GET /collection/{id} answers the stored CollectionDefinitionDto [S41]: BaseCollectionDefinitionDto's
 * fields and CollectionDataDto {configuration, roles, scope}. A scope entry is
 * CollectionScopeEntryDto {id: "<type>:<key>", definitionType, definitionKey, tenants: [ids]}.
 * The creator is the one role, MANAGER (CollectionWriter.createNewCollectionAndReturnId); the
 * role's JSON case is [inferred].
 */
function collectionDto(c: Collection): JsonObject {
  return {
    id: c.id,
    name: c.name,
    lastModified: c.lastModified,
    created: c.created,
    owner: c.owner,
    lastModifier: c.lastModifier ?? c.owner,
    data: {
      configuration: {},
      roles: [{id: `USER:${c.owner}`, identity: {id: c.owner, type: 'user'}, role: 'manager'}],
      scope: c.scope.map(s => ({
        id: `${s.definitionType}:${s.definitionKey}`,
        definitionType: s.definitionType,
        definitionKey: s.definitionKey,
        tenants: [...s.tenants]
      }))
    },
    automaticallyCreated: false
  }
}

/** PublicApiRestService.getCollectionIds: the ids only. */
export function listCollections(state: EmulatorState): Reply {
  return json(
    200,
    [...state.collections.keys()].map(id => ({id}))
  )
}

/** CollectionService.getCollectionDefinition: an unknown id is a NotFoundException [S41]. */
export function getCollection(state: EmulatorState, id: string): Reply {
  const collection = state.collections.get(id)
  if (!collection) throw notFound(`Collection with ID [${id}] does not exist.`)
  return json(200, collectionDto(collection))
}

/**
 * POST /collection/create {name, ownerId} → {id} [S41]: the owner becomes the collection's only
 * role, MANAGER, and so the only user who sees it in Optimize. A missing ownerId fails
 * CollectionWriter's "userId cannot be null" (an OptimizeRuntimeException, 500); a missing name
 * becomes "New Collection" (DEFAULT_COLLECTION_NAME).
 */
export function createCollection(state: EmulatorState, body: string): Reply {
  const parsed = parseBody(body)
  const request = isObject(parsed) ? parsed : {}
  if (typeof request.ownerId !== 'string')
    throw new ApiError(500, 'serverError', 'userId cannot be null')
  const name = typeof request.name === 'string' ? request.name : 'New Collection'
  const created = state.addCollection({name})
  const collection = state.collections.get(created.id)
  if (collection) {
    collection.owner = request.ownerId
    collection.lastModifier = request.ownerId
  }
  return json(200, {id: created.id})
}

/**
 * PUT /collection/{id}/scope [S41]: CollectionScopeService.addScopeEntriesToCollectionAsAService
 * → CollectionWriter.addScopeEntriesToCollection, whose script (UPDATE_ENTITY_SCRIPT_CODE) keys
 * the entries by "<type>:<key>": a new entry is added, an existing one gets the union of its old
 * and the new tenants (old first, no repeats). Nothing is ever removed. The last modifier is
 * "System User" (API_IMPORT_OWNER_NAME). An entry without tenants has DEFAULT_TENANT_IDS ([null]).
 */
export function setCollectionScope(
  state: EmulatorState,
  profile: ProfileSpec,
  id: string,
  body: string
): Reply {
  if (!state.collections.has(id))
    throw notFound(
      `Was not able to add scope entries to collection with id [${id}]. Collection does not exist!`
    )
  const parsed = parseBody(body)
  const list = Array.isArray(parsed) ? parsed : [parsed]
  const entries: ScopeEntry[] = list.map(entry => {
    if (
      !isObject(entry) ||
      (entry.definitionType !== 'process' && entry.definitionType !== 'decision') ||
      typeof entry.definitionKey !== 'string'
    ) {
      throw badRequest(
        'Each scope entry needs definitionType (process|decision) and definitionKey.'
      )
    }
    const tenants = Array.isArray(entry.tenants)
      ? entry.tenants.map(t => (typeof t === 'string' ? t : null))
      : [null]
    return {definitionType: entry.definitionType, definitionKey: entry.definitionKey, tenants}
  })
  for (const entry of entries)
    state.addToScope(id, entry.definitionType, entry.definitionKey, entry.tenants)
  const collection = state.collections.get(id)
  if (collection) collection.lastModifier = SYSTEM_USER
  return empty(profile.voidStatus)
}

export function setSharing(state: EmulatorState, profile: ProfileSpec, enabled: boolean): Reply {
  state.setSharing(enabled) // re-enabling is a no-op; shares are never deleted
  return empty(profile.voidStatus)
}

const VARIABLE_TYPES = [
  'String',
  'Integer',
  'Long',
  'Short',
  'Double',
  'Date',
  'Boolean',
  'Json',
  'Object'
]

/** POST /api/public/variables/labels. */
export function variableLabels(state: EmulatorState, profile: ProfileSpec, body: string): Reply {
  if (profile.labelsBodyUnbound) {
    // Spring commits ea081044/046a6d22: no @RequestBody, the DTO stays empty → validation fails.
    throw badRequest('must not be blank')
  }
  const parsed = parseBody(body)
  if (!isObject(parsed)) throw badRequest('The request body must be a JSON object.')
  if (typeof parsed.definitionKey !== 'string' || parsed.definitionKey.trim() === '') {
    // JAX-RS bean validation → ValidationErrorResponseDto.
    return json(400, {
      errorMessage: 'The request body was invalid.',
      validationErrors: [{property: 'definitionKey', errorMessage: 'must not be blank'}]
    })
  }
  const labels = Array.isArray(parsed.labels) ? parsed.labels : []
  const seen = new Set<string>()
  const clean: VariableLabel[] = []
  for (const label of labels) {
    if (
      !isObject(label) ||
      typeof label.variableName !== 'string' ||
      typeof label.variableType !== 'string'
    ) {
      throw badRequest('Each label needs variableName and variableType.')
    }
    const type = VARIABLE_TYPES.find(
      t => t.toLowerCase() === String(label.variableType).toLowerCase()
    )
    if (!type)
      throw badRequest(
        `Cannot deserialize value of type \`VariableType\` from String "${label.variableType}"`
      )
    const key = `${label.variableName}\u0000${type}`
    if (seen.has(key)) throw badRequest('Each variable can only have a single label!')
    seen.add(key)
    clean.push({
      variableName: label.variableName,
      variableType: type,
      variableLabel: typeof label.variableLabel === 'string' ? label.variableLabel : ''
    })
  }
  const key = parsed.definitionKey
  if (!state.getDefinition('process', key))
    throw notFound(`Process definition with key [${key}] does not exist.`)
  const current = new Map(
    state.variableLabels[key]?.map(l => [`${l.variableName}\u0000${l.variableType}`, l])
  )
  for (const label of clean) {
    const id = `${label.variableName}\u0000${label.variableType}`
    // An empty or blank label deletes the existing one.
    if (label.variableLabel.trim() === '') current.delete(id)
    else current.set(id, label)
  }
  state.setVariableLabels(key, [...current.values()])
  return empty(profile.voidStatus)
}

function parseBody(body: string): unknown {
  try {
    return JSON.parse(body)
  } catch (error) {
    throw new ApiError(
      400,
      'badRequestError',
      `Could not parse the request body: ${(error as Error).message}`
    )
  }
}
